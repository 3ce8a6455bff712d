import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import pretty from 'pino-pretty';
import { currentLogContext } from './log-context.js';
import { SecretScrubber } from './scrub-secrets.js';

export type LogFormat = 'json' | 'pretty';
export type LogLevelName = 'error' | 'warn' | 'log' | 'debug';

const PINO_LEVEL: Record<LogLevelName, pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug' };

export interface Logging {
  /** The Nest logger: every `new Logger(context)` in the server writes through it. */
  nest: LoggerService;
  pino: pino.Logger;
  /** Lines a person must see whatever LOG_LEVEL says (the process is up, where). */
  announce(message: string, fields?: Record<string, unknown>): void;
  /** Adds a secret to those masked in every line. */
  protect(secret: string): void;
}

/**
 * One JSON object per line (production) or coloured lines for a person (development), each with
 * the request, asset and box it belongs to, and never a secret.
 */
export function createLogging(opts: { format: LogFormat; level: LogLevelName; secrets: (string | null | undefined)[]; destination?: NodeJS.WritableStream }): Logging {
  const scrubber = new SecretScrubber(opts.secrets);
  const options: pino.LoggerOptions = {
    level: PINO_LEVEL[opts.level],
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const c = currentLogContext();
      const out: Record<string, string> = {};
      if (c.reqId) out.req_id = c.reqId;
      if (c.assetId) out.asset_id = c.assetId;
      if (c.boxId) out.box_id = c.boxId;
      return out;
    },
    // objects never carry these, but should one ever be logged whole, its secrets stay out
    redact: { paths: ['password', 'api_key', 'apiKey', 'token', 'secret', 'authorization', 'cookie', '*.password', '*.api_key', '*.apiKey', '*.token', '*.secret', '*.authorization', '*.cookie'], censor: '[redacted]' },
  };
  const stream = opts.format === 'pretty'
    ? pretty({ sync: true, colorize: !opts.destination && !!process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', messageFormat: '{if context}[{context}] {end}{msg}', destination: opts.destination ?? 1 })
    : opts.destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(options, stream);
  const announcer = logger.child({}, { level: 'info' });
  return {
    pino: logger,
    nest: new PinoNestLogger(logger, scrubber),
    announce: (message, fields = {}) => announcer.info(fields, scrubber.scrub(message)),
    protect: (secret) => scrubber.add(secret),
  };
}

/** Nest's LoggerService over pino: `(message, context)`, and for errors `(message, stack, context)`. */
class PinoNestLogger implements LoggerService {
  constructor(
    private readonly logger: pino.Logger,
    private readonly scrubber: SecretScrubber,
  ) {}

  log(message: unknown, ...params: unknown[]) { this.write('info', message, params); }
  error(message: unknown, ...params: unknown[]) { this.write('error', message, params); }
  warn(message: unknown, ...params: unknown[]) { this.write('warn', message, params); }
  debug(message: unknown, ...params: unknown[]) { this.write('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]) { this.write('trace', message, params); }
  fatal(message: unknown, ...params: unknown[]) { this.write('fatal', message, params); }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' && (level === 'error' || level === 'fatal') ? rest[0] : message instanceof Error ? message.stack : undefined;
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = this.scrubber.scrub(stack);
    this.logger[level](fields, this.scrubber.scrub(text ?? String(message)));
  }
}
