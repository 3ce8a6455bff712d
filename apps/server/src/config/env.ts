import { z } from 'zod';

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? dflt : ['true', '1', 'yes'].includes(v)));

/** Every setting of the process, with a one-line reason each. Nothing else reads process.env. */
const schema = z
  .object({
    /** PostgreSQL; the database is created when missing. */
    // the password is the one `docker compose up -d postgres` sets; a trust-auth PostgreSQL ignores it
    DATABASE_URL: z.string().url().default('postgres://postgres:genbox@127.0.0.1:5432/genbox'),
    /** Redis for Bull queues and socket.io fan-out. */
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Prefix of Genbox's keys in Redis (queues): lets several installs, or test runs, share one Redis. */
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, colon, dash, underscore').default('genbox'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Address to listen on: this machine only by default; beyond loopback, start refuses the demo user and weak secrets. */
    HOST: z.string().min(1).default('127.0.0.1'),
    /** api: HTTP + sockets; worker: Bull processors; all: both. */
    ROLE: z.enum(['api', 'worker', 'all']).default('all'),
    /** How browsers and providers reach this server. */
    PUBLIC_URL: z.string().url().optional(),
    STORAGE: z.enum(['local', 's3']).default('local'),
    DATA_DIR: z.string().default('./data'),
    S3_ENDPOINT: z.string().url().optional(),
    S3_BUCKET: z.string().default('genbox'),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: bool(true),
    /** Signs tokens and file URLs and derives the key that encrypts provider API keys. Made and kept under DATA_DIR when unset. */
    APP_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Largest upload accepted, in bytes. */
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
    /** How long an unfinished resumable upload is kept after its last byte arrived, in seconds; then its pieces and row are deleted. */
    UPLOAD_EXPIRY_SECONDS: z.coerce.number().int().min(1).default(24 * 3600),
    /** How often workers delete expired resumable uploads, in ms; 0 turns the sweep off. */
    UPLOAD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(10 * 60_000),
    /** A request whose body sends no byte for this long is cut, in ms; there is no cap on a whole upload that keeps moving. */
    REQUEST_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    /** Largest provider result accepted, in bytes. */
    MAX_RESULT_BYTES: z.coerce.number().int().positive().default(500 * 1024 * 1024),
    /** Longest a result download may take, first request to stored file, in ms (30 min: a 5 GB result needs about 23 Mbit/s). */
    RESULT_DOWNLOAD_DEADLINE_MS: z.coerce.number().int().min(1000).default(30 * 60_000),
    /** Slowest average a result download may keep over RESULT_DOWNLOAD_RATE_WINDOW_MS before it is cut as too slow, in bytes per second; 0 turns the rule off. */
    RESULT_DOWNLOAD_MIN_BYTES_PER_S: z.coerce.number().int().min(0).default(32 * 1024),
    /** The window of that average, in ms; also the grace period before a download is first judged. */
    RESULT_DOWNLOAD_RATE_WINDOW_MS: z.coerce.number().int().min(1000).default(20_000),
    /** Longest one ffprobe run may take before it is killed, in ms. */
    FFPROBE_DEADLINE_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Longest one ffmpeg run may take before it is killed, in ms (the heaviest is a storyboard's stitch of up to 12 scenes). */
    FFMPEG_DEADLINE_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
    /** Bull jobs one worker process runs at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** How long the local provider stays in PROCESSING, in ms. */
    LOCAL_PROVIDER_DELAY_MS: z.coerce.number().int().min(0).default(2000),
    /** How long a worker's hold on a running job lasts without renewal, in ms: a dead worker's jobs are free again after this. */
    QUEUE_LOCK_DURATION_MS: z.coerce.number().int().min(200).default(30_000),
    /** How often workers look for jobs whose worker died (stalled jobs), in ms. */
    QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    /** How long POST /api/boxes/:id/storyboards waits for the plan and continuity jobs before it answers the storyboard still PLANNING, in ms. */
    STORYBOARD_PLAN_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    /** How often workers give a job back to unfinished assets that have none (Redis lost its jobs), in ms; 0 turns it off. */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
    /** How long one HTTP call to a provider may take before it is a retryable timeout, in ms (adapter default when unset). */
    PROVIDER_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    GENBOX_ADMIN_EMAIL: z.string().email().optional(),
    GENBOX_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    /** Creates the demo user and box of the embedded default, on a fresh, empty database only. */
    SEED_DEMO: bool(true),
    /** Makes that demo user an administrator (it is an ordinary user otherwise). */
    DEMO_ADMIN: bool(false),
    RUN_MIGRATIONS: bool(true),
    /** Session token lifetime, in hours. */
    TOKEN_TTL_HOURS: z.coerce.number().positive().default(24 * 30),
    /** Extra browser origins allowed on the socket handshake (comma separated); PUBLIC_URL's origin always is. */
    ALLOWED_ORIGINS: z.string().default(''),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('warn'),
    /** json: one JSON object per line (the default when NODE_ENV=production); pretty: lines for a person (the default otherwise). */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    /** On SIGTERM, how long a node lets in-flight requests and running jobs finish before it hands back the rest and exits, in ms. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(8000),
    /** Only read to pick LOG_FORMAT's default. */
    NODE_ENV: z.string().optional(),
    /** Tries of one outgoing webhook delivery (the first and its retries); with the default base, the last is about a day after the first. */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(13),
    /** Base of the exponential backoff between webhook attempts, in ms (waits base × 1, 3, 7, 15 …). */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(10_000),
    /** How long Genbox waits for a webhook receiver to answer, in ms. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Failed sign-ins and registrations per email within SIGN_IN_LIMIT_WINDOW_MINUTES, before 429; 0: no limit. */
    SIGN_IN_LIMIT_PER_EMAIL: z.coerce.number().int().min(0).default(10),
    /** Failed sign-ins and registrations per client address within the window, before 429; 0: no limit. */
    SIGN_IN_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(50),
    /** The window of the two sign-in limits, in minutes (the allowance refills evenly over it). */
    SIGN_IN_LIMIT_WINDOW_MINUTES: z.coerce.number().positive().default(15),
    /** REST requests (opening an SSE stream or a socket included) per API token or session within API_LIMIT_WINDOW_SECONDS, before 429; 0: no limit. */
    API_LIMIT_PER_TOKEN: z.coerce.number().int().min(0).default(6000),
    /** The same per user, over all of their tokens; 0: no limit. */
    API_LIMIT_PER_USER: z.coerce.number().int().min(0).default(12000),
    /** The window of the two API limits, in seconds (the allowance refills evenly over it). */
    API_LIMIT_WINDOW_SECONDS: z.coerce.number().positive().default(60),
    /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; open when unset. */
    METRICS_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.STORAGE === 's3' && !v.S3_ENDPOINT && !v.S3_REGION)
      ctx.addIssue({ code: 'custom', path: ['S3_ENDPOINT'], message: 'is required when STORAGE=s3' });
    if (!!v.GENBOX_ADMIN_EMAIL !== !!v.GENBOX_ADMIN_PASSWORD)
      ctx.addIssue({ code: 'custom', path: ['GENBOX_ADMIN_PASSWORD'], message: 'GENBOX_ADMIN_EMAIL and GENBOX_ADMIN_PASSWORD go together' });
  });

