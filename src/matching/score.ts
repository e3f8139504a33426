/**
 * Compatibility and scoring of one (money source, project) pair.
 *
 * A pair is either incompatible (with the reason) or gets a score 0..100 made of five named, weighted
 * factors, each valued 0..1 and explained in a short bilingual note:
 *
 * - ecological: the best relatedness between the damaged media and the project's media
 *   (same medium 1; related media per `MEDIA_RELATEDNESS`; nothing related → incompatible);
 * - place: same district > same watershed > same city (both districts in the watershed table,
 *   different watersheds) > elsewhere, each tier a band of values; within the band, the haversine
 *   distance between the two points decides (closer is better); without both points, the middle
 *   of the band;
 * - money: how much of the gap this money fills, √(min(amount, gap) / gap), so that small sources
 *   pooled into a larger project are not scored near zero; a non-splittable source larger than the
 *   gap is discounted by √(gap / amount) for the money that would stay idle. A source smaller than
 *   the project's minimum contribution (capped at the gap) is incompatible;
 * - timing: the project's window against the date the money is available (the obligation's due
 *   date, or today when it is past or unknown); a project that has ended is incompatible;
 * - interest: explicit interest from the case side and/or the project side.
 *
 * score = round(100 × Σ wᵢ·vᵢ / Σ wᵢ, 2 decimals). All arithmetic is deterministic; the score is
 * also exposed as an integer number of hundredths ("cost") for the solver.
 *
 * Cost: O(|media_s| × |media_p|) per pair (at most 12 × 12, usually 1–2 × 1–2) plus one haversine.
 * `scoreRow` computes exactly the same scores for one source against a whole table of projects, a
 * group of projects at a time, for the plan's S × P pass.
 */
import {
  MEDIUM_LABELS,
  METHOD_MEDIA,
  MEDIA,
  bestRelatedPair,
  bestRelatednessValue,
  maskOf,
  mediaIndices,
  mediumIndex,
  relatedMaskOf,
} from './ecology';
import { dateOfDay, dayNumber } from './dates';
import { DEG_TO_RAD, haversineRadKm, isValidPoint } from './geo';
import type {
  MatchingOptions,
  MoneySource,
  PairScore,
  ProjectCandidate,
  ScoreFactor,
  ScoreReason,
} from './types';

// Bound once: calls through a module namespace (an accessor per call once compiled to CommonJS)
// are measurably slower in the O(S·P) loops of the plan.
const relatednessOf = bestRelatednessValue;
const distanceRadKm = haversineRadKm;
const indicesOf = mediaIndices;
const bitsOf = maskOf;
const validPoint = isValidPoint;
const dayOf = dayNumber;
const indexOfMedium = mediumIndex;
const OTHER = mediumIndex('other');

/** Returned by `scoreCost` for an incompatible pair. */
export const INCOMPATIBLE = -1;
/** Returned by `scoreCost` (with pruning) when the pair cannot reach the minimum score. */
export const BELOW_MIN_SCORE = -2;

export const FACTORS: readonly ScoreFactor[] = ['ecological', 'place', 'money', 'timing', 'interest'];

/**
 * Place tiers, best first. Each tier is a band [floor, ceil] of values; a pair's distance places it
 * inside its band, so that a tier always beats the tiers below it whatever the distance.
 */
export const PLACE_TIERS = [
  { tier: 'district', floor: 0.8, ceil: 1 },
  { tier: 'watershed', floor: 0.5, ceil: 0.75 },
  { tier: 'city', floor: 0.2, ceil: 0.45 },
  { tier: 'elsewhere', floor: 0, ceil: 0.15 },
] as const;
/** Distance (km) over which the within-band bonus decays by 1/e. */
export const DISTANCE_SCALE_KM = 15;

/** Timing values. */
export const TIMING = {
  /** the money arrives while the project runs */
  inWindow: 1,
  /** the project has no dates yet */
  openWindow: 0.7,
  /** the project ends before the money is due: the obligor would have to pay early */
  endsBeforeDue: 0.2,
  /** value when the project starts a year or more after the money is available */
  longWait: 0.3,
  /** days over which the waiting penalty grows to its maximum */
  waitHorizonDays: 365,
} as const;

/** Interest values. */
export const INTEREST = { mutual: 1, oneSide: 0.7, none: 0 } as const;

