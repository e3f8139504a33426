import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isoOrNull as iso } from '../dates';
import type { DeadlineRecord } from '../../models/case';
import { requireAccess } from '../auth/permissions';
import { coversDistrict, type Principal } from '../auth/principal';
import type { AppContext } from '../context';
import { createCase, listCases, newCaseDocument, renderCase } from '../cases/case-service';
import { findCases, loadCase, type CaseRecord } from '../cases/case-repository';
import { caseScopeOf } from '../cases/case-scope';
import type { RegisterLeadInput } from '../cases/case-schemas';
import { decodeFeedCursor } from '../feed/feed-cursor';
import { feedRuntimeFor, readFeedPage, type FeedPage } from '../feed/feed-reader';
import { errors } from '../http/errors';
import { afterCursor, decodeCursor, encodeCursor, type Page } from '../http/pagination';
import { parse } from '../http/validate';
import { claimLeadTransfer, isDuplicateKey } from './lead-transfer';
import { changesQuery, lateNoticesQuery, leadTransferBody, type lateNoticeKinds } from './procuratorate-schemas';

/**
 * The procuratorate liaison (检察机关衔接): lead transfers (线索移送), the procuratorate's view of
 * its cases, the change feed it synchronises from, and the bureau's list of cases whose
 * procuratorate was not notified within the time limit. Which cases a procuratorate sees is the
 * CaseScope's business (its districts, procuratorateVisible); every function here starts with its
 * access check and reads through that scope.
 */

const NOTICE_RULE = 'procuratorate_notice_15d';
const DAY_MS = 86_400_000;

/** How long a repeated transfer waits for the first one to create the case before creating it itself. */
const TRANSFER_WAIT_MS = 1_500;
/** Long polls also look at the database this often: changes committed by other instances, repaired holes. */
const FEED_POLL_MS = 500;
/**
 * After a commit in this process wakes a long poll, its change record may still be on its way
 * (writers record it after replying): look again soon, then back off to FEED_POLL_MS.
 */
const FEED_RECHECK_MS = 20;

async function waitForCase(load: () => Promise<CaseRecord | null>, ms: number): Promise<CaseRecord | null> {
  const until = performance.now() + ms;
  for (let pause = 20; ; pause = Math.min(pause * 2, 200)) {
    const doc = await load();
    if (doc || performance.now() >= until) return doc;
    await sleep(pause);
  }
}

/**
 * POST /procuratorate/leads. A new case in `lead`, channel procuratorate_referral, visible to the
 * procuratorate from its first entry and linked to the procuratorate's reference; the same
 * (client, sourceRef) again is the same case (`created: false`).
 */
export async function transferLead(ctx: AppContext, principal: Principal | undefined, body: unknown) {
  const caller = requireAccess(principal, 'procuratorate.transferLead');
  const input = parse(leadTransferBody, body);
  if (!coversDistrict(caller, input.district)) throw errors.forbidden(`You may not transfer leads in ${input.district}.`);
  const lead: RegisterLeadInput = { ...input, channel: 'procuratorate_referral' };
  const extra = { referredBy: caller.clientId, procuratorateVisible: true };
  // Validate the lead completely before claiming its reference: a refused transfer leaves no claim behind.
  newCaseDocument(ctx, caller, lead, await ctx.workflow.calendar.get(), extra);

  const scope = caseScopeOf(caller);
  const claim = await claimLeadTransfer(ctx, caller.clientId, input.sourceRef);
  const load = () => loadCase(scope, claim.caseId);
  if (!claim.mine) {
    const existing = await waitForCase(load, TRANSFER_WAIT_MS);
    if (existing) return { created: false, view: renderCase(ctx, caller, existing) };
  }
  try {
    const doc = await createCase(ctx, caller, lead, { ...extra, _id: claim.caseId });
    return { created: true, view: renderCase(ctx, caller, doc) };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await load();
    if (!existing) throw err;
    return { created: false, view: renderCase(ctx, caller, existing) };
  }
}

