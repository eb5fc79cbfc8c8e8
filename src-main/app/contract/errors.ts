/**
 * The one error type every layer of the app throws for a problem the caller should see: a code from
 * the contract plus one human sentence. The dispatcher turns it into `{ ok: false, error }`; anything
 * else thrown becomes `internal`.
 */
import type { ApiErrorData, ErrorCode } from './api';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ApiErrorData['issues'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toData(): ApiErrorData {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/** HTTP status for each code, used by the serve transport. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  payload_too_large: 413,
  unknown_call: 404,
  unknown_kind: 400,
  not_found: 404,
  conflict: 409,
  read_only: 403,
  outside_workspace: 403,
  unsupported_schema: 422,
  needs_socket: 400,
  unauthorized: 401,
  forbidden: 403,
  storage: 507,
  internal: 500,
};
