/**
 * Runs async work one at a time per key (per web app): a reload, a
 * replacement and the reconciler never act on the same app at once.
 */
export class KeyedLock {
  private readonly tails = new Map<number, Promise<unknown>>();

  isBusy(key: number): boolean {
    return this.tails.has(key);
  }

  busyKeys(): Set<number> {
    return new Set(this.tails.keys());
  }

  /** Runs `work` under the key's lock only if nobody holds it now; otherwise skips it. */
  async runIfIdle(key: number, work: () => Promise<void>): Promise<void> {
    if (this.isBusy(key)) return;
    await this.run(key, work);
  }

  run<T>(key: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
