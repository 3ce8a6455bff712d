import { PROVIDER_KINDS } from '@genbox/contracts';
import { describe, expect, it } from 'vitest';
import { createAdapter, createAdapterRegistry } from './registry.js';

describe('adapter registry', () => {
  it.each(PROVIDER_KINDS)('there is a %s adapter that says its kind', (kind) => {
    const adapter = createAdapter(kind);
    expect(adapter.kind).toBe(kind);
    expect(adapter.timeoutMs).toBeGreaterThan(0);
    expect(adapter.pollSchedule(0, 0)).toBeGreaterThan(0);
  });

  it('an unknown kind is a loud error', () => expect(() => createAdapter('midjourney' as never)).toThrow(/No provider adapter for kind "midjourney"/));
  it('the registry covers every kind once', () => expect([...createAdapterRegistry().keys()].sort()).toEqual([...PROVIDER_KINDS].sort()));
});
