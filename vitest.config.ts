import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // NestJS needs decorator metadata, which only swc (not esbuild/oxc) emits here.
  // vue() compiles the web's single-file components for apps/web tests; swc then strips their TypeScript.
  plugins: [vue(), swc.vite({ swcrc: false, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true } })],
  resolve: {
    alias: {
      '@genbox/contracts': src('./libs/contracts/src/index.ts'),
      '@genbox/client': src('./libs/client/src/index.ts'),
      '@genbox/providers': src('./libs/providers/src/index.ts'),
      '@genbox/media': src('./libs/media/src/index.ts'),
    },
  },
  test: {
    include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
