import 'reflect-metadata';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { setToolDeadlines } from '@genbox/media';
import { AppModule, type Runtime } from './app.module.js';
import { AdminEmailTakenError } from './auth/admin-accounts.js';
import { resolveAppSecret } from './config/app-secret.js';
import { exposureProblem } from './config/exposure-check.js';
import { cutStalledBodies } from './common/body-idle-timeout.js';
import { rejectNul } from './common/reject-nul.js';
import { securityHeaders } from './common/security-headers.js';
import { type AppConfig, loadConfig } from './config/env.js';
import { type Logging, createLogging } from './common/logging/logger.js';
import { requestLogging } from './common/logging/request-logging.js';
import { reportRedisErrors } from './config/redis-errors.js';
import { createDataSource } from './database/data-source.js';
import { Database } from './database/database.js';
import { ensureDatabase } from './database/ensure-database.js';
import { migrate } from './database/migrate.js';
import { DEMO_USER, seed } from './seed.js';
import { RedisIoAdapter } from './realtime/redis-io.adapter.js';
import { socketChannelKey } from './realtime/realtime.publisher.js';
import { createStorage } from './storage/create-storage.js';
import { serveSwaggerUi } from './docs/serve-swagger-ui.js';
import { drainProcess } from './common/graceful-shutdown.js';
import { HttpDrain } from './common/http-drain.js';
import { QueueDrains } from './common/queue-drain.js';
import { ShutdownState } from './common/shutdown-state.js';
import { QueueBoardAccess } from './admin-queues/queue-board.access.js';
import { bullQueuesOf, mountQueueBoard } from './admin-queues/queue-board.js';
import { serveWeb } from './web/serve-web.js';

const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** A dependency that is not there, said in words a newcomer can act on. */
export class StartupError extends Error {}

export interface Genbox {
  app: INestApplication;
  runtime: Runtime;
  /** Lines a person must see whatever LOG_LEVEL says (main.ts: the process is up). */
  announce: Logging['announce'];
  /** Where the API listens (http://127.0.0.1:port), when ROLE is api or all. */
  url: string;
  demo: typeof DEMO_USER | null;
  /** Drains (requests, sockets, jobs: SHUTDOWN_GRACE_MS), then stops everything; once, however often it is called. */
  close(): Promise<void>;
}

