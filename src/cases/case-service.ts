import type { UpdateQuery } from 'mongoose';
import { CaseModel, type CaseDocument, type HistoryEntry } from '../../models/case';
import { requireAccess } from '../auth/permissions';
import { findOneById } from '../db/by-id';
import { notifyCaseChange } from '../case-changes';
import { coversDistrict, type Principal } from '../auth/principal';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { parse } from '../http/validate';
import { afterCursor, decodeCursor, pageOf, type PageCursor } from '../http/pagination';
import { newId } from '../ids';
import type { CaseContext, CaseFacts, CaseMachineEvent, MoneyRecord } from '../../workflows/case-context';
import { allocatedFenOf, loadLedgers } from '../projects/money-sources';
import { eventBodySchema, isCaseEventType, caseEventTypes, roleMaySend, type CaseEventType } from '../../workflows/case-events';
import { advanceCase, startCase, topStateOf, type PersistedCaseSnapshot } from '../../workflows/case-runtime';
import { MACHINE_VERSION } from '../../workflows/case-machine';
import { MachineVersionError, upgradeSnapshot } from '../../workflows/migrations';
import { liabilityStatus, restorationStatus, type RestorationFacts } from '../../workflows/case-status';
import { countsAsDue, nextDueAt, planDeadlines, registrationDeadlines } from '../../workflows/deadlines';
import type { WorkingCalendar } from '../../workflows/calendar';
import { cstDate } from '../../workflows/fields';
import type { DeadlineRuleName } from '../../workflows/rules';
import { assignCaseNo, claimManualCaseNo, releaseManualCaseNo } from './case-numbers';
import { commitCaseChange, countCases, currentVersion, findCases, loadCase, loadCaseHistory, type CaseRecord } from './case-repository';
import { caseScopeOf, systemCaseScope, type CaseScope } from './case-scope';
import { entryHash, GENESIS_HASH, historyItemView, verifyChain } from './case-history';
import { abandonTicket, recordChange, reserveTicket, staleTicketMessage } from '../feed/feed-writer';
import { kpiFieldsOf } from '../stats/kpi-fields';
import { toDeadline, toRecord } from './deadline-records';
import { listCasesQuery, registerLeadBody, type RegisterLeadInput } from './case-schemas';
import { caseSummary, caseView } from './case-view';
import { caseListIndex, listProjection, pendingRestorationStatuses, type ListedCase, type ListFilter } from './case-list-index';

/**
 * The case use cases. Each opens with its access check, then reads as the story of the operation.
 * Advancing a case is: load, restore the machine, refuse what the state does not accept (with the
 * reason), transition, and write snapshot + state + deadlines + history entry + version+1 in one
 * findOneAndUpdate guarded by the version that was read.
 */

/** Events that make a case visible to the procuratorate of its district. */
const procuratorateEvents: ReadonlySet<string> = new Set(['PROCURATORATE_NOTIFIED', 'HANDED_TO_PROCURATORATE', 'DEEMED_NOT_PURSUED']);

function partyKey(code: string): string {
  return code.trim().toUpperCase();
}

function viewDeps(ctx: AppContext) {
  return { machine: ctx.workflow.machine, rules: ctx.workflow.rules, stateLabels: ctx.workflow.stateLabels, now: ctx.clock.now() };
}

export function renderCase(ctx: AppContext, principal: Principal, doc: CaseRecord) {
  const facts = (doc.restorationFacts ?? null) as RestorationFacts | null;
  return caseView(doc, principal, viewDeps(ctx), facts?.allocatedFenByObligation ?? {});
}

/**
 * Builds the document of a newly registered lead; shared with the procuratorate's lead transfers.
 * The deadlines that run from the lead's receipt (the 30-day verification period) open here.
 */
