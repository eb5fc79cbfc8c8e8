/**
 * The single entry of every call from every transport: look the call up, refuse oversized input,
 * validate it strictly, run the handler, validate what it returns, and wrap both outcomes in an
 * ApiResult. Nothing changes before validation passes. A file-system refusal is a typed `storage` error.
 */
import { storageError } from '../../core/util/fs-error';
import { CALLS, isCallName, MAX_REQUEST_BYTES, type ApiResult } from '../contract/api';
import { ApiError } from '../contract/errors';
import type { ApiHandlers } from './handlers';
import type { ClientSession } from './session';

export type Dispatch = (call: string, input: unknown, client: ClientSession) => Promise<ApiResult<unknown>>;

/** Deeper inputs are refused before anything walks them recursively (JSON.stringify would overflow the stack). */
const MAX_NESTING = 64;

/** Whether arrays and objects in `value` nest deeper than `max`, found without recursion. */
function nestedDeeper(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export function createDispatch(handlers: ApiHandlers): Dispatch {
  return async (call, input, client) => {
    try {
      if (!isCallName(call)) throw new ApiError('unknown_call', `there is no API call "${call}"`);
      if (nestedDeeper(input, MAX_NESTING)) {
        throw new ApiError('bad_request', `the request is nested deeper than ${MAX_NESTING} levels`);
      }
      const size = Buffer.byteLength(JSON.stringify(input ?? {}) ?? '');
      if (size > MAX_REQUEST_BYTES) {
        throw new ApiError('payload_too_large', `the request is ${size} bytes; the limit is ${MAX_REQUEST_BYTES}`);
      }
      const spec = CALLS[call];
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          message: i.message,
        }));
        const where = issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
        throw new ApiError('bad_request', `invalid ${call} request: ${where}`, issues);
      }
      const handler = handlers[call] as (input: unknown, client: ClientSession) => Promise<unknown>;
      const output = await handler(parsed.data, client);
      const checked = spec.output.safeParse(output);
      if (!checked.success) {
        const i = checked.error.issues[0];
        throw new ApiError('internal', `the ${call} response did not match the contract (${i.path.join('.')}: ${i.message})`);
      }
      return { ok: true, data: checked.data };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: err.toData() };
      const storage = storageError(err);
      if (storage) return { ok: false, error: { code: 'storage', message: storage.message } };
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
  };
}