type NoticeDeadline = Pick<DeadlineRecord, 'dueAt' | 'status' | 'settledAt' | 'metLate' | 'openedSeq'>;

/** The first procuratorate-notice deadline of a case (CLAIM_STARTED opens one). */
function noticeDeadlineOf(deadlines: readonly DeadlineRecord[] | undefined): NoticeDeadline | undefined {
  return (deadlines ?? []).filter((d) => d.rule === NOTICE_RULE).sort((a, b) => a.openedSeq - b.openedSeq)[0];
}

type LateKind = (typeof lateNoticeKinds)[number];

/** When a suspended case was suspended: its deadlines' clocks stand still from then on (中止期间不计入期限). */
function suspendedSince(doc: Pick<CaseRecord, 'stage' | 'snapshot'>): Date | null {
  if (doc.stage !== 'suspended') return null;
  const at = (doc.snapshot as { context?: { suspension?: { at?: string } } } | null)?.context?.suspension?.at;
  return at ? new Date(at) : null;
}

/**
 * Whether the procuratorate was not notified in time, and how. Extensions (DEADLINE_EXTENDED) move
 * the due time lawfully; while a case is suspended its open deadline is late only if it already
 * was when the case was suspended (resuming moves the due time by the time suspended).
 */
export function lateNoticeKind(d: NoticeDeadline, now: Date, suspendedAt: Date | null = null): LateKind | null {
  const due = new Date(d.dueAt).getTime();
  const settled = d.settledAt ? new Date(d.settledAt).getTime() : null;
  const clock = suspendedAt && d.status === 'open' ? Math.min(suspendedAt.getTime(), now.getTime()) : now.getTime();
  if (d.status === 'missed' || (d.status === 'open' && due < clock)) return 'overdue';
  if (d.status === 'met' && (d.metLate || (settled !== null && settled > due))) return 'notified_late';
  if (d.status === 'cancelled' && settled !== null && settled > due) return 'never_notified';
  return null;
}


function noticeSummary(doc: Pick<CaseRecord, 'deadlines' | 'stage' | 'snapshot'>, now: Date) {
  const d = noticeDeadlineOf(doc.deadlines);
  if (!d) return null;
  const kind = lateNoticeKind(d, now, suspendedSince(doc));
  return { dueAt: iso(d.dueAt)!, status: d.status, overdue: kind === 'overdue', settledAt: iso(d.settledAt), late: kind !== null };
}

/** GET /procuratorate/cases: the caller's visible cases (list conventions), each with its notice deadline. */
export async function listProcuratorateCases(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  const caller = requireAccess(principal, 'procuratorate.cases');
  const scope = caseScopeOf(caller);
  const page = await listCases(ctx, caller, query, scope);
  const ids = page.items.map((c) => c.id);
  const docs = ids.length ? await findCases(scope, { _id: { $in: ids } }, { sort: { _id: 1 }, limit: ids.length, projection: { deadlines: 1, stage: 1, snapshot: 1 } }) : [];
  const now = ctx.clock.now();
  const notices = new Map(docs.map((d) => [d._id, noticeSummary(d, now)]));
  return { ...page, items: page.items.map((c) => ({ ...c, procuratorateNotice: notices.get(c.id) ?? null })) };
}

/**
 * GET /procuratorate/changes: one page of the caller's change feed after `after`. With `waitMs`,
 * an empty page is held until a change arrives or the time is up (long poll).
 */
export async function readChanges(ctx: AppContext, principal: Principal | undefined, query: unknown, abort?: AbortSignal): Promise<FeedPage> {
  const caller = requireAccess(principal, 'procuratorate.changes');
  const q = parse(changesQuery, query, 'query');
  const scope = caseScopeOf(caller);
  const { resolver, signal } = feedRuntimeFor(ctx);
  const until = performance.now() + q.waitMs;
  let position = decodeFeedCursor(q.after);
  let pause = FEED_POLL_MS;
  for (;;) {
    const page = await readFeedPage(resolver, scope, position, q.limit);
    const left = until - performance.now();
    if (page.items.length || left <= 0 || abort?.aborted) return page;
    const woken = await signal.wait(Math.min(left, pause), abort);
    pause = woken ? FEED_RECHECK_MS : Math.min(pause * 2, FEED_POLL_MS);
    position = decodeFeedCursor(page.nextCursor);
  }
}