export function newCaseDocument(ctx: AppContext, principal: Principal, input: RegisterLeadInput, calendar: WorkingCalendar, extra: Partial<CaseDocument> = {}): CaseDocument {
  const now = ctx.clock.now();
  if (Date.parse(input.receivedAt) > now.getTime() + 86_400_000) {
    throw errors.invalidRequest('receivedAt cannot be in the future.', [{ path: 'receivedAt', message: 'in the future' }]);
  }
  const parties = (input.parties ?? []).map((p, i) => ({ ...p, id: `P${i + 1}`, creditCode: p.creditCode, idNumber: p.idNumber?.toUpperCase() }));
  const started = startCase(ctx.workflow.machine, { receivedAt: input.receivedAt, redLine: input.redLine ?? false, partyIds: parties.map((p) => p.id) });
  const entry: Omit<HistoryEntry, 'hash' | 'prevHash'> = {
    seq: 1,
    type: 'LEAD_REGISTERED',
    payload: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
    facts: { now: now.toISOString() },
    actor: { clientId: principal.clientId, role: principal.role },
    at: new Date(input.receivedAt),
    recordedAt: now,
    from: null,
    to: started.state,
    version: 1,
  };
  const hash = entryHash(GENESIS_HASH, entry);
  const deadlines = registrationDeadlines(new Date(input.receivedAt).toISOString(), ctx.workflow.rules, calendar);
  const due = nextDueAt(deadlines);
  return {
    _id: newId('case'),
    title: input.title,
    description: input.description,
    sourceRef: input.sourceRef,
    place: input.place,
    location: input.location,
    district: input.district,
    channel: input.channel,
    receivedAt: new Date(input.receivedAt),
    redLine: input.redLine ?? false,
    damageMedia: input.damageMedia ?? [],
    parties,
    partyKeys: parties.flatMap((p) => [p.creditCode, p.idNumber].filter((k): k is string => !!k).map(partyKey)),
    createdBy: { clientId: principal.clientId, role: principal.role },
    procuratorateVisible: false,
    machineVersion: MACHINE_VERSION,
    snapshot: started.snapshot,
    state: started.state,
    stage: topStateOf(started.state),
    major: false,
    deadlines: deadlines.map(toRecord),
    nextDueAt: due ? new Date(due) : null,
    overdue: false,
    liabilityStatus: 'open',
    restorationStatus: 'none',
    kpi: kpiFieldsOf(started.snapshot.context, deadlines),
    version: 1,
    history: [{ ...entry, prevHash: GENESIS_HASH, hash }],
    lastHash: hash,
    createdAt: now,
    updatedAt: now,
    ...extra,
  } as CaseDocument;
}

/** Inserts a new case with its first history entry, and logs it on the change feed. */
export async function createCase(ctx: AppContext, caller: Principal, input: RegisterLeadInput, extra: Partial<CaseDocument> = {}): Promise<CaseDocument> {
  const doc = newCaseDocument(ctx, caller, input, await ctx.workflow.calendar.get(), extra);
  const ticket = await reserveTicket();
  doc.history[0]!.feedTicket = ticket;
  try {
    await CaseModel.create(doc);
  } catch (err) {
    await abandonTicket(ticket, ctx.clock.now());
    throw err;
  }
  const recorded = await recordChange(
    ticket,
    { caseId: doc._id, seq: 1, type: 'LEAD_REGISTERED', at: doc.receivedAt, state: doc.state, district: doc.district, procuratorateVisible: !!doc.procuratorateVisible, becameVisible: !!doc.procuratorateVisible },
    ctx.clock.now(),
  );
  if (!recorded) ctx.logger.error({ ticket, caseId: doc._id, seq: 1 }, staleTicketMessage);
  notifyCaseChange(ctx, { kind: 'event', caseId: doc._id, seq: 1, type: 'LEAD_REGISTERED' });
  return doc;
}

export async function registerLead(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'cases.register');
  const input = parse(registerLeadBody, body);
  if (!coversDistrict(caller, input.district)) throw errors.forbidden(`You may not register cases in ${input.district}.`);
  const doc = await createCase(ctx, caller, input);
  return renderCase(ctx, caller, doc);
}