export interface ScoringContext {
  readonly wEcological: number;
  readonly wPlace: number;
  readonly wMoney: number;
  readonly wTiming: number;
  readonly wInterest: number;
  /** minScore in hundredths, rounded up: a pair is kept when its cost ≥ minCost. */
  readonly minCost: number;
  readonly today: number;
  readonly todayText: string;
  readonly allowSplit: boolean;
  readonly watersheds: ReadonlyMap<string, string>;
  /** small integer ids of the district and watershed names met so far (this context only) */
  readonly districtIds: Map<string, number>;
  readonly watershedIds: Map<string, number>;
  /** notes already written in this call, by a numeric key (lists repeat many of them) */
  readonly notes: Map<number, string>;
}

type IdList = ReadonlySet<string> | readonly string[] | undefined;

export interface PreparedSource {
  readonly source: MoneySource;
  readonly amount: number;
  readonly media: readonly number[];
  readonly mask: number;
  readonly district: string;
  readonly watershed: string | undefined;
  /** -1 when unknown */
  readonly districtId: number;
  readonly watershedId: number;
  readonly hasPoint: boolean;
  readonly lat: number;
  readonly lng: number;
  /** the day the money is available: max(today, due date) */
  readonly availableDay: number;
  readonly splittable: boolean;
  readonly interested: IdList;
}

export interface PreparedProject {
  readonly project: ProjectCandidate;
  readonly id: string;
  readonly gap: number;
  /** the minimum contribution that applies to one allocation: min(minContributionFen, gap) */
  readonly minContribution: number;
  readonly media: readonly number[];
  readonly mediaInferred: boolean;
  readonly mask: number;
  readonly relatedMask: number;
  readonly district: string;
  readonly watershed: string | undefined;
  readonly districtId: number;
  readonly watershedId: number;
  readonly hasPoint: boolean;
  readonly lat: number;
  readonly lng: number;
  readonly startDay: number;
  readonly endDay: number;
  readonly ended: boolean;
  readonly interested: IdList;
}

function isFen(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function notFen(field: string, v: unknown): RangeError {
  return new RangeError(`${field} must be an integer number of fen, got ${String(v)}`);
}

/** A date of an entity; the error names the entity (its message is only built on failure). */
function entityDay(date: string | undefined, field: string, owner: () => string): number {
  if (date === undefined || date === '') return Number.NaN;
  try {
    return dayOf(date, field);
  } catch (err) {
    throw new RangeError(`${(err as Error).message} (${owner()})`);
  }
}

function idList(ids: readonly string[] | undefined): IdList {
  if (!ids || ids.length === 0) return undefined;
  return ids.length > 8 ? new Set(ids) : ids;
}

function listHas(list: IdList, id: string): boolean {
  if (list === undefined) return false;
  return Array.isArray(list) ? list.includes(id) : (list as ReadonlySet<string>).has(id);
}

export function createScoringContext(options: MatchingOptions): ScoringContext {
  const w = options.weights;
  const parts = [w.ecological, w.place, w.money, w.timing, w.interest];
  for (const [i, v] of parts.entries()) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`weights.${FACTORS[i]} must be a finite number ≥ 0`);
    }
  }
  const total = parts.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('at least one weight must be positive');
  if (typeof options.minScore !== 'number' || !Number.isFinite(options.minScore)) {
    throw new RangeError('minScore must be a finite number');
  }
  const watersheds = new Map<string, string>();
  for (const [district, shed] of Object.entries(options.watersheds ?? {})) watersheds.set(district, shed);
  return {
    wEcological: w.ecological / total,
    wPlace: w.place / total,
    wMoney: w.money / total,
    wTiming: w.timing / total,
    wInterest: w.interest / total,
    minCost: Math.max(0, Math.ceil(options.minScore * 100 - 1e-9)),
    today: dayNumber(options.today, 'today'),
    todayText: options.today,
    allowSplit: options.allowSplit,
    watersheds,
    districtIds: new Map<string, number>(),
    watershedIds: new Map<string, number>(),
    notes: new Map<number, string>(),
  };
}

/** Id of a district or watershed name in `ids`; -1 for none. */
function placeId(ids: Map<string, number>, name: string | undefined): number {
  if (name === undefined || name === '') return -1;
  let id = ids.get(name);
  if (id === undefined) {
    id = ids.size;
    ids.set(name, id);
  }
  return id;
}

export function sourceKey(s: Pick<MoneySource, 'caseId' | 'obligationId'>): string {
  return `${s.caseId}:${s.obligationId}`;
}

