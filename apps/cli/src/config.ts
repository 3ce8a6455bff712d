import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `genbox login` keeps between runs; GENBOX_URL and GENBOX_TOKEN override it. */
export interface Saved { url?: string; token?: string; email?: string }

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'genbox', 'credentials.json');
}

export async function readSaved(env: NodeJS.ProcessEnv): Promise<Saved> {
  try {
    return JSON.parse(await readFile(credentialsPath(env), 'utf8')) as Saved;
  } catch {
    return {};
  }
}

/** Written readable by its owner only: it holds a token. */
export async function writeSaved(env: NodeJS.ProcessEnv, saved: Saved): Promise<string> {
  const path = credentialsPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export async function resolveTarget(env: NodeJS.ProcessEnv): Promise<{ url: string; token: string | null }> {
  const saved = await readSaved(env);
  const url = (env.GENBOX_URL || saved.url || 'http://localhost:3000').replace(/\/+$/, '');
  return { url, token: env.GENBOX_TOKEN || saved.token || null };
}