export async function getCase(ctx: AppContext, principal: Principal | undefined, id: string) {
  const caller = requireAccess(principal, 'cases.read');
  const doc = await loadCase(caseScopeOf(caller), id);
  if (!doc) throw errors.notFound('case');
  return renderCase(ctx, caller, doc);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function listCases(ctx: AppContext, principal: Principal | undefined, query: unknown, scopeOverride?: CaseScope) {
  const caller = requireAccess(principal, 'cases.list');
  const q = parse(listCasesQuery, query, 'query');
  const cursor = decodeCursor(q.cursor);
  const filter: ListFilter = {
    stage: q.state,
    district: q.district,
    channel: q.channel,
    overdue: q.overdue,
    major: q.major,
    restorationPending: q.restorationPending,
    openedFrom: q.openedFrom ? new Date(q.openedFrom) : undefined,
    openedTo: q.openedTo ? new Date(q.openedTo) : undefined,
    text: q.q,
  };
  const scope = scopeOverride ?? caseScopeOf(caller);
  const { docs, total } = await queryCaseList(ctx, scope, filter, cursor, q.limit, !!q.count);
  const page = pageOf(docs, q.limit, (d) => new Date(d.createdAt), (d) => caseSummary(d as CaseRecord, ctx.workflow));
  return total !== undefined ? { ...page, total } : page;
}

/** One page of the case list: from the list index on the embedded engine, else from the database. */
export async function queryCaseList(
  ctx: AppContext,
  scope: CaseScope,
  filter: ListFilter,
  cursor: PageCursor | undefined,
  limit: number,
  count: boolean,
  source: 'auto' | 'database' = 'auto',
): Promise<{ docs: ListedCase[]; total?: number }> {
  const index = source === 'auto' ? caseListIndex(ctx) : null;
  if (index) return index.page(scope, filter, cursor, limit, count);
  const mongoFilter: Record<string, unknown> = {};
  if (filter.stage !== undefined) mongoFilter.stage = filter.stage;
  if (filter.district !== undefined) mongoFilter.district = filter.district;
  if (filter.channel !== undefined) mongoFilter.channel = filter.channel;
  if (filter.overdue !== undefined) mongoFilter.overdue = filter.overdue;
  if (filter.major !== undefined) mongoFilter.major = filter.major;
  if (filter.restorationPending !== undefined) mongoFilter.restorationStatus = { [filter.restorationPending ? '$in' : '$nin']: [...pendingRestorationStatuses] };
  if (filter.openedFrom || filter.openedTo) {
    mongoFilter.openedAt = { ...(filter.openedFrom ? { $gte: filter.openedFrom } : {}), ...(filter.openedTo ? { $lte: filter.openedTo } : {}) };
  }
  if (filter.text !== undefined) {
    const pattern = { $regex: escapeRegex(filter.text), $options: 'i' };
    mongoFilter.$or = [{ title: pattern }, { caseNo: pattern }, { 'parties.name': pattern }];
  }
  const pageFilter = { $and: [mongoFilter, afterCursor('createdAt', cursor)] };
  const docs = await findCases(scope, pageFilter, { sort: { createdAt: -1, _id: -1 }, limit: limit + 1, projection: listProjection });
  return count ? { docs, total: await countCases(scope, mongoFilter) } : { docs };
}

export async function getHistory(_ctx: AppContext, principal: Principal | undefined, id: string) {
  const caller = requireAccess(principal, 'cases.history');
  const doc = await loadCaseHistory(caseScopeOf(caller), id);
  if (!doc) throw errors.notFound('case');
  return { items: doc.history.map(historyItemView) };
}

export async function verifyHistory(_ctx: AppContext, principal: Principal | undefined, id: string) {
  const caller = requireAccess(principal, 'cases.verifyHistory');
  const doc = await loadCaseHistory(caseScopeOf(caller), id);
  if (!doc) throw errors.notFound('case');
  const result = verifyChain(doc.history);
  const versionMatches = doc.history.length === doc.version;
  return { ...result, valid: result.valid && versionMatches, version: doc.version, versionMatchesHistory: versionMatches };
}

async function reoffenceFact(ctx: AppContext, doc: CaseRecord): Promise<CaseFacts['reoffence']> {
  if (!doc.partyKeys?.length) return null;
  const received = new Date(doc.receivedAt);
  const windowStart = new Date(received);
  windowStart.setUTCFullYear(windowStart.getUTCFullYear() - ctx.workflow.rules.reoffenceWindowYears);
  const others = await findCases(
    systemCaseScope('re-offence check'),
    { _id: { $ne: doc._id }, partyKeys: { $in: doc.partyKeys }, receivedAt: { $gte: windowStart, $lt: received } },
    { sort: { receivedAt: -1 }, limit: 1, projection: { partyKeys: 1, receivedAt: 1 } },
  );
  const other = others[0];
  if (!other) return null;
  const shared = doc.partyKeys.find((k) => other.partyKeys.includes(k));
  const party = doc.parties.find((p) => [p.creditCode, p.idNumber].some((c) => c && partyKey(c) === shared));
  return { partyId: party?.id ?? 'unknown', otherCaseId: other._id, otherReceivedAt: new Date(other.receivedAt).toISOString() };
}

/**
 * For MONEY_RECORD_REVERSED: the payment or deposit that history entry `seq` recorded (null when it
 * recorded no money), and how much of that obligation's money is allocated to projects (the ledger).
 */
async function moneyRecordFacts(scope: CaseScope, doc: CaseRecord, seq: number): Promise<Pick<CaseFacts, 'moneyRecord' | 'allocatedFen'>> {
  const history = await loadCaseHistory(scope, doc._id);
  const entry = history?.history.find((e) => e.seq === seq);
  const p = (entry?.payload ?? {}) as { obligationId?: string; amountFen?: number; paidFen?: number; certificateNo?: string };
  let record: MoneyRecord | null = null;
  if (entry?.type === 'ESCROW_DEPOSITED' && p.obligationId && p.amountFen) {
    record = { seq, type: 'ESCROW_DEPOSITED', obligationId: p.obligationId, amountFen: p.amountFen, certificateNo: p.certificateNo };
  } else if (entry?.type === 'OBLIGATION_PROGRESS' && p.obligationId && p.paidFen) {
    record = { seq, type: 'OBLIGATION_PROGRESS', obligationId: p.obligationId, amountFen: p.paidFen };
  }
  if (!record) return { moneyRecord: null };
  const ledgers = await loadLedgers([doc._id]);
  return { moneyRecord: record, allocatedFen: allocatedFenOf(ledgers, doc._id, record.obligationId) };
}

function factsFor(doc: CaseRecord, now: Date): CaseFacts {
  const nowIso = now.toISOString();
  const overdue = new Set<DeadlineRuleName>();
  const open: Record<string, string> = {};
  for (const d of doc.deadlines ?? []) {
    const due = new Date(d.dueAt).toISOString();
    if (d.status === 'missed' || (d.status === 'open' && due < nowIso && countsAsDue(d.rule))) overdue.add(d.rule as DeadlineRuleName);
    if ((d.status === 'open' || d.status === 'missed') && (!open[d.rule] || open[d.rule]! < due)) open[d.rule] = due;
  }
  return { now: nowIso, overdueRules: [...overdue], openDeadlines: open };
}

export interface SendEventOptions {
  ifMatch?: number;
  idempotencyKey?: string;
}

/** Parses `{ type, at?, ...payload }`: an unknown type or a payload off its schema is a 400. */
export function parseEventBody(body: unknown): { type: CaseEventType; at?: string; payload: Record<string, unknown> } {
  const type = (body as { type?: unknown } | null)?.type;
  if (!isCaseEventType(type)) {
    throw errors.invalidRequest(`Unknown event type${typeof type === 'string' ? ` ${type.slice(0, 60)}` : ''}.`, [
      { path: 'type', message: `must be one of ${caseEventTypes.join(', ')}` },
    ]);
  }
  const parsed = parse(eventBodySchema(type), body) as Record<string, unknown> & { type: CaseEventType; at?: string };
  const { type: _t, at, ...payload } = parsed;
  void _t;
  return { type, ...(at ? { at } : {}), payload };
}

export async function sendEvent(ctx: AppContext, principal: Principal | undefined, id: string, body: unknown, opts: SendEventOptions = {}) {
  const caller = requireAccess(principal, 'cases.sendEvent');
  const scope = caseScopeOf(caller);
  const { type, at, payload } = parseEventBody(body);

  const doc = await loadCase(scope, id);
  if (!doc) throw errors.notFound('case');
  if (opts.ifMatch !== undefined && opts.ifMatch !== doc.version) throw errors.versionConflict(doc.version);
  if (!roleMaySend(type, caller.role, topStateOf(doc.state))) throw errors.forbidden(`The role ${caller.role} may not send ${type} here.`);

  const now = ctx.clock.now();
  const facts = factsFor(doc, now);
  if (type === 'CLAIM_NOT_STARTED' && payload.reasonCode === 'significantly_minor') facts.reoffence = await reoffenceFact(ctx, doc);
  if (type === 'MONEY_RECORD_REVERSED') Object.assign(facts, await moneyRecordFacts(scope, doc, payload.seq as number));
  const event = { type, payload, at: at ?? now.toISOString(), facts, actor: { clientId: caller.clientId, role: caller.role } } as CaseMachineEvent;

  let stored: PersistedCaseSnapshot;
  try {
    stored = upgradeSnapshot(doc.snapshot as PersistedCaseSnapshot, doc.machineVersion);
  } catch (err) {
    if (err instanceof MachineVersionError) throw errors.conflict('machine_version', `This case cannot be advanced by this service: ${err.message}.`);
    throw err;
  }
  const result = advanceCase(ctx.workflow.machine, ctx.workflow.rules, stored, event);
  if (!result.ok) {
    if (result.code === 'guard_failed') throw errors.guardFailed(result.reason, { state: result.state });
    throw errors.eventNotAllowed(result.state, result.allowed.filter((t) => roleMaySend(t, caller.role, topStateOf(doc.state))), result.reason);
  }

  const seq = doc.version + 1;
  const previous = stored.context;
  const context: CaseContext = result.context;
  const deadlines = planDeadlines({
    before: (doc.deadlines ?? []).map(toDeadline),
    from: result.from,
    to: result.to,
    event,
    previous,
    context,
    seq,
    rules: ctx.workflow.rules,
    calendar: await ctx.workflow.calendar.get(),
  });

  const manualCaseNo = type === 'CLAIM_STARTED' && typeof payload.caseNo === 'string' ? payload.caseNo.trim() : undefined;
  const claimYear = Number(cstDate(event.at).slice(0, 4));
  if (manualCaseNo) await claimManualCaseNo(ctx.workflow.rules, doc._id, manualCaseNo, claimYear, now);

  const entry: Omit<HistoryEntry, 'hash' | 'prevHash'> = {
    seq,
    type,
    payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
    facts: JSON.parse(JSON.stringify(facts)) as Record<string, unknown>,
    actor: { clientId: caller.clientId, role: caller.role },
    at: new Date(event.at),
    recordedAt: now,
    from: result.from,
    to: result.to,
    version: seq,
    ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
  };
  const prevHash = doc.lastHash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, entry);
  const due = nextDueAt(deadlines);
  const set: Record<string, unknown> = {
    snapshot: result.snapshot,
    machineVersion: MACHINE_VERSION,
    state: result.to,
    stage: topStateOf(result.to),
    deadlines: deadlines.map(toRecord),
    nextDueAt: due ? new Date(due) : null,
    overdue: deadlines.some((d) => d.status === 'missed'),
    major: context.major,
    liabilityStatus: liabilityStatus(context),
    restorationStatus: restorationStatus(context, (doc.restorationFacts ?? undefined) as RestorationFacts | undefined),
    kpi: kpiFieldsOf(context, deadlines),
    updatedAt: now,
    lastHash: hash,
  };
  if (context.outcome) set.outcome = context.outcome;
  if (context.closedAt) set.closedAt = new Date(context.closedAt);
  if (type === 'CLAIM_STARTED') {
    set.openedAt = new Date(event.at);
    set.caseNoYear = claimYear;
    if (manualCaseNo) set.caseNo = manualCaseNo;
    else set.caseNoPending = true;
  }
  if (procuratorateEvents.has(type)) set.procuratorateVisible = true;

  const ticket = await reserveTicket();
  const update: UpdateQuery<CaseDocument> = { $set: set, $inc: { version: 1 }, $push: { history: { ...entry, feedTicket: ticket, prevHash, hash } } };
  const won = await commitCaseChange(scope, doc._id, doc.version, update);
  if (!won) {
    await abandonTicket(ticket, now);
    if (manualCaseNo) await releaseManualCaseNo(ctx.workflow.rules, doc._id, manualCaseNo, claimYear);
    const version = await currentVersion(scope, doc._id);
    if (version === null) throw errors.notFound('case');
    throw errors.versionConflict(version);
  }
  const visible = !!doc.procuratorateVisible || procuratorateEvents.has(type);
  // Not awaited: the reply does not depend on it, and if the process dies first the feed reader
  // repairs the ticket from the history entry (history.feedTicket) after its grace period.
  void recordChange(
    ticket,
    { caseId: doc._id, seq, type, at: new Date(event.at), state: result.to, district: doc.district, procuratorateVisible: visible, becameVisible: visible && !doc.procuratorateVisible },
    now,
  ).then(
    (recorded) => recorded || ctx.logger.error({ ticket, caseId: doc._id, seq }, staleTicketMessage),
    (err: unknown) => ctx.logger.warn({ err, ticket }, 'change record not written; the feed will repair it'),
  );
  notifyCaseChange(ctx, { kind: 'event', caseId: doc._id, seq, type });

  let committed = { ...doc, ...set, version: seq } as CaseRecord;
  if (type === 'CLAIM_STARTED' && !manualCaseNo) {
    const caseNo = await assignCaseNo(ctx.workflow.rules, doc._id, set.caseNoYear as number, now);
    committed = { ...committed, caseNo, caseNoPending: undefined } as CaseRecord;
    notifyCaseChange(ctx, { kind: 'derived', caseId: doc._id, field: 'caseNo' });
  }
  return renderCase(ctx, caller, committed);
}

/** Answers a repeated Idempotency-Key whose first runner died after committing: the event is in the history. */
export async function recoverCommittedEvent(ctx: AppContext, principal: Principal, id: string, storedKey: string) {
  const doc = await findOneById<CaseDocument>(CaseModel as never, id, { 'history.idempotencyKey': storedKey });
  if (!doc) return null;
  const { history: _history, ...record } = doc;
  void _history;
  return renderCase(ctx, principal, record);
}