export type Env = z.infer<typeof schema>;

export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  port: number;
  host: string;
  role: Env['ROLE'];
  publicUrl: string;
  storage: { storage: Env['STORAGE']; dataDir: string; s3: { endpoint?: string; bucket: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean } };
  appSecret: string | undefined;
  maxUploadBytes: number;
  /** Resumable uploads: kept `expiryS` after their last byte; the worker's sweep runs every `sweepIntervalMs` (0: never). */
  resumableUploads: { expiryS: number; sweepIntervalMs: number };
  /** How long a request body may stall before it is cut, in ms. */
  requestBodyIdleTimeoutMs: number;
  maxResultBytes: number;
  resultDownload: { deadlineMs: number; minBytesPerSecond: number; rateWindowMs: number };
  mediaToolDeadlines: { ffprobe: number; ffmpeg: number };
  workerConcurrency: number;
  localProviderDelayMs: number;
  queue: { lockDurationMs: number; stalledIntervalMs: number };
  providerRequestTimeoutMs: number | undefined;
  reconcileIntervalMs: number;
  storyboardPlanWaitMs: number;
  admin: { email: string; password: string } | null;
  seedDemo: boolean;
  demoAdmin: boolean;
  runMigrations: boolean;
  tokenTtlMs: number;
  allowedOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  shutdownGraceMs: number;
  metricsToken: string | null;
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number };
  /** Request allowances within their windows (0: none). */
  limits: { signInPerEmail: number; signInPerAddress: number; signInWindowMs: number; apiPerToken: number; apiPerUser: number; apiWindowMs: number };
}

