import { ManualClock } from '../../src/clock';
import { as, newClient, type Caller } from './api';
import { startTestService, type TestService } from './service';

/**
 * The usual set-up of a case test file: the service on its own database with a clock the test
 * moves, a handler of the given districts and, when named, a procuratorate client. Hooks are
 * registered by the call, so use it at the top of a file (or of a describe block).
 */
export interface CaseTestBed {
  clock: ManualClock;
  readonly svc: TestService;
  readonly handler: Caller;
  readonly proc: Caller;
}

export function caseTestBed(at: string, opts: { districts?: string[]; procuratorate?: string; env?: Record<string, string> } = {}): CaseTestBed {
  const clock = new ManualClock(new Date(at));
  const districts = opts.districts ?? ['吴中区'];
  let svc: TestService | undefined;
  let handler: Caller | undefined;
  let proc: Caller | undefined;
  beforeAll(async () => {
    svc = await startTestService({ clock, ...(opts.env ? { env: opts.env } : {}) });
    handler = as(svc.app, (await newClient(svc.app, 'handler', { districts })).token);
    if (opts.procuratorate) proc = as(svc.app, (await newClient(svc.app, 'procuratorate', { districts }, opts.procuratorate)).token);
  });
  afterAll(async () => {
    await svc?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before the test bed's beforeAll ran`);
    return value;
  };
  return {
    clock,
    get svc() {
      return ready(svc, 'the service');
    },
    get handler() {
      return ready(handler, 'the handler');
    },
    get proc() {
      return ready(proc, 'the procuratorate client (name one in caseTestBed)');
    },
  };
}