/** Starts a Genbox process from an environment: checks, migrations, seed, Nest, HTTP. */
export async function startGenbox(env: NodeJS.ProcessEnv = process.env): Promise<Genbox> {
  const config = loadConfig(env);
  setToolDeadlines(config.mediaToolDeadlines);
  const logging = createLogging({ format: config.logFormat, level: config.logLevel, secrets: secretsOf(config) });
  Logger.overrideLogger(logging.nest);
  const exposure = exposureProblem(config);
  if (exposure) throw new StartupError(exposure);
  await ensureDatabase(config.databaseUrl).catch((e) => {
    throw new StartupError(unreachable('PostgreSQL', config.databaseUrl, 'DATABASE_URL', 'postgres', e));
  });
  await probeRedis(config.redisUrl).catch((e) => {
    throw new StartupError(unreachable('Redis', config.redisUrl, 'REDIS_URL', 'redis', e));
  });
  const redis = reportRedisErrors(new Redis(config.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000), enableAutoPipelining: true }), 'main connection');
  const logger = new Logger('Genbox');
  await warnUnlessNoEviction(redis, logger);

  const appSecret = await resolveAppSecret(config.appSecret, config.storage.dataDir);
  logging.protect(appSecret);
  const storage = await createStorage({ ...config.storage, s3: { ...config.storage.s3, createBucket: true } } as never);
  const dataSource = await createDataSource(config.databaseUrl).initialize();
  if (config.runMigrations) {
    const ran = await migrate(dataSource);
    if (ran.length) logger.log(`applied migrations: ${ran.join(', ')}`);
  }
  const database = new Database(dataSource);
  const seeded = await seed(database, { admin: config.admin, demo: config.seedDemo, demoAdmin: config.demoAdmin }).catch(async (e) => {
    await dataSource.destroy().catch(() => undefined);
    redis.disconnect();
    throw e instanceof AdminEmailTakenError ? new StartupError(e.message) : e;
  });

  const runtime: Runtime = { config: { ...config, appSecret }, database, redis, storage };
  // abortOnError: false: a wiring error throws to the caller (main.ts prints it) instead of exiting the process from inside Nest
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), { rawBody: true, logger: logging.nest, bodyParser: true, abortOnError: false });
  app.setGlobalPrefix('api', { exclude: ['metrics'] }); // Prometheus scrapes /metrics
  app.set('trust proxy', 'loopback');
  // answers are live data no client revalidates: hashing every body for an ETag cost more than mapping a list page
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(securityHeaders({ mediaOrigins: mediaOrigins(config), hsts: config.publicUrl.startsWith('https:') }));
  app.useBodyParser('json', { limit: '2mb' });
  app.use(rejectNul);
  app.use(requestLogging(logging.pino));
  const http = new HttpDrain(app.get(ShutdownState));
  app.use(http.track);
  const origins = [...loopbackAliases(new URL(config.publicUrl)), ...config.allowedOrigins];
  const sockets = config.role !== 'worker' ? new RedisIoAdapter(app, config.redisUrl, socketChannelKey(config.redisPrefix), origins) : null;
  if (sockets) {
    app.useWebSocketAdapter(sockets);
    mountQueueBoard(app.getHttpAdapter().getInstance(), bullQueuesOf(app), app.get(QueueBoardAccess).guard);
    serveSwaggerUi(app.getHttpAdapter().getInstance());
    if (!serveWeb(app.getHttpAdapter().getInstance(), WEB_DIST)) logger.warn(`no built web app at ${WEB_DIST}: run npm run build`);
  }
  // no enableShutdownHooks(): main.ts turns SIGTERM into close(), which drains first
  cutStalledBodies(app.getHttpServer(), config.requestBodyIdleTimeoutMs);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`;
  let closing: Promise<void> | undefined;

  return {
    app,
    runtime,
    announce: logging.announce,
    url,
    demo: seeded.demo ? DEMO_USER : null,
    close() {
      closing ??= (async () => {
        // a worker drains every queue it runs (each processor registered its QueueDrain)
        const worker = config.role !== 'api' ? app.get(QueueDrains) : null;
        await drainProcess({ state: app.get(ShutdownState), http, server: app.getHttpServer(), sockets, worker, graceMs: config.shutdownGraceMs });
        await app.close();
        await dataSource.destroy().catch(() => undefined);
        redis.disconnect();
      })();
      return closing;
    },
  };
}

/** What the log must never show, wherever it turns up: the secrets of the configuration. */
function secretsOf(config: AppConfig): (string | undefined)[] {
  const passwordOf = (url: string) => decodeURIComponent(new URL(url).password) || undefined;
  return [config.appSecret, config.admin?.password, config.metricsToken ?? undefined, config.storage.s3.secretAccessKey, passwordOf(config.databaseUrl), passwordOf(config.redisUrl)];
}

function unreachable(what: string, url: string, variable: string, service: string, e: unknown): string {
  const u = new URL(url);
  return [
    `Cannot reach ${what} at ${u.hostname}:${u.port || (service === 'redis' ? 6379 : 5432)} (${variable}): ${(e as Error).message || (e as { code?: string }).code}.`,
    `Start it, e.g. with \`docker compose -f compose.services.yml up -d\`, or set ${variable} to where it runs.`,
  ].join('\n');
}

/** One connection attempt, no retries: at start, an absent Redis should be reported, not waited for. */
async function probeRedis(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  let cause: Error | null = null;
  probe.on('error', (e: Error) => (cause ??= e)); // the socket's own error (ECONNREFUSED…) says more than "Connection is closed"
  try {
    await probe.connect().catch((e: Error) => {
      throw cause ?? e;
    });
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}

/** Bull loses jobs if Redis evicts keys under memory pressure. */
async function warnUnlessNoEviction(redis: Redis, logger: Logger): Promise<void> {
  const policy = await redis.config('GET', 'maxmemory-policy').catch(() => null);
  const value = Array.isArray(policy) ? policy[1] : null;
  if (value && value !== 'noeviction') logger.warn(`Redis maxmemory-policy is ${value}: set it to noeviction, or queued generations can be lost`);
}

/** Where the board's file URLs point: PUBLIC_URL (any loopback spelling), and AWS S3 when files are presigned redirects there. */
function mediaOrigins(config: AppConfig): string[] {
  const s3Direct = config.storage.storage === 's3' && !config.storage.s3.endpoint;
  // a CSP source cannot name an IPv6 address ([::1]): pages opened that way load media as 'self'
  const hosts = loopbackAliases(new URL(config.publicUrl)).filter((o) => !o.includes('://['));
  return [...hosts, ...(s3Direct ? ['https://*.amazonaws.com'] : [])];
}

/**
 * The browser origins PUBLIC_URL stands for: itself, and on a loopback host its other spellings
 * (a person opens http://127.0.0.1:3000 as often as http://localhost:3000).
 */
export function loopbackAliases(url: URL): string[] {
  const loopback = ['localhost', '127.0.0.1', '[::1]'];
  if (!loopback.includes(url.hostname)) return [url.origin];
  const port = url.port ? `:${url.port}` : '';
  return loopback.map((host) => `${url.protocol}//${host}${port}`);
}
