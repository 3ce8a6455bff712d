import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@genbox/contracts';

/** The one error type of the server: its code fixes the HTTP status (libs/contracts errors.ts). */
export class AppError extends Error {
  readonly status: number;
  /** `details`: extra fields of the body a client acts on (a 402's balance and cost). */
  constructor(readonly code: ErrorCode, message: string, status?: number, readonly details?: Record<string, unknown>) {
    super(message);
    this.status = status ?? ERROR_CODES[code];
  }
  toBody(): ErrorBody {
    return { ...this.details, statusCode: this.status, error: this.code, message: this.message };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
