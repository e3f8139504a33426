import { requireAccess } from '../auth/permissions';
import { coversDistrict, type Principal } from '../auth/principal';
import { caseScopeOf } from '../cases/case-scope';
import type { AppContext } from '../context';
import { errors } from '../http/errors';
import { parse } from '../http/validate';
import { deadlineRules } from '../../workflows/deadlines';
import { CST_OFFSET } from '../../workflows/fields';
import type { DeadlineRuleName } from '../../workflows/rules';
import { channels, type Labels } from '../../workflows/vocabulary';
import { toCsv, type CsvCell } from './csv';
import { caseFactIndexFor } from './fact-index';
import { computeKpis, countCases, overdueDeadlines, type KpiReport, type Period } from './kpi-compute';
import { FLAG, type FactTable } from './fact-table';
import { caseClasses } from './kpi-fields';
import { caseClassLabels, groupDimensionLabels, kpiDefinitions, kpiKeys, type GroupDimension } from './kpi-definitions';
import { kpiQuery, overdueCursor, overdueQuery, type KpiQuery } from './stats-schemas';

/**
 * The bureau's figures (启动率、结案率、修复率 and the rest of domain.md's table), their CSV export
 * and the overdue list. Every function opens with its access check; the caller sees only the cases
 * of its scope (its districts; a procuratorate only the cases visible to it), and naming a district
 * outside its scope is refused.
 */

const DAY = 86_400_000;
const liveDeadlines = FLAG.liveDeadlines;

function periodOf(q: Pick<KpiQuery, 'from' | 'to'>): Period {
  return {
    fromMs: q.from ? Date.parse(`${q.from}T00:00:00${CST_OFFSET}`) : null,
    toMs: q.to ? Date.parse(`${q.to}T00:00:00${CST_OFFSET}`) + DAY : null,
  };
}

/** The table and the rows of the cases the caller may see (its scope, narrowed to one district if asked). */
async function visibleRows(ctx: AppContext, caller: Principal, district: string | undefined): Promise<{ table: FactTable; rows: Int32Array }> {
  if (district && !coversDistrict(caller, district)) throw errors.forbidden(`You may not read the statistics of ${district}.`);
  const scope = caseScopeOf(caller);
  const table = await caseFactIndexFor(ctx).table();
  const names = district ? [district] : scope.districts === 'all' ? null : scope.districts;
  const codes = names ? new Set(names.map((n) => table.dict.district.find(n)).filter((c): c is number => c !== undefined)) : null;
  return { table, rows: table.select(codes, scope.procuratorateOnly) };
}

