import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of a piece of work carries: the HTTP request that started it, the asset and box it is about. */
export interface LogContext {
  reqId?: string;
  assetId?: string;
  boxId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` (over the caller's own) on every line it logs, across awaits. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Adds fields to the current context, once they are known (the box of an asset just read). */
export function addLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
