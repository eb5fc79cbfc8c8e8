/**
 * The renderer's one door to the studio: `api.<call>(input)` for every call of the contract, resolving
 * to the call's data (an API error is thrown as {@link ApiCallError}), plus `api.subscribe` for job
 * events. Like Netron's host split, two transports sit behind it and views never know which:
 * - Electron: `window.skipvit`, exposed by the sandboxed preload through contextBridge;
 * - `skipvit serve`: HTTP POST for calls and a WebSocket for events, with the token from the page URL.
 */
import { CALL_NAMES, type CallName } from '../../src-main/app/contract/calls';
import type { ApiClient, ApiErrorData, ApiResult, CallInput, CallOutput, ErrorCode, JobEvent } from '../../src-main/app/contract/api';
import { connectHttp } from './transport-http';

export class ApiCallError extends Error {
  readonly code: ErrorCode;
  constructor(
    readonly call: CallName,
    readonly data: ApiErrorData,
  ) {
    super(data.message);
    this.name = 'ApiCallError';
    this.code = data.code;
  }
}

type Unwrapped = {
  [N in Exclude<CallName, 'jobsSubscribe'>]: (input: CallInput<N>) => Promise<CallOutput<N>>;
};

export interface Api extends Unwrapped {
  /** Events of one run, or of every run when runId is undefined; returns the unsubscribe function. */
  subscribe(runId: string | undefined, listener: (event: JobEvent) => void): Promise<() => void>;
  /** Which transport is in use, for the About line only. */
  readonly transport: 'ipc' | 'http';
}

declare global {
  interface Window {
    skipvit?: ApiClient;
  }
}

function unwrap<T>(call: CallName, result: ApiResult<T>): T {
  if (result.ok) return result.data;
  throw new ApiCallError(call, result.error);
}

export function createApi(client: ApiClient, transport: Api['transport']): Api {
  const api: Record<string, unknown> = { transport };
  for (const call of CALL_NAMES) {
    if (call === 'jobsSubscribe') continue;
    const fn = client[call] as (input: unknown) => Promise<ApiResult<unknown>>;
    api[call] = async (input: unknown) => unwrap(call, await fn(input ?? {}));
  }
  api.subscribe = async (runId: string | undefined, listener: (event: JobEvent) => void) => {
    const { subscriptionId } = unwrap('jobsSubscribe', await client.jobsSubscribe(runId ? { runId } : {}, listener));
    return () => {
      void client.jobsUnsubscribe({ subscriptionId });
    };
  };
  return api as unknown as Api;
}

function hostClient(): { client: ApiClient; transport: Api['transport'] } {
  if (window.skipvit) return { client: window.skipvit, transport: 'ipc' };
  const token = new URL(window.location.href).searchParams.get('token') ?? '';
  return { client: connectHttp(window.location.origin, token), transport: 'http' };
}

const host = hostClient();
export const api: Api = createApi(host.client, host.transport);
