import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@genbox/contracts';

/** The one error type of the server: its code fixes the HTTP status (libs/contracts errors.ts). */
export class AppError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, status?: number) {
    super(message);
    this.status = status ?? ERROR_CODES[code];
  }
  toBody(): ErrorBody {
    return { statusCode: this.status, error: this.code, message: this.message };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const badRequest = (message: string) => new AppError('bad_request', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
