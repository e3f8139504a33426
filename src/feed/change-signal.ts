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

  /**
   * Resolves on the next change (true), or after `ms` or when `signal` aborts (false), whichever
   * comes first.
   */
  wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) {
        resolve(false);
        return;
      }
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', stop);
        resolve(woken);
      };
      const wake = () => finish(true);
      const stop = () => finish(false);
      const timer = setTimeout(stop, ms);
      this.waiters.add(wake);
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