export function prepareSource(s: MoneySource, ctx: ScoringContext): PreparedSource {
  const amount = s.amountFen;
  if (!isFen(amount)) throw notFen(`amountFen of ${sourceKey(s)}`, amount);
  if (amount < 0) throw new RangeError(`amountFen of ${sourceKey(s)} must not be negative`);
  const media = indicesOf(s.damageMedia);
  const due = entityDay(s.dueDate, 'dueDate', () => sourceKey(s));
  const hasPoint = validPoint(s.location);
  const watershed = ctx.watersheds.get(s.district);
  return {
    source: s,
    amount,
    media,
    mask: bitsOf(media),
    district: s.district,
    watershed,
    districtId: placeId(ctx.districtIds, s.district),
    watershedId: placeId(ctx.watershedIds, watershed),
    hasPoint,
    lat: hasPoint ? (s.location as { lat: number }).lat * DEG_TO_RAD : 0,
    lng: hasPoint ? (s.location as { lng: number }).lng * DEG_TO_RAD : 0,
    availableDay: due > ctx.today ? due : ctx.today,
    splittable: s.splittable ?? ctx.allowSplit,
    interested: idList(s.interestedProjectIds),
  };
}

/**
 * Whether a raw source certainly cannot match a prepared project: its media relate to none of the
 * project's, or its money is below the project's minimum contribution. Cheap (no allocation), for
 * rankings that scan many sources; the amount is validated like `prepareSource` does.
 */
export function clearlyIncompatible(s: MoneySource, p: PreparedProject): boolean {
  const amount = s.amountFen;
  if (!isFen(amount)) throw notFen(`amountFen of ${sourceKey(s)}`, amount);
  if (amount <= 0 || amount < p.minContribution) return true;
  const media = s.damageMedia;
  if (!media || media.length === 0) return (p.relatedMask & (1 << OTHER)) === 0;
  for (let k = 0; k < media.length; k++) if ((p.relatedMask & (1 << indexOfMedium(media[k]))) !== 0) return false;
  return true;
}

export function prepareProject(p: ProjectCandidate, ctx: ScoringContext): PreparedProject {
  const rawGap = p.gapFen;
  if (!isFen(rawGap)) throw notFen(`gapFen of project ${p.projectId}`, rawGap);
  const gap = rawGap > 0 ? rawGap : 0;
  const rawMin = p.minContributionFen === undefined ? 0 : p.minContributionFen;
  if (!isFen(rawMin)) throw notFen(`minContributionFen of project ${p.projectId}`, rawMin);
  const mediaInferred = !p.media || p.media.length === 0;
  const media = indicesOf(mediaInferred ? METHOD_MEDIA[p.method] ?? ['other'] : p.media);
  const owner = (): string => `project ${p.projectId}`;
  const endDay = entityDay(p.endDate, 'endDate', owner);
  const hasPoint = validPoint(p.location);
  const watershed = ctx.watersheds.get(p.district);
  return {
    project: p,
    id: p.projectId,
    gap,
    minContribution: Math.max(0, Math.min(rawMin, gap)),
    media,
    mediaInferred,
    mask: bitsOf(media),
    relatedMask: relatedMaskOf(media),
    district: p.district,
    watershed,
    districtId: placeId(ctx.districtIds, p.district),
    watershedId: placeId(ctx.watershedIds, watershed),
    hasPoint,
    lat: hasPoint ? (p.location as { lat: number }).lat * DEG_TO_RAD : 0,
    lng: hasPoint ? (p.location as { lng: number }).lng * DEG_TO_RAD : 0,
    startDay: entityDay(p.startDate, 'startDate', owner),
    endDay,
    ended: endDay < ctx.today,
    interested: idList(p.interestedCaseIds),
  };
}

// ---------------------------------------------------------------------------------------------
// Factor values (shared by the hot path and the explanation, so both always agree)

function placeTier(s: PreparedSource, p: PreparedProject): number {
  if (s.districtId >= 0 && s.districtId === p.districtId) return 0;
  if (s.watershedId >= 0 && p.watershedId >= 0) return s.watershedId === p.watershedId ? 1 : 2;
  return 3;
}

function distanceKm(s: PreparedSource, p: PreparedProject): number {
  return distanceRadKm(s.lat, s.lng, p.lat, p.lng);
}

function placeValue(s: PreparedSource, p: PreparedProject, tier: number): number {
  return placeValueOf(tier, s.hasPoint && p.hasPoint, s.lat, s.lng, p.lat, p.lng);
}

