/**
 * A value read at most once per `maxAgeMs` (concurrent callers share one read); `invalidate()`
 * makes the next caller read again. For small, hot lookups where a few seconds of staleness in
 * other processes is acceptable and said so where it is used.
 */
export class RefreshedValue<T> {
  private value: T | null = null;
  private readAt = 0;
  private pending: Promise<T> | null = null;

  constructor(private readonly read: () => Promise<T>, private readonly maxAgeMs: number) {}

  async get(): Promise<T> {
    if (this.value !== null && Date.now() - this.readAt < this.maxAgeMs) return this.value;
    this.pending ??= this.read()
      .then((v) => {
        this.value = v;
        this.readAt = Date.now();
        return v;
      })
      .finally(() => { this.pending = null; });
    return this.pending;
  }

  invalidate(): void {
    this.value = null;
  }
}
