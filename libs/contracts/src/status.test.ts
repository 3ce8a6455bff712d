import { describe, expect, it } from 'vitest';
import { ASSET_STATUSES, TERMINAL_STATUSES } from './status.js';
describe('statuses', () => {
  it('every terminal status is a status', () => {
    for (const s of TERMINAL_STATUSES) expect(ASSET_STATUSES).toContain(s);
  });
});