function placeValueOf(tier: number, bothPoints: boolean, sLat: number, sLng: number, pLat: number, pLng: number): number {
  const band = PLACE_TIERS[tier];
  if (bothPoints) {
    return band.floor + (band.ceil - band.floor) * Math.exp(-distanceRadKm(sLat, sLng, pLat, pLng) / DISTANCE_SCALE_KM);
  }
  return (band.floor + band.ceil) / 2;
}

function moneyValue(amount: number, gap: number, splittable: boolean): number {
  const placed = amount < gap ? amount : gap;
  let v = Math.sqrt(placed / gap);
  if (!splittable && amount > gap) v *= Math.sqrt(gap / amount);
  return v;
}

function timingValue(available: number, start: number, end: number): number {
  if (end < available) return TIMING.endsBeforeDue;
  if (start > available) {
    const wait = Math.min(start - available, TIMING.waitHorizonDays);
    return 1 - ((1 - TIMING.longWait) * wait) / TIMING.waitHorizonDays;
  }
  if (Number.isNaN(start) && Number.isNaN(end)) return TIMING.openWindow;
  return TIMING.inWindow;
}

function interestValue(s: PreparedSource, p: PreparedProject): number {
  const fromCase = listHas(s.interested, p.id);
  const fromProject = listHas(p.interested, s.source.caseId);
  if (fromCase && fromProject) return INTEREST.mutual;
  return fromCase || fromProject ? INTEREST.oneSide : INTEREST.none;
}

function ecologicalValue(s: PreparedSource, p: PreparedProject): number {
  return (s.mask & p.mask) !== 0 ? 1 : relatednessOf(s.media, p.media);
}

/** Why a pair is incompatible, or undefined. Checked in this order. */
function incompatibilityOf(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): string | undefined {
  if (s.amount <= 0) return '无未分配资金 / no unallocated money';
  if (p.gap <= 0) return '项目无资金缺口 / the project has no funding gap';
  if (p.ended) return `项目已于 ${p.project.endDate} 结束 / the project ended on ${p.project.endDate} (today ${ctx.todayText})`;
  if ((s.mask & p.relatedMask) === 0) return '损害介质与项目修复对象无关 / no damaged medium relates to what the project restores';
  if (s.amount < p.minContribution) {
    return `金额 ${yuan(s.amount)} 低于最低出资额 ${yuan(p.minContribution)} / below the minimum contribution`;
  }
  return undefined;
}

/**
 * The weighted sum in hundredths. Always evaluated in this one expression order, so that the bounds
 * below (the same expression with larger factor values) are never smaller than the final score:
 * floating-point addition and multiplication are monotone in each argument.
 */
function combine(ctx: ScoringContext, eco: number, money: number, timing: number, interest: number, place: number): number {
  return Math.round(
    10000 * (ctx.wEcological * eco + ctx.wMoney * money + ctx.wTiming * timing + ctx.wInterest * interest + ctx.wPlace * place),
  );
}

/**
 * The pair's score in hundredths (0..10000), `INCOMPATIBLE`, or — when `prune` is set — possibly
 * `BELOW_MIN_SCORE` for a compatible pair that cannot reach `minScore`. Pruning works in stages:
 * first with only the ecological value and the place tier known (money, timing and interest taken
 * at their maximum, place at its tier's ceiling), then with everything but the distance, so that
 * most pairs far below the threshold cost a few multiplications and no distance is computed for them.
 */
export function scoreCost(s: PreparedSource, p: PreparedProject, ctx: ScoringContext, prune: boolean): number {
  if (p.ended || p.gap <= 0 || s.amount <= 0) return INCOMPATIBLE;
  if ((s.mask & p.relatedMask) === 0) return INCOMPATIBLE;
  if (s.amount < p.minContribution) return INCOMPATIBLE;
  const eco = ecologicalValue(s, p);
  const tier = placeTier(s, p);
  const ceil = PLACE_TIERS[tier].ceil;
  if (prune && combine(ctx, eco, 1, 1, 1, ceil) < ctx.minCost) return BELOW_MIN_SCORE;
  const money = moneyValue(s.amount, p.gap, s.splittable);
  const timing = timingValue(s.availableDay, p.startDay, p.endDay);
  const interest = interestValue(s, p);
  if (prune && combine(ctx, eco, money, timing, interest, ceil) < ctx.minCost) return BELOW_MIN_SCORE;
  return combine(ctx, eco, money, timing, interest, placeValue(s, p, tier));
}

