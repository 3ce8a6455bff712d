/**
 * The values of `provider_state` that Genbox writes itself, beside whatever a provider reports.
 * They live with the asset row (not with the generation jobs that write them) because the row's
 * wire shape hides them (`asset.mapper.ts`), and assets may not import generation; the generation
 * side reads and writes them only through here (re-exported by `generation/job-identity.ts`).
 */

const SUBMITTING = 'submitting:';

/** While a submit chain is sending the asset: names the one chain that may send it again. */
export const submittingMarker = (chain: string) => `${SUBMITTING}${chain}`;

/** The chain a `submitting:` marker names, or null when the state is no such marker. */
export const chainOfMarker = (providerState: string | null): string | null =>
  providerState?.startsWith(SUBMITTING) && providerState.length > SUBMITTING.length ? providerState.slice(SUBMITTING.length) : null;

/** A sync provider's result is with a finish job (bytes staged in storage): the submit must not send it again. */
export const FINISHING_MARKER = 'finishing';

/** provider_state as clients see it: a submit chain's marker is Genbox's bookkeeping, the word is enough. */
export const publicProviderState = (providerState: string | null): string | null =>
  providerState?.startsWith(SUBMITTING) ? 'submitting' : providerState;
