import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Module boundaries as a check, not a review: each project's `nx.tags` (in its package.json) says
 * what it is, and these rules say what it may import. (Nx's ESLint rule would need TypeScript's
 * JavaScript API, which TypeScript 7 does not have; the rules are the same.)
 */
const RULES: Record<string, { workspace: string[]; banned: RegExp[] }> = {
  'scope:contracts': { workspace: [], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io/, /^node:/, /^vue/] },
  'scope:providers': { workspace: ['@genbox/contracts'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io$/, /^vue/] },
  'scope:server': { workspace: ['@genbox/contracts', '@genbox/providers'], banned: [/^vue/, /^pinia$/] },
  'scope:client': { workspace: ['@genbox/contracts'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^socket\.io/, /^node:/, /^vue/, /^pg$/] },
  'scope:cli': { workspace: ['@genbox/contracts', '@genbox/client'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^pg$/, /^vue/] },
  'scope:web': { workspace: ['@genbox/contracts', '@genbox/client'], banned: [/^@nestjs\//, /^typeorm$/, /^bull$/, /^ioredis$/, /^pg$/, /^node:/, /^sharp$/] },
};
const PROJECTS = ['libs/contracts', 'libs/client', 'libs/providers', 'apps/server', 'apps/web', 'apps/cli'];

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
