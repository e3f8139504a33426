/**
 * Wakes long-polling feed readers when this process commits a case change. Changes committed by
 * other instances are not heard here; waiters also wake on a short timer and look for themselves.
 */
export class ChangeSignal {
  private readonly waiters = new Set<() => void>();

  readonly notify = (): void => {
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  };

  /** Resolves on the next change, after `ms`, or when `signal` aborts, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
