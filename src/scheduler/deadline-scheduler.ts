import { randomBytes } from 'node:crypto';
import { CaseModel, type CaseDocument, type DeadlineRecord, type HistoryEntry } from '../../models/case';
import type { AppContext } from '../context';
import { assignPendingCaseNumbers } from '../cases/case-numbers';
import { entryHash, GENESIS_HASH } from '../cases/case-history';
import { abandonTicket, recordChange, reserveTicket, staleTicketMessage } from '../feed/feed-writer';
import { findOneById, updateOneById } from '../db/by-id';
import { caseWriteKey, contextOfCase } from '../cases/case-repository';
import { caseListIndex, type ListedCase } from '../cases/case-list-index';
import { toDeadline } from '../cases/deadline-records';
import { kpiFieldsOf } from '../stats/kpi-fields';
import { notifyCaseChange } from '../case-changes';
import { countsAsDue } from '../../workflows/deadlines';

/**
 * Marks due deadlines missed, exactly once, however many service instances run. A case with a due
 * deadline is first claimed with a lease (an atomic findOneAndUpdate on leaseUntil), so instances
 * share the work instead of racing for it; the change itself is a version-guarded write that also
 * appends a DEADLINE_MISSED entry to the history, so even two instances that both believed they held
 * the lease could not both mark it. A crash loses nothing: the lease expires and the deadline is
 * still due. Suspended cases are skipped (suspension stops the clock; see workflows/deadlines.ts).
 */

const LEASE_MS = 30_000;
const BATCH = 200;

export interface SchedulerTickResult {
  casesClaimed: number;
  deadlinesMissed: number;
  conflicts: number;
  caseNumbersAssigned: number;
}

export class DeadlineScheduler {
  readonly owner = `sched-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly ctx: AppContext) {}

  start(intervalMs: number): void {
    const loop = () => {
      this.running = this.tick()
        .catch((err) => this.ctx.logger.error({ err }, 'deadline scheduler tick failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  async tick(): Promise<SchedulerTickResult> {
    const result: SchedulerTickResult = { casesClaimed: 0, deadlinesMissed: 0, conflicts: 0, caseNumbersAssigned: 0 };
    const now = this.ctx.clock.now();
    const index = caseListIndex(this.ctx);
    result.caseNumbersAssigned = await assignPendingCaseNumbers(
      this.ctx.workflow.rules,
      now,
      index ? () => index.select((d) => d.caseNoPending === true, () => 0, 500) : undefined,
    );
    const free = { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] };
    // Candidates only: the claim below re-checks due date and lease on the stored document.
    const due = index
      ? await index.select((d) => isDue(d, now), (a, b) => new Date(a.nextDueAt!).getTime() - new Date(b.nextDueAt!).getTime(), BATCH)
      : await CaseModel.find({ nextDueAt: { $lte: now }, stage: { $ne: 'suspended' }, ...free }, { _id: 1 }).sort({ nextDueAt: 1 }).limit(BATCH).lean();
    for (const { _id } of due) {
      // The lease: whoever flips leaseUntil first owns this case for LEASE_MS.
      const claimed = await updateOneById(CaseModel, caseWriteKey(_id), _id, { nextDueAt: { $lte: now }, ...free }, {
        $set: { leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + LEASE_MS) },
      });
      if (!claimed) continue;
      result.casesClaimed += 1;
      const marked = await this.markMissed(_id, now);
      if (marked === null) result.conflicts += 1;
      else result.deadlinesMissed += marked;
    }
    if (result.deadlinesMissed || result.caseNumbersAssigned) this.ctx.logger.info(result, 'deadline scheduler tick');
    return result;
  }

  /** One case: mark its due deadlines missed in one guarded write. Null when the case moved on meanwhile. */
  private async markMissed(caseId: string, now: Date): Promise<number | null> {
    const doc = await findOneById<CaseDocument>(CaseModel as never, caseId, { leaseOwner: this.owner }, { history: 0 });
    if (!doc) return null;
    const deadlines: DeadlineRecord[] = doc.deadlines.map((d) => ({ ...d }));
    const missed = deadlines.filter((d) => d.status === 'open' && new Date(d.dueAt) < now && countsAsDue(d.rule));
    for (const d of missed) {
      d.status = 'missed';
      d.missedAt = now;
    }
    const open = deadlines.filter((d) => d.status === 'open' && countsAsDue(d.rule)).map((d) => new Date(d.dueAt).getTime());
    const nextDueAt = open.length ? new Date(Math.min(...open)) : null;
    const release = { leaseOwner: null, leaseUntil: null };
    if (missed.length === 0) {
      const moved = await updateOneById(CaseModel, caseWriteKey(caseId), caseId, { version: doc.version }, { $set: { nextDueAt, ...release } });
      if (moved) notifyCaseChange(this.ctx, { kind: 'derived', caseId, field: 'nextDueAt' });
      return 0;
    }
    const seq = doc.version + 1;
    const entry: Omit<HistoryEntry, 'hash' | 'prevHash'> = {
      seq,
      type: 'DEADLINE_MISSED',
      payload: { deadlines: missed.map((d) => ({ id: d.id, rule: d.rule, dueAt: new Date(d.dueAt).toISOString() })) },
      facts: { now: now.toISOString() },
      actor: { clientId: 'system:scheduler', role: 'system' },
      at: now,
      recordedAt: now,
      from: doc.state,
      to: doc.state,
      version: seq,
    };
    const prevHash = doc.lastHash ?? GENESIS_HASH;
    const hash = entryHash(prevHash, entry);
    const ticket = await reserveTicket();
    const written = await updateOneById(
      CaseModel,
      caseWriteKey(caseId),
      caseId,
      { version: doc.version, leaseOwner: this.owner },
      {
        // The KPI facts depend on deadline outcomes (e.g. whether the procuratorate was notified in time).
        $set: { deadlines, nextDueAt, overdue: true, lastHash: hash, kpi: kpiFieldsOf(contextOfCase(doc), deadlines.map(toDeadline)), ...release },
        $inc: { version: 1 },
        $push: { history: { ...entry, feedTicket: ticket, prevHash, hash } },
      },
    );
    if (!written) {
      await abandonTicket(ticket, now);
      await updateOneById(CaseModel, caseWriteKey(caseId), caseId, { leaseOwner: this.owner }, { $set: release });
      return null;
    }
    const recorded = await recordChange(
      ticket,
      { caseId, seq, type: 'DEADLINE_MISSED', at: now, state: doc.state, district: doc.district, procuratorateVisible: !!doc.procuratorateVisible },
      now,
    );
    if (!recorded) this.ctx.logger.error({ ticket, caseId, seq }, staleTicketMessage);
    notifyCaseChange(this.ctx, { kind: 'event', caseId, seq, type: 'DEADLINE_MISSED' });
    return missed.length;
  }
}

/** The scheduler's query (nextDueAt ≤ now, not suspended, lease free) for one case in memory. */
export function isDue(d: ListedCase, now: Date): boolean {
  if (!d.nextDueAt || new Date(d.nextDueAt) > now || d.stage === 'suspended') return false;
  return !d.leaseUntil || new Date(d.leaseUntil) < now;
}
