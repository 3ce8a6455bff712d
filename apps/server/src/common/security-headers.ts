import type { NextFunction, Request, Response } from 'express';

/** Where the board's images, videos and downloads may come from besides this server. */
export interface SecurityHeaderOptions {
  /** Origins the browser may load media from and fetch: PUBLIC_URL and its loopback spellings, AWS S3 for presigned redirects. */
  mediaOrigins: string[];
  /** Send Strict-Transport-Security (PUBLIC_URL is https). */
  hsts: boolean;
}

/**
 * The policy for pages (the board, /api/docs, the queue board) and every API answer. The board
 * is built files only: scripts from this origin, no eval, no inline script. Styles may be inline
 * (Vue's style bindings, Swagger UI and Bull Board set them). Nobody may frame the app.
 */
export function pagePolicy(opts: SecurityHeaderOptions): string {
  const media = ["'self'", ...opts.mediaOrigins].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media} data: blob:`,
    `media-src ${media} blob:`,
    `connect-src ${media}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Stored files are what users uploaded or providers returned: even when the browser opens one
 * directly it must not run as a page of this origin. No scripts, no plugins, a sandbox (a unique
 * origin), no type guessing.
 */
export const STORED_FILE_POLICY = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** The headers every answer carries (helmet's set, written out: a few lines, no package). */
export function securityHeaders(opts: SecurityHeaderOptions) {
  const csp = pagePolicy(opts);
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // file URLs carry their signature in the query: never hand them to another site as a referrer
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (opts.hsts) res.setHeader('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
    next();
  };
}
