import type { FailureAnalytics, ProviderCost } from '@genbox/contracts';
import { formatSeconds } from '../board/failureText';

export const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
/** Short waits keep a decimal (a 0.4 s queue wait is not "0 s"); longer ones read as the board shows them. */
export const secs = (x: number | null) => (x === null ? '—' : x < 10 ? `${Number(x.toFixed(1))} s` : formatSeconds(x));
/** Credits to two decimals at most (the ledger keeps four). */
export const credits = (x: number) => String(Number(x.toFixed(2)));
export const providerCostText = (costs: ProviderCost[]) => costs.map((c) => `${Number(c.amount.toFixed(4))} ${c.unit.replace(/_/g, ' ')}`).join(', ');

export const FIXER_TEXT: Record<FailureAnalytics['fixed_by'], string> = {
  retry: 'Retrying usually helps',
  editor: 'Whoever runs it: change the prompt or settings',
  admin: 'An admin must fix the model or provider',
};