const LATE_SCAN_BATCH = 200;
const LATE_SCAN_MAX = 5_000;

/**
 * GET /procuratorate/late-notices: cases whose procuratorate was not notified within the rule
 * `procuratorate_notice_15d` (the bureau's view; a procuratorate sees its own cases). The query
 * narrows to cases with a notice deadline and some deadline past due (FerretDB v1 has no
 * $elemMatch), and the exact test runs here; the scan per request is bounded, and a page may come
 * back short with a nextCursor to continue.
 */
export async function listLateNotices(ctx: AppContext, principal: Principal | undefined, query: unknown): Promise<Page<unknown>> {
  const caller = requireAccess(principal, 'cases.list');
  const q = parse(lateNoticesQuery, query, 'query');
  const scope = caseScopeOf(caller);
  const now = ctx.clock.now();
  const narrow = { 'deadlines.rule': NOTICE_RULE, 'deadlines.dueAt': { $lt: now }, ...(q.district ? { district: q.district } : {}) };
  const projection = { history: 0, partyKeys: 0, restorationFacts: 0, kpi: 0 } as const;

  const found: { doc: CaseRecord; item: ReturnType<typeof lateNoticeItem> }[] = [];
  let cursor = decodeCursor(q.cursor);
  let scanned = 0;
  let exhausted = false;
  let lastSeen: CaseRecord | undefined;
  scan: while (scanned < LATE_SCAN_MAX) {
    const docs = await findCases(scope, { $and: [narrow, afterCursor('createdAt', cursor)] }, { sort: { createdAt: -1, _id: -1 }, limit: LATE_SCAN_BATCH, projection });
    for (const doc of docs) {
      scanned += 1;
      lastSeen = doc;
      const item = lateNoticeItem(doc, now);
      if (item) found.push({ doc, item });
      if (found.length > q.limit) break scan;
    }
    if (docs.length < LATE_SCAN_BATCH) {
      exhausted = true;
      break;
    }
    cursor = { t: new Date(lastSeen!.createdAt).toISOString(), i: lastSeen!._id };
  }
  const more = found.length > q.limit;
  const shown = found.slice(0, q.limit);
  const resumeAt = more ? shown[shown.length - 1]?.doc : exhausted ? undefined : lastSeen;
  return {
    items: shown.map((f) => f.item),
    nextCursor: resumeAt ? encodeCursor({ t: new Date(resumeAt.createdAt).toISOString(), i: resumeAt._id }) : null,
  };
}

function lateNoticeItem(doc: CaseRecord, now: Date) {
  const d = noticeDeadlineOf(doc.deadlines);
  if (!d) return null;
  const suspendedAt = suspendedSince(doc);
  const kind = lateNoticeKind(d, now, suspendedAt);
  if (!kind) return null;
  const due = new Date(d.dueAt).getTime();
  const lateUntil =
    kind !== 'overdue' ? new Date(d.settledAt!).getTime() : suspendedAt && d.status === 'open' ? Math.min(suspendedAt.getTime(), now.getTime()) : now.getTime();
  return {
    caseId: doc._id,
    caseNo: doc.caseNo ?? null,
    title: doc.title,
    district: doc.district,
    state: doc.state,
    openedAt: iso(doc.openedAt),
    dueAt: iso(d.dueAt)!,
    kind,
    notifiedAt: kind === 'notified_late' ? iso(d.settledAt) : null,
    daysLate: Math.max(1, Math.ceil((lateUntil - due) / DAY_MS)),
  };
}
