/**
 * Input and output types of the two-way matching module (双向匹配).
 *
 * The module is pure: the rest of the service builds these plain objects from the database and
 * passes `today` in; nothing here reads the clock, the database or the network.
 * Money is always integer fen (分).
 */

export type Medium =
  | 'air'
  | 'surface_water'
  | 'groundwater'
  | 'soil'
  | 'sediment'
  | 'forest'
  | 'wetland'
  | 'grassland'
  | 'fishery'
  | 'biodiversity'
  | 'marine'
  | 'other';

export type ProjectMethod =
  | 'replanting'
  | 'fry_release'
  | 'wetland_restoration'
  | 'water_restoration'
  | 'soil_remediation'
  | 'rural_environment'
  | 'carbon_sink_forest'
  | 'labour_in_lieu'
  | 'clean_production'
  | 'habitat'
  | 'other';

export interface Point {
  lng: number;
  lat: number;
}

/** The unallocated money of one obligation of one case (substitute restoration or escrow). */
export interface MoneySource {
  caseId: string;
  obligationId: string;
  caseNo?: string;
  caseTitle?: string;
  district: string;
  location?: Point;
  damageMedia: Medium[];
  amountFen: number;
  dueDate?: string /* YYYY-MM-DD */;
  splittable?: boolean /* default from options */;
  interestedProjectIds?: string[];
}

/** A published project with a funding gap. */
export interface ProjectCandidate {
  projectId: string;
  baseId: string;
  name: string;
  method: ProjectMethod;
  media: Medium[];
  district: string;
  location?: Point;
  gapFen: number;
  minContributionFen?: number;
  startDate?: string;
  endDate?: string;
  interestedCaseIds?: string[];
}

export interface ScoreReason {
  factor: 'ecological' | 'place' | 'money' | 'timing' | 'interest';
  /** The factor's share of the total weight (the weights normalised to sum to 1). */
  weight: number;
  value: number /* 0..1 */;
  note: string /* short explanation, Chinese then English, e.g. "同一区：吴中区 / same district" */;
}

export interface PairScore {
  sourceKey: string /* `${caseId}:${obligationId}` */;
  projectId: string;
  compatible: boolean;
  score: number /* 0..100, rounded to 2 decimals */;
  reasons: ScoreReason[];
  incompatibility?: string;
}

export interface MatchingOptions {
  weights: { ecological: number; place: number; money: number; timing: number; interest: number };
  allowSplit: boolean;
  minScore: number;
  today: string /* YYYY-MM-DD */;
  watersheds?: Record<string, string> /* district -> watershed */;
}

export interface PlannedAllocation {
  caseId: string;
  obligationId: string;
  projectId: string;
  amountFen: number;
  score: number;
}

export interface MatchingPlan {
  allocations: PlannedAllocation[];
  unallocatedFen: number;
  objective: number /* Σ score×amountFen of allocations */;
  solver: { name: string; optimal: boolean; ms: number; relaxedObjective?: number; gap?: number };
}

export type ScoreFactor = ScoreReason['factor'];

/**
 * Suzhou's districts and county-level cities grouped by water-resource zone (水利分区). This is
 * configurable data, not a rule: it is an approximation of the city's water-system divisions used
 * only for the "same watershed" tier of the place factor. A deployment may pass its own table in
 * `MatchingOptions.watersheds` (for another city, or a finer division such as 浦南区 for the part of
 * 吴江区 south of the Taipu river).
 *
 * - 太湖区 (Taihu zone): the lake and its eastern shore — 吴中区 (incl. the Taihu Eco-Island, 金庭),
 *   虎丘区 (高新区; 镇湖, 东渚 on the lake) and 吴江区 (东太湖 and the lake belt to the south).
 * - 阳澄淀泖区 (Yangcheng–Dianmao lakes zone): the plain east of the old city — 姑苏区, 相城区
 *   (阳澄湖), 苏州工业园区 (金鸡湖, 阳澄湖半岛) and 昆山市 (淀山湖, 阳澄湖 east).
 * - 沿江区 (Yangtze-side zone): the riverside cities — 张家港市, 常熟市 and 太仓市.
 */
export const SUZHOU_WATERSHEDS: Readonly<Record<string, string>> = Object.freeze({
  姑苏区: '阳澄淀泖区',
  吴中区: '太湖区',
  相城区: '阳澄淀泖区',
  吴江区: '太湖区',
  虎丘区: '太湖区',
  苏州工业园区: '阳澄淀泖区',
  常熟市: '沿江区',
  张家港市: '沿江区',
  昆山市: '阳澄淀泖区',
  太仓市: '沿江区',
});

/**
 * Defaults: ecological equivalence dominates (substitute restoration must restore the same kind of
 * environment or function), then place (the same district or watershed as the damage), then how well
 * the money fits the gap, then timing and expressed interest. Weights are relative; they are
 * normalised to sum to 1 when scoring.
 */
export function defaultMatchingOptions(today: string): MatchingOptions {
  return {
    weights: { ecological: 40, place: 25, money: 15, timing: 10, interest: 10 },
    allowSplit: true,
    minScore: 30,
    today,
    watersheds: { ...SUZHOU_WATERSHEDS },
  };
}
