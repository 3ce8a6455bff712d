import type { AdapterContext } from '@genbox/providers';

/** A real AdapterContext for adapter tests: global fetch, a fresh signal, messages kept for assertions. */
export function testContext(overrides: Partial<AdapterContext> = {}): AdapterContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    fetch: globalThis.fetch.bind(globalThis),
    signal: new AbortController().signal,
    now: () => Date.now(),
    log: (msg) => logs.push(msg),
    logs,
    ...overrides,
  };
}
