import type { AppContext, CaseChange } from './context';

/** Tells every listener of a committed case change; a failing listener is logged and does not stop the others. */
export function notifyCaseChange(ctx: AppContext, change: CaseChange): void {
  for (const listener of ctx.listeners) {
    try {
      listener(change);
    } catch (err) {
      ctx.logger.warn({ err, change }, 'case change listener failed');
    }
  }
}