export class ConfigError extends Error {}

/** Parses the environment once; the error lists every bad variable, one per line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(blank);
  if (!parsed.success) {
    // one line per bad variable, each whole on its own (a log line may be all a person sees)
    const lines = parsed.error.issues.map((i) => `Invalid configuration: ${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    port: e.PORT,
    host: e.HOST,
    role: e.ROLE,
    publicUrl,
    storage: {
      storage: e.STORAGE,
      dataDir: e.DATA_DIR,
      s3: { endpoint: e.S3_ENDPOINT, bucket: e.S3_BUCKET, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY, forcePathStyle: e.S3_FORCE_PATH_STYLE },
    },
    appSecret: e.APP_SECRET,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    resumableUploads: { expiryS: e.UPLOAD_EXPIRY_SECONDS, sweepIntervalMs: e.UPLOAD_SWEEP_INTERVAL_MS },
    requestBodyIdleTimeoutMs: e.REQUEST_BODY_IDLE_TIMEOUT_MS,
    maxResultBytes: e.MAX_RESULT_BYTES,
    resultDownload: { deadlineMs: e.RESULT_DOWNLOAD_DEADLINE_MS, minBytesPerSecond: e.RESULT_DOWNLOAD_MIN_BYTES_PER_S, rateWindowMs: e.RESULT_DOWNLOAD_RATE_WINDOW_MS },
    mediaToolDeadlines: { ffprobe: e.FFPROBE_DEADLINE_MS, ffmpeg: e.FFMPEG_DEADLINE_MS },
    workerConcurrency: e.WORKER_CONCURRENCY,
    localProviderDelayMs: e.LOCAL_PROVIDER_DELAY_MS,
    queue: { lockDurationMs: e.QUEUE_LOCK_DURATION_MS, stalledIntervalMs: e.QUEUE_STALLED_INTERVAL_MS },
    providerRequestTimeoutMs: e.PROVIDER_REQUEST_TIMEOUT_MS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    storyboardPlanWaitMs: e.STORYBOARD_PLAN_WAIT_MS,
    admin: e.GENBOX_ADMIN_EMAIL && e.GENBOX_ADMIN_PASSWORD ? { email: e.GENBOX_ADMIN_EMAIL, password: e.GENBOX_ADMIN_PASSWORD } : null,
    seedDemo: e.SEED_DEMO,
    demoAdmin: e.DEMO_ADMIN,
    runMigrations: e.RUN_MIGRATIONS,
    tokenTtlMs: e.TOKEN_TTL_HOURS * 3600_000,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
    metricsToken: e.METRICS_TOKEN ?? null,
    webhooks: { maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, retryBaseMs: e.WEBHOOK_RETRY_BASE_MS, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    limits: {
      signInPerEmail: e.SIGN_IN_LIMIT_PER_EMAIL,
      signInPerAddress: e.SIGN_IN_LIMIT_PER_ADDRESS,
      signInWindowMs: e.SIGN_IN_LIMIT_WINDOW_MINUTES * 60_000,
      apiPerToken: e.API_LIMIT_PER_TOKEN,
      apiPerUser: e.API_LIMIT_PER_USER,
      apiWindowMs: e.API_LIMIT_WINDOW_SECONDS * 1000,
    },
  };
}
