import { isIP } from 'node:net';
import type { AppConfig } from './env.js';

/**
 * APP_SECRET values that appear in this repository (old compose defaults, examples): whoever has
 * read them could mint session tokens and sign file URLs for a server that uses them.
 */
export const PUBLISHED_SECRETS = new Set(['change-me-to-a-long-random-string', 'changeme', 'change-me', 'secret', 'genbox', 'genbox-secret', 'genbox-demo', 'genbox-admin']);

/** Shortest APP_SECRET accepted on a server that other machines can reach, in bytes. */
export const MIN_EXPOSED_SECRET_BYTES = 32;

/** Whether HOST keeps the server to this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/**
 * Why this configuration must not listen where others can reach it, in one line, or null.
 * On loopback the embedded default (demo user, generated secret) is fine: nobody else can log in.
 */
export function exposureProblem(config: Pick<AppConfig, 'host' | 'seedDemo' | 'appSecret' | 'role'>): string | null {
  if (isLoopbackHost(config.host)) return null;
  const where = `HOST=${config.host} makes Genbox reachable from other machines`;
  if (config.seedDemo && config.role !== 'worker') return `${where}, so it will not start with the demo user (its password is published): set SEED_DEMO=false and GENBOX_ADMIN_EMAIL/GENBOX_ADMIN_PASSWORD, or HOST=127.0.0.1.`;
  const secret = config.appSecret;
  if (secret !== undefined && PUBLISHED_SECRETS.has(secret.trim().toLowerCase()))
    return `${where}, so it will not start with an APP_SECRET published in Genbox's repository: make one with \`openssl rand -base64 48\`.`;
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_EXPOSED_SECRET_BYTES)
    return `${where}, so it will not start with an APP_SECRET shorter than ${MIN_EXPOSED_SECRET_BYTES} bytes: make one with \`openssl rand -base64 48\`.`;
  return null;
}