/**
 * The projects' scoring fields as columns, grouped by (district, set of media): within a group the
 * place tier and the ecological value against a given source are the same, so one bound per group
 * can dismiss all its projects at once.
 */
export interface ProjectTable {
  readonly projects: readonly PreparedProject[];
  readonly usable: Uint8Array;
  readonly gap: Float64Array;
  readonly minContribution: Float64Array;
  readonly startDay: Float64Array;
  readonly endDay: Float64Array;
  readonly hasPoint: Uint8Array;
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  readonly interested: readonly IdList[];
  /** project id → index */
  readonly indexOf: ReadonlyMap<string, number>;
  /** distinct media sets */
  readonly classMask: Int32Array;
  readonly classRelatedMask: Int32Array;
  readonly classMedia: ReadonlyArray<readonly number[]>;
  /**
   * project indices ordered by group, and by gap ascending within a group;
   * group g is order[groupStart[g] .. groupStart[g+1]-1]
   */
  readonly order: Int32Array;
  readonly groupStart: Int32Array;
  readonly groupClass: Int32Array;
  readonly groupDistrict: Int32Array;
  readonly groupShed: Int32Array;
  /** 1 when some project of the group lists cases it is interested in */
  readonly groupInterest: Uint8Array;
  /** per group, the minimum contributions of its usable projects, sorted: minSorted[groupStart[g] .. minEnd[g]-1] */
  readonly minSorted: Float64Array;
  readonly minEnd: Int32Array;
}

/** O(P log P). */
export function projectTable(projects: readonly PreparedProject[]): ProjectTable {
  const n = projects.length;
  const classOfMask = new Map<number, number>();
  const classMask: number[] = [];
  const classRelatedMask: number[] = [];
  const classMedia: (readonly number[])[] = [];
  const projectClass = new Int32Array(n);
  projects.forEach((p, j) => {
    let c = classOfMask.get(p.mask);
    if (c === undefined) {
      c = classMask.length;
      classOfMask.set(p.mask, c);
      classMask.push(p.mask);
      classRelatedMask.push(p.relatedMask);
      classMedia.push(p.media);
    }
    projectClass[j] = c;
  });
  const order = Int32Array.from(projects, (_, j) => j).sort(
    (a, b) =>
      projects[a].districtId - projects[b].districtId ||
      projectClass[a] - projectClass[b] ||
      projects[a].gap - projects[b].gap ||
      a - b,
  );
  const groupStart: number[] = [];
  const groupClass: number[] = [];
  const groupDistrict: number[] = [];
  const groupShed: number[] = [];
  for (let k = 0; k < n; k++) {
    const j = order[k];
    const p = projects[j];
    const g = groupStart.length - 1;
    if (g < 0 || groupDistrict[g] !== p.districtId || groupClass[g] !== projectClass[j]) {
      groupStart.push(k);
      groupClass.push(projectClass[j]);
      groupDistrict.push(p.districtId);
      groupShed.push(p.watershedId);
    }
  }
  groupStart.push(n);
  const groupInterest = new Uint8Array(groupStart.length - 1);
  for (let g = 0; g + 1 < groupStart.length; g++) {
    for (let k = groupStart[g]; k < groupStart[g + 1]; k++) if (projects[order[k]].interested !== undefined) groupInterest[g] = 1;
  }
  const minSorted = new Float64Array(n);
  const minEnd = new Int32Array(groupStart.length - 1);
  for (let g = 0; g + 1 < groupStart.length; g++) {
    const mins: number[] = [];
    for (let k = groupStart[g]; k < groupStart[g + 1]; k++) {
      const p = projects[order[k]];
      if (p.gap > 0 && !p.ended) mins.push(p.minContribution);
    }
    mins.sort((a, b) => a - b);
    minSorted.set(mins, groupStart[g]);
    minEnd[g] = groupStart[g] + mins.length;
  }
  return {
    minSorted,
    minEnd,
    projects,
    usable: Uint8Array.from(projects, (p) => (p.gap > 0 && !p.ended ? 1 : 0)),
    gap: Float64Array.from(projects, (p) => p.gap),
    minContribution: Float64Array.from(projects, (p) => p.minContribution),
    startDay: Float64Array.from(projects, (p) => p.startDay),
    endDay: Float64Array.from(projects, (p) => p.endDay),
    hasPoint: Uint8Array.from(projects, (p) => (p.hasPoint ? 1 : 0)),
    lat: Float64Array.from(projects, (p) => p.lat),
    lng: Float64Array.from(projects, (p) => p.lng),
    interested: projects.map((p) => p.interested),
    indexOf: new Map(projects.map((p, j) => [p.id, j])),
    classMask: Int32Array.from(classMask),
    classRelatedMask: Int32Array.from(classRelatedMask),
    classMedia,
    order,
    groupStart: Int32Array.from(groupStart),
    groupClass: Int32Array.from(groupClass),
    groupDistrict: Int32Array.from(groupDistrict),
    groupShed: Int32Array.from(groupShed),
    groupInterest,
  };
}