function groupLabel(dim: GroupDimension, key: string): string {
  if (dim === 'channel') return (channels.labels as Record<string, Labels>)[key]?.zh ?? key;
  if (dim === 'caseClass') return caseClassLabels[key]?.zh ?? key;
  return key;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export interface KpiResult {
  report: KpiReport & Record<string, unknown>;
  groups: { key: string; label: string; report: KpiReport; received: number }[];
  query: KpiQuery;
}

function groupsOf(table: FactTable, rows: Int32Array, dim: GroupDimension): [string, Int32Array][] {
  const column = dim === 'caseClass' ? table.small.caseClass : table.code[dim];
  const names = dim === 'caseClass' ? caseClasses : table.dict[dim].values;
  return [...table.groupBy(rows, column)].map(([code, r]) => [names[code]!, r]);
}

async function kpisFor(ctx: AppContext, principal: Principal | undefined, query: unknown): Promise<KpiResult & { body: Record<string, unknown> }> {
  const caller = requireAccess(principal, 'stats.read');
  const q = parse(kpiQuery, query, 'query');
  const { table, rows } = await visibleRows(ctx, caller, q.district);
  const period = periodOf(q);
  const now = ctx.clock.now().getTime();
  const report = computeKpis(table, rows, period, now);
  const counts = countCases(table, rows, period, now);
  const labels = ctx.workflow.stateLabels;
  const groups = q.groupBy
    ? groupsOf(table, rows, q.groupBy)
        .sort(([a], [b]) => a.localeCompare(b, 'zh'))
        .map(([key, r]) => ({ key, label: groupLabel(q.groupBy!, key), report: computeKpis(table, r, period, now), received: countCases(table, r, period, now).received }))
    : [];
  const body: Record<string, unknown> = {
    ...report,
    period: { from: q.from ?? null, to: q.to ?? null },
    district: q.district ?? null,
    generatedAt: new Date(now).toISOString(),
    asOf: caseFactIndexFor(ctx).lastLoadedAt?.toISOString() ?? null,
    cases: { received: counts.received, open: counts.open, closed: counts.closed, overdue: counts.overdue },
    casesByState: counts.casesByState.map((s) => ({ ...s, label: labels.get(s.state) ?? { zh: s.state, en: s.state } })),
    casesByDistrict: counts.casesByDistrict,
    groupBy: q.groupBy ?? null,
    ...(q.groupBy ? { groups: groups.map((g) => ({ key: g.key, label: g.label, ...g.report, cases: { received: g.received } })) } : {}),
  };
  return { report: report as KpiReport & Record<string, unknown>, groups, query: q, body };
}

/** GET /stats/kpis */
export async function getKpis(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  return (await kpisFor(ctx, principal, query)).body;
}

/** GET /stats/kpis/definitions: every text of kpi-definitions.ts, English and Chinese (zh); not the CSV headers. */
export function getKpiDefinitions(_ctx: AppContext, principal: Principal | undefined) {
  requireAccess(principal, 'stats.read');
  return {
    items: kpiKeys.map((k) => {
      const { csv: _csv, ...d } = kpiDefinitions[k];
      void _csv;
      return d;
    }),
  };
}

const round = (x: number | null, digits: number): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

function kpiCells(report: KpiReport): CsvCell[] {
  return kpiKeys.flatMap((k) => {
    const def = kpiDefinitions[k];
    const r = report[k];
    if (def.kind === 'days') return [round(r.value, 1), r.numerator, r.denominator];
    const pct = round(r.value === null ? null : r.value * 100, 2);
    if (def.kind === 'money') return [pct, r.numerator / 100, r.denominator / 100];
    return [pct, r.numerator, r.denominator];
  });
}

/** GET /stats/kpis.csv: one row for the whole selection, then one per group; Chinese headers. */
export async function getKpisCsv(ctx: AppContext, principal: Principal | undefined, query: unknown): Promise<{ filename: string; csv: string }> {
  const { report, groups, query: q } = await kpisFor(ctx, principal, query);
  const dim = q.groupBy;
  const header: CsvCell[] = ['统计期间起', '统计期间止', '辖区', ...(dim && dim !== 'district' ? [groupDimensionLabels[dim]] : []), ...kpiKeys.flatMap((k) => kpiDefinitions[k].csv)];
  const lead = (district: string, group?: string): CsvCell[] => [q.from ?? '', q.to ?? '', district, ...(dim && dim !== 'district' ? [group ?? '合计'] : [])];
  const rows: CsvCell[][] = [header, [...lead(q.district ?? '全部'), ...kpiCells(report)]];
  for (const g of groups) {
    const district = dim === 'district' ? g.key : q.district ?? '全部';
    rows.push([...lead(district, g.label), ...kpiCells(g.report)]);
  }
  const span = q.from || q.to ? `_${q.from ?? ''}_${q.to ?? ''}` : '';
  return { filename: `kpis${span}.csv`, csv: toCsv(rows) };
}

interface OverdueItem {
  caseId: string;
  caseNo: string | null;
  title: string;
  district: string;
  state: string;
  stateLabel: Labels;
  deadlineId: string;
  rule: string;
  label: Labels;
  dueAt: string;
  dueMs: number;
  daysOverdue: number;
  status: 'open' | 'missed';
}

function encodeOverdueCursor(i: OverdueItem): string {
  return Buffer.from(JSON.stringify({ t: i.dueMs, c: i.caseId, d: i.deadlineId }), 'utf8').toString('base64url');
}

function decodeOverdueCursor(raw: string | undefined) {
  if (raw === undefined) return undefined;
  try {
    const parsed = overdueCursor.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw errors.invalidRequest('The cursor is not valid; use nextCursor from a previous page.', [{ path: 'cursor', message: 'invalid cursor' }]);
}

const ruleLabel = (rule: string): Labels => deadlineRules[rule as DeadlineRuleName]?.labels ?? { zh: rule, en: rule };

/** GET /stats/overdue: open deadlines past due, oldest first, with counts by district and rule. */
export async function getOverdue(ctx: AppContext, principal: Principal | undefined, query: unknown) {
  const caller = requireAccess(principal, 'stats.read');
  const q = parse(overdueQuery, query, 'query');
  const after = decodeOverdueCursor(q.cursor);
  const { table, rows } = await visibleRows(ctx, caller, q.district);
  const now = ctx.clock.now().getTime();
  const labels = ctx.workflow.stateLabels;

  const items: OverdueItem[] = [];
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
    if (!(table.flags[i]! & liveDeadlines)) continue;
    const f = table.facts[i]!;
    for (const d of overdueDeadlines(f, now)) {
      if (q.rule && d.rule !== q.rule) continue;
      items.push({
        caseId: f.id,
        caseNo: f.caseNo,
        title: f.title,
        district: f.district,
        state: f.state,
        stateLabel: labels.get(f.state) ?? { zh: f.state, en: f.state },
        deadlineId: d.id,
        rule: d.rule,
        label: ruleLabel(d.rule),
        dueAt: iso(d.dueAt)!,
        dueMs: d.dueAt,
        daysOverdue: Math.floor((now - d.dueAt) / DAY),
        status: d.status,
      });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  items.sort((a, b) => a.dueMs - b.dueMs || cmp(a.caseId, b.caseId) || cmp(a.deadlineId, b.deadlineId));

  const summary = new Map<string, { district: string; rule: string; label: Labels; count: number; oldestDueAt: string }>();
  for (const i of items) {
    const key = `${i.district}\u0000${i.rule}`;
    const s = summary.get(key);
    if (s) s.count += 1;
    else summary.set(key, { district: i.district, rule: i.rule, label: i.label, count: 1, oldestDueAt: i.dueAt });
  }

  const start = after
    ? items.findIndex((i) => i.dueMs > after.t || (i.dueMs === after.t && (i.caseId > after.c || (i.caseId === after.c && i.deadlineId > after.d))))
    : 0;
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, q.limit);
  const more = rest.length > q.limit;
  return {
    asOf: caseFactIndexFor(ctx).lastLoadedAt?.toISOString() ?? null,
    now: new Date(now).toISOString(),
    total: items.length,
    summary: [...summary.values()].sort((a, b) => a.oldestDueAt.localeCompare(b.oldestDueAt) || a.district.localeCompare(b.district, 'zh') || a.rule.localeCompare(b.rule)),
    items: page.map(({ dueMs: _d, ...i }) => {
      void _d;
      return i;
    }),
    nextCursor: more ? encodeOverdueCursor(page[page.length - 1]!) : null,
  };
}
