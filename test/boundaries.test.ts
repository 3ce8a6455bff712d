import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Module boundaries as a check, not a review: each project's `nx.tags` (in its package.json) says
 * what it is, and these rules say what it may import. (Nx's ESLint rule would need TypeScript's
 * JavaScript API, which TypeScript 7 does not have; the rules are the same.)
 */
const RULES: Record<string, { workspace: string[]; banned: RegExp[] }> = {
  'scope:contracts': { workspace: [], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io/, /^node:/, /^vue/] },
  'scope:media': { workspace: [], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io/, /^pg$/, /^vue/] },
  'scope:providers': { workspace: ['@genbox/contracts', '@genbox/media'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io$/, /^vue/] },
  'scope:server': { workspace: ['@genbox/contracts', '@genbox/media', '@genbox/providers'], banned: [/^vue/, /^pinia$/] },
  'scope:client': { workspace: ['@genbox/contracts'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io/, /^node:/, /^vue/, /^pg$/] },
  'scope:cli': { workspace: ['@genbox/contracts', '@genbox/client'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^pg$/, /^vue/] },
  'scope:web': { workspace: ['@genbox/contracts', '@genbox/client'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^pg$/, /^node:/, /^sharp$/] },
};
const PROJECTS = ['libs/contracts', 'libs/client', 'libs/media', 'libs/providers', 'apps/server', 'apps/web', 'apps/cli'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(p);
    return /\.(ts|vue)$/.test(name) && !/\.(test|spec)\.ts$|\.d\.ts$/.test(name) ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('module boundaries', () => {
  for (const project of PROJECTS) {
    const tag = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).nx?.tags?.[0] as string;
    it(`${project} (${tag}) imports only what its scope allows`, () => {
      const rule = RULES[tag];
      expect(rule, `${project} has no known scope tag`).toBeDefined();
      const offences: string[] = [];
      for (const file of sources(join(project, 'src'))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            if (/(^|\/)(apps|libs)\//.test(spec) || spec.split('/').filter((s) => s === '..').length > 3) offences.push(`${file}: reaches out of its project with ${spec}`);
            continue;
          }
          if (spec.startsWith('@genbox/') && !rule!.workspace.includes(spec)) offences.push(`${file}: imports ${spec}`);
          if (rule!.banned.some((b) => b.test(spec))) offences.push(`${file}: imports ${spec}`);
        }
      }
      expect(offences).toEqual([]);
    });
  }
});

/**
 * Inside the server: shared kernels at the bottom, then features, each of which may import the
 * kernels and the features listed before it, never one after it. So dependencies run one way and
 * no two features can need each other. The composition root (main.ts, bootstrap.ts, app.module.ts)
 * may import anything.
 */
const SERVER = 'apps/server/src';
const KERNELS = ['config', 'database', 'storage', 'common', 'media', 'web'];
/** Entry points beside main.ts: like the composition root, they may import anything, and nothing imports them. */
const ENTRIES = ['cli'];
const FEATURES = ['auth', 'realtime', 'boxes', 'credits', 'providers', 'assets', 'generation', 'storyboards', 'outgoing-webhooks', 'webhooks', 'analytics', 'metrics', 'admin-queues', 'health', 'docs'];

function layerOf(dir: string): { kind: 'kernel' | 'feature'; rank: number } | null {
  if (KERNELS.includes(dir)) return { kind: 'kernel', rank: KERNELS.indexOf(dir) };
  if (FEATURES.includes(dir)) return { kind: 'feature', rank: FEATURES.indexOf(dir) };
  return null;
}

describe('server layers', () => {
  const files = sources(SERVER).filter((f) => relative(SERVER, f).includes('/'));

  it('every folder of the server is a kernel or a feature named in the order', () => {
    const unknown = [...new Set(files.map((f) => relative(SERVER, f).split('/')[0]!))].filter((d) => !layerOf(d) && !ENTRIES.includes(d));
    expect(unknown).toEqual([]);
  });

  it('every feature is a Nest module of its own, with its public surface declared', () => {
    const missing = FEATURES.filter((f) => {
      try {
        return !/exports:/.test(readFileSync(join(SERVER, f, `${f}.module.ts`), 'utf8'));
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it('kernels import no feature; a feature imports kernels and only the features before it', () => {
    const offences: string[] = [];
    for (const file of files) {
      const from = relative(SERVER, file).split('/')[0]!;
      const own = layerOf(from);
      if (!own) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(SERVER, resolve(dirname(file), spec)).split('/')[0]!;
        if (target === from || target.startsWith('..')) continue;
        const other = layerOf(target);
        if (ENTRIES.includes(target)) {
          offences.push(`${relative(SERVER, file)} imports the entry point ${target}: ${spec}`);
          continue;
        }
        const allowed = other && (other.kind === 'kernel' ? own.kind === 'feature' || other.rank < own.rank : own.kind === 'feature' && other.rank < own.rank);
        if (!allowed) offences.push(`${relative(SERVER, file)} (${own.kind} ${from}) imports ${target}: ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
