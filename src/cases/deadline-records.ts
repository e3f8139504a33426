import type { DeadlineRecord } from '../../models/case';
import type { Deadline } from '../../workflows/deadlines';
import type { DeadlineRuleName } from '../../workflows/rules';

/** Stored deadlines (Dates) and the machine's form of them (ISO strings), both ways. */

export function toDeadline(d: DeadlineRecord): Deadline {
  const iso = (x: Date | undefined) => (x ? new Date(x).toISOString() : undefined);
  return {
    id: d.id,
    rule: d.rule as DeadlineRuleName,
    ...(d.ref ? { ref: d.ref } : {}),
    startAt: iso(d.startAt)!,
    dueAt: iso(d.dueAt)!,
    status: d.status,
    openedSeq: d.openedSeq,
    ...(d.settledAt ? { settledAt: iso(d.settledAt) } : {}),
    ...(d.missedAt ? { missedAt: iso(d.missedAt) } : {}),
    ...(d.metLate ? { metLate: true } : {}),
    extensions: (d.extensions ?? []).map((e) => ({ from: iso(e.from)!, to: iso(e.to)!, reason: e.reason, seq: e.seq })),
  };
}

export function toRecord(d: Deadline): DeadlineRecord {
  return {
    id: d.id,
    rule: d.rule,
    ...(d.ref ? { ref: d.ref } : {}),
    startAt: new Date(d.startAt),
    dueAt: new Date(d.dueAt),
    status: d.status,
    openedSeq: d.openedSeq,
    ...(d.settledAt ? { settledAt: new Date(d.settledAt) } : {}),
    ...(d.missedAt ? { missedAt: new Date(d.missedAt) } : {}),
    ...(d.metLate ? { metLate: true } : {}),
    extensions: d.extensions.map((e) => ({ from: new Date(e.from), to: new Date(e.to), reason: e.reason, seq: e.seq })),
  };
}