const TIER_CEIL = Float64Array.from(PLACE_TIERS, (b) => b.ceil);

/** Counts filled in by `scoreRow`. */
export interface RowCounts {
  /** projects written to the kept lists */
  kept: number;
  /** compatible projects (kept or not) */
  compatible: number;
}

/**
 * Scores one source against every project of a table and lists the projects whose score reaches
 * minScore (or, with `includeBelowMinScore`, every compatible project): project index in `keptIndex`,
 * score in hundredths in `keptCost` (both at least P long), in group order. The scores are exactly
 * `scoreCost`'s. Cost: O(media classes) for the ecological values, O(log P) per group (district ×
 * media set) that cannot reach minScore at all, and O(1) per project of the others — the plan calls
 * this S times, so the O(S·P) pair space is mostly dismissed a group at a time.
 */
export function scoreRow(
  s: PreparedSource,
  t: ProjectTable,
  ctx: ScoringContext,
  includeBelowMinScore: boolean,
  keptIndex: Int32Array,
  keptCost: Int32Array,
  counts: RowCounts,
): void {
  counts.kept = 0;
  counts.compatible = 0;
  if (s.amount <= 0) return;
  const { usable, gap, minContribution, startDay, endDay, hasPoint, lat, lng, order, groupStart, minSorted, minEnd } = t;
  const prune = !includeBelowMinScore;
  const minCost = ctx.minCost;
  const amount = s.amount;
  const sMask = s.mask;
  const sDistrict = s.districtId;
  const sShed = s.watershedId;
  const available = s.availableDay;
  const splittable = s.splittable;
  const sPoint = s.hasPoint;
  const caseId = s.source.caseId;
  // Projects this source asked for, as table indices (usually none).
  let asked: number[] | undefined;
  if (s.interested !== undefined) {
    asked = [];
    for (const id of s.interested) {
      const j = t.indexOf.get(id);
      if (j !== undefined) asked.push(j);
    }
  }

  const classCount = t.classMask.length;
  const ecoOfClass = new Float64Array(classCount);
  for (let c = 0; c < classCount; c++) {
    ecoOfClass[c] =
      (sMask & t.classMask[c]) !== 0 ? 1 : (sMask & t.classRelatedMask[c]) === 0 ? 0 : relatednessOf(s.media, t.classMedia[c]);
  }

  let kept = 0;
  let compatible = 0;
  const groups = groupStart.length - 1;
  for (let g = 0; g < groups; g++) {
    const eco = ecoOfClass[t.groupClass[g]];
    if (eco === 0) continue;
    const from = groupStart[g];
    const to = groupStart[g + 1];
    // Compatible projects of the group: usable ones whose minimum contribution this money reaches.
    let lo = from;
    let hi = minEnd[g];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (minSorted[mid] <= amount) lo = mid + 1;
      else hi = mid;
    }
    compatible += lo - from;
    const pd = t.groupDistrict[g];
    const pw = t.groupShed[g];
    const tier = sDistrict >= 0 && sDistrict === pd ? 0 : sShed >= 0 && pw >= 0 ? (sShed === pw ? 1 : 2) : 3;
    const ceil = TIER_CEIL[tier];
    // Interest can only count where someone expressed it: a tighter bound for most groups.
    const interestBound = asked !== undefined || t.groupInterest[g] === 1 ? INTEREST.mutual : INTEREST.none;
    if (prune && combine(ctx, eco, 1, 1, interestBound, ceil) < minCost) continue;
    for (let k = from; k < to; k++) {
      const j = order[k];
      if (usable[j] === 0 || amount < minContribution[j]) continue;
      const money = moneyValue(amount, gap[j], splittable);
      // For a splittable source the money value only falls as the gap grows, and the group is in
      // ascending gap order: once even the best timing and interest cannot reach minScore, no
      // later project of the group can.
      if (prune && splittable && combine(ctx, eco, money, 1, interestBound, ceil) < minCost) break;
      const timing = timingValue(available, startDay[j], endDay[j]);
      const fromCase = asked !== undefined && asked.includes(j);
      const fromProject = t.interested[j] !== undefined && listHas(t.interested[j], caseId);
      const interest = fromCase && fromProject ? INTEREST.mutual : fromCase || fromProject ? INTEREST.oneSide : INTEREST.none;
      if (prune && combine(ctx, eco, money, timing, interest, ceil) < minCost) continue;
      const cost = combine(ctx, eco, money, timing, interest, placeValueOf(tier, sPoint && hasPoint[j] === 1, s.lat, s.lng, lat[j], lng[j]));
      if (prune && cost < minCost) continue;
      keptIndex[kept] = j;
      keptCost[kept] = cost;
      kept++;
    }
  }
  counts.kept = kept;
  counts.compatible = compatible;
}

