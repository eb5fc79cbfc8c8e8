/**
 * Calling the API in-process, for the CLI: the same dispatcher (so the same validation and typed
 * errors) with a socket-less session; an error result becomes a thrown ApiError.
 */
import type { CallInput, CallName, CallOutput } from '../contract/api';
import { ApiError } from '../contract/errors';
import type { Dispatch } from './dispatch';
import { ClientSession } from './session';

export function localCaller(dispatch: Dispatch) {
  const session = new ClientSession(null);
  return async <N extends CallName>(call: N, input: CallInput<N>): Promise<CallOutput<N>> => {
    const result = await dispatch(call, input, session);
    if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.issues);
    return result.data as CallOutput<N>;
  };
}