// ---------------------------------------------------------------------------------------------
// Explanation

/** 1234567 fen → "12,345.67 元". */
export function yuan(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const cents = abs - whole * 100;
  const digits = String(whole);
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ',';
    grouped += digits[i];
  }
  return `${neg ? '-' : ''}${grouped}.${cents < 10 ? '0' : ''}${cents} 元`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}


function ecologicalReason(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason {
  const value = ecologicalValue(s, p);
  const pair = bestRelatedPair(s.media, p.media);
  const key = 1_000 + pair * 2 + (p.mediaInferred ? 1 : 0);
  let note = ctx.notes.get(key);
  if (note === undefined) {
    const inferred = p.mediaInferred ? '（按项目方式推定 / inferred from the project method）' : '';
    const ls = MEDIUM_LABELS[MEDIA[Math.floor(pair / MEDIA.length)]];
    const lp = MEDIUM_LABELS[MEDIA[pair % MEDIA.length]];
    if (value === 1) note = `同一介质：${ls.zh} / same medium: ${ls.en}${inferred}`;
    else if (value > 0) note = `相关介质：${ls.zh}→${lp.zh} / related media: ${ls.en} → ${lp.en} (${value})${inferred}`;
    else note = `无相关介质 / no related medium${inferred}`;
    ctx.notes.set(key, note);
  }
  return { factor: 'ecological', weight: ctx.wEcological, value: round4(value), note };
}

function placeReason(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason {
  const tier = placeTier(s, p);
  const value = placeValue(s, p, tier);
  const both = s.hasPoint && p.hasPoint;
  const dist = both ? distanceKm(s, p) : Number.NaN;
  const zhDist = both ? `，相距 ${dist.toFixed(1)} 公里` : '';
  const enDist = both ? `, ${dist.toFixed(1)} km apart` : '';
  let note: string;
  switch (tier) {
    case 0:
      note = `同一区：${p.district}${zhDist} / same district${enDist}`;
      break;
    case 1:
      note = `同一水系：${p.watershed}（${s.district}→${p.district}）${zhDist} / same watershed${enDist}`;
      break;
    case 2:
      note = `同市不同水系：${s.district}（${s.watershed}）→${p.district}（${p.watershed}）${zhDist} / same city, other watershed${enDist}`;
      break;
    default:
      note = `异地：${s.district || '未知'}→${p.district || '未知'}${zhDist} / elsewhere${enDist}`;
  }
  return { factor: 'place', weight: ctx.wPlace, value: round4(value), note };
}

function moneyReason(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason {
  if (s.amount <= 0 || p.gap <= 0) {
    return {
      factor: 'money',
      weight: ctx.wMoney,
      value: 0,
      note: s.amount <= 0 ? '无未分配资金 / no unallocated money' : '项目无资金缺口 / no funding gap',
    };
  }
  const value = moneyValue(s.amount, p.gap, s.splittable);
  let note: string;
  if (s.amount >= p.gap) {
    note = `可补足全部缺口 ${yuan(p.gap)} / covers the whole gap`;
    if (!s.splittable && s.amount > p.gap) {
      note += `；不可拆分，余 ${yuan(s.amount - p.gap)} 闲置 / not splittable, ${yuan(s.amount - p.gap).replace(' 元', '')} yuan would stay idle`;
    }
  } else {
    note = `可填补缺口 ${pct(s.amount / p.gap)}（${yuan(s.amount)} / ${yuan(p.gap)}） / fills ${pct(s.amount / p.gap)} of the gap`;
  }
  if (p.minContribution > 0) {
    note +=
      s.amount >= p.minContribution
        ? `；达到最低出资额 ${yuan(p.minContribution)} / meets the minimum contribution`
        : `；低于最低出资额 ${yuan(p.minContribution)} / below the minimum contribution`;
  }
  return { factor: 'money', weight: ctx.wMoney, value: round4(value), note };
}

function timingReason(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason {
  if (p.ended) {
    return { factor: 'timing', weight: ctx.wTiming, value: 0, note: `项目已于 ${p.project.endDate} 结束 / the project has ended` };
  }
  const value = timingValue(s.availableDay, p.startDay, p.endDay);
  const available = s.availableDay;
  let key: number;
  if (p.endDay < available) key = 4e12 + available * 1e6 + p.endDay;
  else if (p.startDay > available) key = 3e12 + (p.startDay - available);
  else if (Number.isNaN(p.startDay) && Number.isNaN(p.endDay)) key = 2e12;
  else key = 1e12 + available;
  let note = ctx.notes.get(key);
  if (note === undefined) {
    const when = dateOfDay(available);
    if (p.endDay < available) {
      note = `项目在资金到位（${when}）前结束（${dateOfDay(p.endDay)}） / the project ends before the money is due`;
    } else if (p.startDay > available) {
      const wait = p.startDay - available;
      note = `项目在资金到位后 ${wait} 天开工 / the project starts ${wait} days after the money is available`;
    } else if (Number.isNaN(p.startDay) && Number.isNaN(p.endDay)) {
      note = '项目未定实施期 / the project has no set window';
    } else {
      note = `资金到位（${when}）时项目在实施期内 / the project runs when the money is available`;
    }
    ctx.notes.set(key, note);
  }
  return { factor: 'timing', weight: ctx.wTiming, value: round4(value), note };
}

function interestReason(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason {
  const fromCase = listHas(s.interested, p.id);
  const fromProject = listHas(p.interested, s.source.caseId);
  const value = interestValue(s, p);
  let note: string;
  if (fromCase && fromProject) note = '双方互有意向 / mutual interest';
  else if (fromCase) note = '案件方表达意向 / the case side asked for this project';
  else if (fromProject) note = '项目方表达意向 / the project side asked for this case';
  else note = '无意向表达 / no expressed interest';
  return { factor: 'interest', weight: ctx.wInterest, value, note };
}

/** The reasons of a pair, one per factor, in `FACTORS` order. */
export function explainReasons(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): ScoreReason[] {
  return [
    ecologicalReason(s, p, ctx),
    placeReason(s, p, ctx),
    moneyReason(s, p, ctx),
    timingReason(s, p, ctx),
    interestReason(s, p, ctx),
  ];
}

/** Full explained score of prepared entities. */
export function explainPair(s: PreparedSource, p: PreparedProject, ctx: ScoringContext): PairScore {
  const incompatibility = incompatibilityOf(s, p, ctx);
  const reasons = explainReasons(s, p, ctx);
  if (incompatibility !== undefined) {
    return { sourceKey: sourceKey(s.source), projectId: p.id, compatible: false, score: 0, reasons, incompatibility };
  }
  const cost = scoreCost(s, p, ctx, false);
  return { sourceKey: sourceKey(s.source), projectId: p.id, compatible: true, score: cost / 100, reasons };
}

/** Compatibility and explained score of one pair. */
export function scorePair(source: MoneySource, project: ProjectCandidate, options: MatchingOptions): PairScore {
  const ctx = createScoringContext(options);
  return explainPair(prepareSource(source, ctx), prepareProject(project, ctx), ctx);
}

/** Every pair of two small lists, sources outer, in input order (for tests and small screens). */
export function scoreAllPairs(
  sources: readonly MoneySource[],
  projects: readonly ProjectCandidate[],
  options: MatchingOptions,
): PairScore[] {
  const ctx = createScoringContext(options);
  const ps = projects.map((p) => prepareProject(p, ctx));
  const out: PairScore[] = [];
  for (const source of sources) {
    const s = prepareSource(source, ctx);
    for (const p of ps) out.push(explainPair(s, p, ctx));
  }
  return out;
}

/** Code-point order of two strings, for deterministic tie-breaks. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
