/**
 * npm run seed:demo [-- --cases 2000 --seed 1 --now 2026-01-05 --concurrency 2]
 *
 * Realistic demo data for Suzhou: the ten districts and county-level cities, ten restoration bases
 * (the Taihu Eco-Island demonstration base among them) with project libraries, budgets and funding
 * gaps, and cases spread over every stage and outcome of the procedure with plausible dates and
 * amounts. Everything is created through the service functions the API uses (createCase,
 * sendEvent, createBase, createProject, transitionProject, proposeAllocation, acceptAllocation),
 * each at its own business time on an injected clock, so every case has a valid snapshot, history
 * and change-feed entries, and every deadline is what the procedure made of it.
 *
 * Idempotent per seed: case ids are derived from the seed and the case number, bases and projects
 * are found by name, allocations by case and obligation. Running it again with the same --seed and
 * --now changes nothing; a later --now carries the same cases further (the bureau kept working);
 * more --cases adds cases. A run that was interrupted resumes every case where it stopped.
 *
 * It starts the service's database exactly as `npm start` does (loadConfig + startService without
 * the HTTP server), so the data lands where the service will find it. Run it while the service is
 * stopped: the embedded engine's files belong to one process at a time.
 */
import { z } from 'zod';
import { CaseModel } from '../models/case';
import { BaseModel } from '../models/base';
import { ProjectModel } from '../models/project';
import { AllocationModel } from '../models/allocation';
import { ManualClock } from '../src/clock';
import { loadConfig } from '../src/config';
import type { AppContext } from '../src/context';
import type { Principal } from '../src/auth/principal';
import { createCase, sendEvent } from '../src/cases/case-service';
import { registerLeadBody } from '../src/cases/case-schemas';
import { parse } from '../src/http/validate';
import { startService } from '../src/server';
import { DeadlineScheduler } from '../src/scheduler/deadline-scheduler';
import { createBase, createProject, transitionProject, type ProjectAction } from '../src/projects/project-service';
import { acceptAllocation, proposeAllocation } from '../src/projects/allocation-service';
import type { Medium } from '../workflows/vocabulary';

// ----- randomness and time -------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence everywhere for the same seed. */
export function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const caseRng = (seed: number, i: number) => rngOf((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0);
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const int = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));
const chance = (rng: Rng, p: number) => rng() < p;
function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}
function weighted<T extends string>(rng: Rng, table: Record<T, number>): T {
  const entries = Object.entries(table) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}
/** Log-uniform money in fen between two amounts in yuan, rounded to 100 yuan (or 10 under 10,000). */
function yuan(rng: Rng, lo: number, hi: number): number {
  const v = Math.exp(between(rng, Math.log(lo), Math.log(hi)));
  const step = v < 10_000 ? 10 : 100;
  return Math.max(step, Math.round(v / step) * step) * 100;
}

const DAY = 86_400_000;
const CST = '+08:00';
const cstDayStart = (date: string) => Date.parse(`${date}T00:00:00${CST}`);
const cstDate = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
/** A time during office hours (CST) on the day of t. */
function officeTime(rng: Rng, t: number): number {
  return cstDayStart(cstDate(t)) + (9 + rng() * 8) * 3_600_000;
}
const isoOf = (t: number) => new Date(t).toISOString();

// ----- Suzhou --------------------------------------------------------------------------------

interface District {
  name: string;
  weight: number;
  towns: string[];
  center: [number, number];
  court: string;
  procuratorate: string;
}

export const districts: District[] = [
  { name: '姑苏区', weight: 5, towns: ['平江街道', '沧浪街道', '金阊街道', '虎丘街道'], center: [120.62, 31.31], court: '苏州市姑苏区人民法院', procuratorate: '苏州市姑苏区人民检察院' },
  { name: '吴中区', weight: 16, towns: ['金庭镇', '东山镇', '光福镇', '临湖镇', '胥口镇', '木渎镇'], center: [120.43, 31.17], court: '苏州市吴中区人民法院', procuratorate: '苏州市吴中区人民检察院' },
  { name: '相城区', weight: 10, towns: ['阳澄湖镇', '望亭镇', '黄埭镇', '渭塘镇'], center: [120.64, 31.37], court: '苏州市相城区人民法院', procuratorate: '苏州市相城区人民检察院' },
  { name: '吴江区', weight: 15, towns: ['七都镇', '震泽镇', '黎里镇', '同里镇', '平望镇', '盛泽镇'], center: [120.64, 31.14], court: '苏州市吴江区人民法院', procuratorate: '苏州市吴江区人民检察院' },
  { name: '虎丘区', weight: 8, towns: ['通安镇', '东渚街道', '浒墅关镇', '枫桥街道'], center: [120.5, 31.33], court: '苏州市虎丘区人民法院', procuratorate: '苏州市虎丘区人民检察院' },
  { name: '苏州工业园区', weight: 8, towns: ['唯亭街道', '胜浦街道', '斜塘街道', '娄葑街道'], center: [120.72, 31.32], court: '苏州工业园区人民法院', procuratorate: '苏州工业园区人民检察院' },
  { name: '常熟市', weight: 11, towns: ['尚湖镇', '沙家浜镇', '海虞镇', '碧溪街道', '梅李镇'], center: [120.75, 31.65], court: '常熟市人民法院', procuratorate: '常熟市人民检察院' },
  { name: '张家港市', weight: 10, towns: ['金港街道', '锦丰镇', '乐余镇', '凤凰镇', '南丰镇'], center: [120.55, 31.87], court: '张家港市人民法院', procuratorate: '张家港市人民检察院' },
  { name: '昆山市', weight: 10, towns: ['淀山湖镇', '周庄镇', '锦溪镇', '巴城镇', '千灯镇'], center: [120.98, 31.38], court: '昆山市人民法院', procuratorate: '昆山市人民检察院' },
  { name: '太仓市', weight: 7, towns: ['浮桥镇', '璜泾镇', '沙溪镇', '浏河镇'], center: [121.13, 31.45], court: '太仓市人民法院', procuratorate: '太仓市人民检察院' },
];
const districtWeights = Object.fromEntries(districts.map((d) => [d.name, d.weight])) as Record<string, number>;
const districtByName = new Map(districts.map((d) => [d.name, d]));
const CITY_COURT = '苏州市中级人民法院';
const NOTARY = ['苏州市姑苏公证处', '苏州市吴中公证处', '苏州市吴江公证处', '常熟市公证处', '昆山市公证处'];

interface BaseSeed {
  name: string;
  district: string;
  place: string;
  location: [number, number];
  areaKm2: number;
  founders: string[];
  projects: { name: string; method: string; media: Medium[]; town: string; budgetYuan: number; minYuan: number }[];
}

/** Ten restoration bases (修复基地): the Taihu Eco-Island demonstration base first. */
export const baseSeeds: BaseSeed[] = [
  {
    name: '太湖生态岛示范基地', district: '吴中区', place: '金庭镇', location: [120.29, 31.13], areaKm2: 84.59, founders: ['苏州市生态环境局', '苏州市吴中区人民政府', '苏州市人民检察院'],
    projects: [
      { name: '衙甪里村人居环境提升（替代性修复）', method: 'rural_environment', media: ['soil', 'surface_water'], town: '金庭镇', budgetYuan: 634_865, minYuan: 1_000 },
      { name: '消夏湾湿地修复（一期）', method: 'wetland_restoration', media: ['wetland', 'surface_water', 'biodiversity'], town: '金庭镇', budgetYuan: 2_800_000, minYuan: 5_000 },
      { name: '太湖金庭水域增殖放流', method: 'fry_release', media: ['fishery', 'surface_water'], town: '金庭镇', budgetYuan: 600_000, minYuan: 2_000 },
      { name: '缥缈峰碳汇林建设', method: 'carbon_sink_forest', media: ['forest', 'air'], town: '金庭镇', budgetYuan: 1_500_000, minYuan: 5_000 },
      { name: '生态岛劳务代偿岗位（护林护湖）', method: 'labour_in_lieu', media: ['forest', 'wetland'], town: '金庭镇', budgetYuan: 300_000, minYuan: 1_000 },
    ],
  },
  {
    name: '阳澄湖生态修复基地', district: '相城区', place: '阳澄湖镇', location: [120.78, 31.43], areaKm2: 18.6, founders: ['苏州市相城生态环境局'],
    projects: [
      { name: '阳澄湖西湖湿地修复', method: 'wetland_restoration', media: ['wetland', 'surface_water'], town: '阳澄湖镇', budgetYuan: 1_800_000, minYuan: 5_000 },
      { name: '阳澄湖增殖放流（鲢鳙）', method: 'fry_release', media: ['fishery'], town: '阳澄湖镇', budgetYuan: 450_000, minYuan: 2_000 },
      { name: '望亭镇河道水生态修复', method: 'water_restoration', media: ['surface_water', 'sediment'], town: '望亭镇', budgetYuan: 1_200_000, minYuan: 5_000 },
    ],
  },
  {
    name: '东太湖（吴江）生态修复基地', district: '吴江区', place: '七都镇', location: [120.42, 30.96], areaKm2: 26.3, founders: ['苏州市吴江生态环境局', '苏州市吴江区人民检察院'],
    projects: [
      { name: '东太湖围网拆除区水生植被恢复', method: 'water_restoration', media: ['surface_water', 'biodiversity'], town: '七都镇', budgetYuan: 2_400_000, minYuan: 5_000 },
      { name: '震泽湿地公园补植复绿', method: 'replanting', media: ['wetland', 'forest'], town: '震泽镇', budgetYuan: 800_000, minYuan: 2_000 },
      { name: '盛泽印染企业清洁生产替代', method: 'clean_production', media: ['surface_water', 'air'], town: '盛泽镇', budgetYuan: 3_000_000, minYuan: 20_000 },
    ],
  },
  {
    name: '大阳山森林生态修复基地', district: '虎丘区', place: '通安镇', location: [120.44, 31.34], areaKm2: 10.3, founders: ['苏州高新区生态环境局'],
    projects: [
      { name: '大阳山废弃宕口复绿', method: 'replanting', media: ['forest', 'soil'], town: '通安镇', budgetYuan: 1_600_000, minYuan: 5_000 },
      { name: '树山碳汇林抚育', method: 'carbon_sink_forest', media: ['forest'], town: '通安镇', budgetYuan: 700_000, minYuan: 2_000 },
    ],
  },
  {
    name: '金鸡湖湿地生态修复基地', district: '苏州工业园区', place: '斜塘街道', location: [120.7, 31.31], areaKm2: 7.4, founders: ['苏州工业园区生态环境局'],
    projects: [
      { name: '沙湖湿地生境修复', method: 'habitat', media: ['wetland', 'biodiversity'], town: '斜塘街道', budgetYuan: 1_100_000, minYuan: 5_000 },
      { name: '唯亭污染地块土壤修复（替代）', method: 'soil_remediation', media: ['soil', 'groundwater'], town: '唯亭街道', budgetYuan: 2_200_000, minYuan: 10_000 },
    ],
  },
  {
    name: '虞山尚湖生态修复基地', district: '常熟市', place: '尚湖镇', location: [120.7, 31.64], areaKm2: 21.0, founders: ['苏州市常熟生态环境局'],
    projects: [
      { name: '尚湖沿岸湿地修复', method: 'wetland_restoration', media: ['wetland', 'surface_water'], town: '尚湖镇', budgetYuan: 1_500_000, minYuan: 5_000 },
      { name: '虞山林场补植复绿', method: 'replanting', media: ['forest'], town: '尚湖镇', budgetYuan: 500_000, minYuan: 2_000 },
      { name: '沙家浜芦苇荡生境保护', method: 'habitat', media: ['wetland', 'biodiversity'], town: '沙家浜镇', budgetYuan: 900_000, minYuan: 2_000 },
    ],
  },
  {
    name: '长江（张家港段）生态修复基地', district: '张家港市', place: '锦丰镇', location: [120.63, 31.95], areaKm2: 15.2, founders: ['苏州市张家港生态环境局', '张家港市人民检察院'],
    projects: [
      { name: '长江湾岸线生态修复', method: 'habitat', media: ['wetland', 'biodiversity', 'surface_water'], town: '金港街道', budgetYuan: 3_500_000, minYuan: 10_000 },
      { name: '长江张家港段增殖放流', method: 'fry_release', media: ['fishery'], town: '锦丰镇', budgetYuan: 800_000, minYuan: 2_000 },
    ],
  },
  {
    name: '淀山湖生态修复基地', district: '昆山市', place: '淀山湖镇', location: [120.95, 31.15], areaKm2: 12.8, founders: ['苏州市昆山生态环境局'],
    projects: [
      { name: '淀山湖水生态修复', method: 'water_restoration', media: ['surface_water', 'sediment'], town: '淀山湖镇', budgetYuan: 2_000_000, minYuan: 5_000 },
      { name: '周庄古镇河道清淤与水质提升', method: 'water_restoration', media: ['surface_water', 'sediment'], town: '周庄镇', budgetYuan: 900_000, minYuan: 2_000 },
      { name: '千灯镇农村人居环境整治', method: 'rural_environment', media: ['soil', 'surface_water'], town: '千灯镇', budgetYuan: 600_000, minYuan: 1_000 },
    ],
  },
  {
    name: '长江口（太仓）湿地生态修复基地', district: '太仓市', place: '浏河镇', location: [121.27, 31.51], areaKm2: 9.6, founders: ['苏州市太仓生态环境局'],
    projects: [
      { name: '浏河口滩涂湿地修复', method: 'wetland_restoration', media: ['wetland', 'marine'], town: '浏河镇', budgetYuan: 1_400_000, minYuan: 5_000 },
      { name: '沙溪镇碳汇林建设', method: 'carbon_sink_forest', media: ['forest', 'air'], town: '沙溪镇', budgetYuan: 500_000, minYuan: 2_000 },
    ],
  },
  {
    name: '古城河道水环境修复基地', district: '姑苏区', place: '平江街道', location: [120.63, 31.32], areaKm2: 2.1, founders: ['苏州市姑苏生态环境局'],
    projects: [
      { name: '平江河水生态修复', method: 'water_restoration', media: ['surface_water'], town: '平江街道', budgetYuan: 700_000, minYuan: 2_000 },
      { name: '外城河生态驳岸补植', method: 'replanting', media: ['surface_water', 'forest'], town: '沧浪街道', budgetYuan: 400_000, minYuan: 1_000 },
    ],
  },
];

// ----- what happens to a case ----------------------------------------------------------------

const channelWeights = {
  administrative_penalty: 34, complaint: 18, crime: 10, enforcement_campaign: 9, inspection: 5, media: 4, emergency: 3,
  key_zone: 3, superior_referral: 3, procuratorate_referral: 8, other: 3,
} as const;

interface Harm {
  title: string;
  media: Medium[];
  weight: number;
}
const harms: Harm[] = [
  { title: '超标排放废水致河道水体污染', media: ['surface_water', 'sediment'], weight: 16 },
  { title: '非法倾倒建筑垃圾损害耕地', media: ['soil'], weight: 12 },
  { title: '非法处置危险废物污染土壤和地下水', media: ['soil', 'groundwater'], weight: 10 },
  { title: '非法捕捞损害渔业资源', media: ['fishery', 'biodiversity'], weight: 12 },
  { title: '违法占用湿地', media: ['wetland', 'biodiversity'], weight: 6 },
  { title: '盗伐滥伐林木破坏森林生态', media: ['forest'], weight: 7 },
  { title: '废气超标排放造成大气污染', media: ['air'], weight: 8 },
  { title: '非法采砂破坏长江岸线', media: ['sediment', 'surface_water', 'biodiversity'], weight: 4 },
  { title: '污泥非法填埋污染土壤', media: ['soil'], weight: 6 },
  { title: '偷排含油废水污染水体', media: ['surface_water'], weight: 7 },
  { title: '违规堆放固体废物污染环境', media: ['soil', 'surface_water'], weight: 8 },
  { title: '电镀废液渗漏污染地下水', media: ['groundwater', 'soil'], weight: 4 },
];
const harmWeights = Object.fromEntries(harms.map((h, i) => [String(i), h.weight])) as Record<string, number>;

const companyWords = ['恒', '鑫', '瑞', '华', '昌', '达', '盛', '泰', '丰', '源', '德', '润', '宏', '嘉', '新', '远', '兴', '茂', '诚', '金'];
const trades = ['化工', '印染', '电镀', '建材', '环保科技', '精密机械', '纺织', '金属制品', '物流', '电子材料', '塑胶', '涂装'];
const surnames = ['张', '王', '李', '陈', '周', '吴', '徐', '朱', '沈', '顾', '陆', '钱'];
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function companyName(rng: Rng, district: string): string {
  const city = district.endsWith('市') ? district.slice(0, -1) : '苏州';
  return `${city}${pick(rng, companyWords)}${pick(rng, companyWords)}${pick(rng, trades)}有限公司`;
}
function creditCode(rng: Rng): string {
  let s = '913205';
  while (s.length < 18) s += CODE_CHARS[Math.floor(rng() * CODE_CHARS.length)];
  return s;
}

export type Role = 'handler' | 'reviewer' | 'procuratorate';

export interface PlannedEvent {
  role: Role;
  at: number;
  body: Record<string, unknown> & { type: string };
}

export interface MoneyForProjects {
  obligationId: string;
  kind: 'substitute_restoration' | 'escrow';
  amountFen: number;
  /** When the money is there to be allocated (deposit or payment). */
  readyAt: number;
}

export interface CasePlan {
  index: number;
  id: string;
  district: string;
  receivedAt: number;
  lead: Record<string, unknown>;
  extra: { procuratorateVisible?: boolean; referredBy?: string };
  events: PlannedEvent[];
  money: MoneyForProjects[];
}

const PROCURATORATE_CLIENT = 'demo:procuratorate';

/** Stops a plan at the horizon: what has not happened by then has not happened yet. */
class Horizon extends Error {}

interface Obligation {
  id: string;
  kind: string;
  amountFen?: number;
}

/** The whole life of demo case `index` up to the horizon, from its own random stream. */
export function planCase(seed: number, index: number, start: number, horizon: number): CasePlan {
  const rng = caseRng(seed, index);
  const district = districtByName.get(weighted(rng, districtWeights))!;
  const channel = weighted(rng, channelWeights);
  const harm = harms[Number(weighted(rng, harmWeights))]!;
  const town = pick(rng, district.towns);
  // More leads in recent years: the reform's workload grew.
  const receivedAt = officeTime(rng, start + (horizon - start - 2 * DAY) * Math.pow(rng(), 0.62));
  const person = chance(rng, 0.12);
  const company = companyName(rng, district.name);
  const parties = person
    ? [{ name: `${pick(rng, surnames)}某`, kind: 'person' }]
    : [{ name: company, kind: 'company', creditCode: creditCode(rng) }, ...(chance(rng, 0.15) ? [{ name: companyName(rng, district.name), kind: 'company', creditCode: creditCode(rng) }] : [])];
  const redLine = harm.media.includes('wetland') || harm.media.includes('forest') ? chance(rng, 0.35) : chance(rng, 0.05);
  const id = `case_demo${seed}_${String(index).padStart(6, '0')}`;
  const referred = channel === 'procuratorate_referral';
  const plan: CasePlan = {
    index,
    id,
    district: district.name,
    receivedAt,
    lead: {
      title: `${town}${person ? '' : '某企业'}${harm.title}`,
      channel,
      receivedAt: isoOf(receivedAt),
      district: district.name,
      description: `${district.name}${town}发现${harm.title.replace(/^.*?致/, '')}线索，来源：${channel === 'complaint' ? '群众信访举报' : '执法检查'}。`,
      sourceRef: `${referred ? '苏检移' : '苏环线'}〔${cstDate(receivedAt).slice(0, 4)}〕${String(index + 1).padStart(5, '0')}号`,
      place: `${district.name}${town}`,
      location: { lng: +(district.center[0] + between(rng, -0.08, 0.08)).toFixed(5), lat: +(district.center[1] + between(rng, -0.06, 0.06)).toFixed(5) },
      redLine,
      damageMedia: harm.media,
      parties,
    },
    extra: referred ? { procuratorateVisible: true, referredBy: PROCURATORATE_CLIENT } : {},
    events: [],
    money: [],
  };

  let t = receivedAt;
  let visible = referred;
  let major = false;
  let nextNo = 1;
  let obligations: Obligation[] = [];
  let enforceable = false;
  let noticeAt = Infinity;

  const after = (lo: number, hi: number) => {
    t = officeTime(rng, t + between(rng, lo, hi) * DAY);
    if (t > horizon) throw new Horizon();
    return t;
  };
  const emit = (type: string, payload: Record<string, unknown> = {}, role: Role = 'handler') => {
    plan.events.push({ role, at: t, body: { type, ...payload, at: isoOf(t) } });
    if (type === 'PROCURATORATE_NOTIFIED' || type === 'HANDED_TO_PROCURATORATE') visible = true;
  };
  const review = (decision: string) => {
    after(1, 7);
    emit('COLLECTIVE_REVIEW_RECORDED', { decision, minutesRef: `局务会纪要〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 60)}号` }, 'reviewer');
  };
  const maybeSuspend = () => {
    if (!chance(rng, 0.035)) return;
    after(1, 10);
    emit('SUSPENDED', { reason: pick(rng, ['等待刑事案件判决结果', '赔偿义务人进入破产程序', '等待上级机关答复']) });
    after(60, 300);
    emit('RESUMED', { note: '中止事由消除，恢复办理' });
  };
  const newObligations = (inputs: Record<string, unknown>[]) => {
    const created = inputs.map((o) => ({ id: `O${nextNo++}`, kind: o.kind as string, ...(typeof o.amountFen === 'number' ? { amountFen: o.amountFen } : {}) }));
    obligations = [...obligations, ...created];
    return created;
  };

  try {
    after(0.5, 8);
    const screening = weighted(rng, { verify: 95, duplicate: 3, out_of_scope: 2 });
    emit('SCREENED', { outcome: screening, note: screening === 'verify' ? '转入初步核查' : screening === 'duplicate' ? '与已登记线索重复' : '不属于生态环境损害赔偿范围' });
    if (screening !== 'verify') return plan;

    // Preliminary verification: 30 days in principle; some take longer.
    after(chance(rng, 0.1) ? 31 : 4, chance(rng, 0.1) ? 70 : 26);
    if (chance(rng, 0.08)) {
      emit('NO_DAMAGE', { reason: '经现场核查和监测，未发现生态环境损害' });
      return plan;
    }
    emit('DAMAGE_CONFIRMED', { findings: `经现场勘查和监测，${harm.title.replace(/^.*?致/, '')}，存在生态环境损害。` });

    after(2, 30);
    const amountHint = chance(rng, 0.75) ? 'small' : 'large';
    if (chance(rng, 0.1)) {
      const reason = redLine
        ? weighted(rng, { already_performed: 40, covered_by_judgment: 20, obligor_extinct: 20, permitted_discharge: 10, other: 10 })
        : weighted(rng, { significantly_minor: 45, already_performed: 20, covered_by_judgment: 10, obligor_extinct: 10, permitted_discharge: 5, other: 10 });
      emit('CLAIM_NOT_STARTED', {
        reasonCode: reason,
        note: reason === 'significantly_minor' ? '损害显著轻微，估算损害不超过3000元' : '经研究，依法不启动索赔',
        ...(reason === 'significantly_minor' ? { estimatedDamageFen: yuan(rng, 300, 3_000) } : {}),
      });
      return plan;
    }
    if (referred && chance(rng, 0.05)) {
      after(30, 45);
      emit('DEEMED_NOT_PURSUED', { noticeRef: `检察公告〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 99)}号`, noticeEndedAt: isoOf(t - DAY) }, 'procuratorate');
      after(20, 60);
      emit('PUBLIC_INTEREST_SUIT_FILED', { court: CITY_COURT, filedAt: isoOf(t) }, 'procuratorate');
      after(120, 300);
      const amount = yuan(rng, 20_000, 800_000);
      newObligations([{ kind: 'payment', amountFen: amount }]);
      emit('JUDGMENT_EFFECTIVE', { outcome: 'upheld', obligations: [{ kind: 'payment', amountFen: amount, description: '赔偿生态环境损害' }], judgmentRef: `（${cstDate(t).slice(0, 4)}）苏05民初${int(rng, 100, 999)}号` }, 'procuratorate');
      after(10, 90);
      emit('OBLIGATION_PROGRESS', { obligationId: 'O1', status: 'performed', paidFen: amount });
      after(5, 30);
      emit('EVALUATION_EXEMPTED', { reasonCode: 'no_restoration_obligation' });
      after(3, 15);
      emit('CASE_CLOSED', { archiveRef: `苏环赔档〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 999)}号` });
      return plan;
    }

    // The claim starts (立案); the procuratorate should hear within 15 days.
    emit('CLAIM_STARTED', {});
    const opened = t;
    const noticeDelay = chance(rng, 0.04) ? null : chance(rng, 0.15) ? between(rng, 16, 45) : between(rng, 1, 13);
    noticeAt = noticeDelay === null ? Infinity : officeTime(rng, opened + noticeDelay * DAY);
    const notifyIfDue = () => {
      if (noticeAt <= t && !visible) {
        const saved = t;
        t = noticeAt;
        emit('PROCURATORATE_NOTIFIED', { procuratorate: district.procuratorate, noticeRef: `苏环告〔${cstDate(t).slice(0, 4)}〕${(index % 300) + 1}号` });
        t = saved;
        plan.events.sort((a, b) => a.at - b.at);
      }
    };
    const checkpoint = notifyIfDue;

    if (channel === 'inspection' || channel === 'emergency' ? chance(rng, 0.25) : chance(rng, 0.01)) {
      after(1, 10);
      checkpoint();
      emit('MARKED_MAJOR', { basis: channel === 'inspection' ? 'central_inspection' : channel === 'emergency' ? 'serious_emergency' : 'designated', note: '经研究认定为重大案件' });
      major = true;
    }

    after(30, 120);
    checkpoint();
    maybeSuspend();
    checkpoint();
    if (chance(rng, 0.03)) {
      if (major) review('同意终止索赔');
      after(1, 5);
      emit('INVESTIGATION_CONCLUDED', { conclusion: 'terminate', obligorsIdentified: false, reportRef: `调查报告〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 200)}号` });
      return plan;
    }
    emit('INVESTIGATION_CONCLUDED', { conclusion: 'assess', obligorsIdentified: true, reportRef: `调查报告〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 200)}号` });

    const route = major || amountHint === 'large' ? weighted(rng, { formal: 80, documentary: 20 }) : weighted(rng, { simplified: 88, documentary: 12 });
    const amount =
      route === 'simplified' ? yuan(rng, 3_000, 300_000) : route === 'documentary' ? yuan(rng, 5_000, 500_000) : major ? yuan(rng, 1_000_000, 60_000_000) : yuan(rng, 300_000, 8_000_000);
    after(route === 'formal' ? 90 : 15, route === 'formal' ? 240 : 60);
    checkpoint();
    const restorability = weighted(rng, { full: 40, partial: 45, none: 15 });
    emit('ASSESSMENT_COMPLETED', {
      route,
      amountFen: amount,
      restorability,
      institution: route === 'formal' ? pick(rng, ['江苏省环境科学研究院', '南京大学环境规划设计研究院', '苏州市环境科学研究所']) : '苏州市生态环境损害鉴定评估专家库专家',
      reportRef: `鉴评〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 500)}号`,
    });
    if (chance(rng, 0.04)) {
      after(10, 40);
      checkpoint();
      if (major) review('同意终止索赔');
      emit('TERMINATED', { reasonCode: weighted(rng, { obligor_extinct: 50, covered_elsewhere: 40, not_start_circumstance: 10 }), note: '赔偿义务人注销且无财产可供执行' });
      return plan;
    }

    // What the obligor will owe, by how far the damage can be restored.
    const costs = Math.max(200_000, Math.round((amount * between(rng, 0.04, 0.12)) / 10_000) * 10_000);
    const rest = Math.max(100_000, amount - costs);
    const substitute = weighted(rng, { substitute_restoration: 40, escrow: 25, replanting: 10, fry_release: 10, labour_in_lieu: 7, carbon_sink: 8 });
    const substituteObligation = (amountFen: number): Record<string, unknown> => {
      switch (substitute) {
        case 'fry_release':
          return { kind: 'fry_release', amountFen, quantity: { value: int(rng, 5, 80), unit: '万尾' }, description: '在指定水域增殖放流' };
        case 'replanting':
          return { kind: 'replanting', amountFen, quantity: { value: int(rng, 200, 5000), unit: '株' }, description: '补植复绿' };
        case 'labour_in_lieu':
          return { kind: 'labour_in_lieu', quantity: { value: int(rng, 20, 300), unit: 'person-days' }, description: '参加护林护湖劳务代偿' };
        case 'carbon_sink':
          return { kind: 'carbon_sink', amountFen, quantity: { value: int(rng, 50, 2000), unit: 'tCO2e' }, description: '认购林业碳汇' };
        default:
          return { kind: substitute, amountFen, description: substitute === 'escrow' ? '将替代性修复资金提存至公证处，待匹配修复项目' : '出资实施替代性修复项目' };
      }
    };
    const agreedObligations = (): Record<string, unknown>[] => {
      if (restorability === 'full') {
        return [
          chance(rng, 0.6)
            ? { kind: 'self_restoration', description: '按修复方案自行修复', quantity: { value: int(rng, 1, 60), unit: '亩' } }
            : { kind: 'third_party_restoration', amountFen: rest, description: '委托第三方按修复方案修复' },
          { kind: 'costs', amountFen: costs, description: '承担调查、鉴定评估等费用' },
        ];
      }
      if (restorability === 'partial') {
        const payment = Math.round((rest * between(rng, 0.3, 0.6)) / 10_000) * 10_000;
        return [
          { kind: 'payment', amountFen: Math.max(10_000, payment), description: '赔偿期间服务功能损失' },
          substituteObligation(Math.max(100_000, rest - payment)),
          { kind: 'costs', amountFen: costs, description: '承担调查、鉴定评估等费用' },
        ];
      }
      return [
        { kind: 'payment', amountFen: Math.max(10_000, Math.round(rest / 20_000) * 10_000), description: '赔偿永久性损害' },
        { kind: substitute === 'escrow' ? 'escrow' : 'substitute_restoration', amountFen: Math.max(100_000, rest - Math.round(rest / 20_000) * 10_000), description: '替代性修复' },
        { kind: 'costs', amountFen: costs, description: '承担调查、鉴定评估等费用' },
      ];
    };

    // Consultation (磋商): notice, reply, meetings; most agree, some fail.
    const consult = (): 'agreed' | 'failed' => {
      after(5, 25);
      checkpoint();
      const served = t;
      emit('CONSULTATION_NOTICE_SERVED', { servedAt: isoOf(served), replyDueAt: isoOf(cstDayStart(cstDate(served + 15 * DAY))) });
      after(2, 12);
      checkpoint();
      const refuses = chance(rng, 0.07);
      emit('OBLIGOR_REPLIED', { reply: refuses ? 'refuse' : 'agree_to_consult' });
      if (refuses) {
        after(1, 10);
        emit('CONSULTATION_FAILED', { reasonCode: 'obligor_refused', note: '赔偿义务人书面拒绝磋商' });
        return 'failed';
      }
      const fails = chance(rng, 0.1);
      const meetings = fails ? 3 : int(rng, 1, 3);
      for (let m = 0; m < meetings; m++) {
        after(7, 25);
        checkpoint();
        emit('CONSULTATION_MEETING_HELD', {
          heldAt: isoOf(t),
          obligorAttended: true,
          attendees: chance(rng, 0.4) ? ['procuratorate', 'experts'] : ['experts'],
          minutesRef: `磋商记录〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 400)}号`,
        });
      }
      after(2, 15);
      checkpoint();
      if (fails) {
        emit('CONSULTATION_FAILED', { reasonCode: 'meetings_exhausted', note: '经三次磋商，双方对赔偿数额分歧较大' });
        return 'failed';
      }
      const inputs = agreedObligations();
      newObligations(inputs);
      emit('CONSULTATION_AGREED', { obligations: inputs });
      return 'agreed';
    };
    const consultOnce = consult;

    let outcome = consultOnce();
    let judgment = false;
    if (outcome === 'failed') {
      const next = weighted(rng, { reconsult: 20, sue: 55, handOver: 25 });
      after(7, 40);
      checkpoint();
      if (next === 'reconsult') {
        emit('RECONSULTATION_STARTED', { note: '赔偿义务人申请再次磋商' });
        outcome = consultOnce();
      }
      if (outcome === 'failed') {
        const viaCourt = next === 'handOver' ? 'procuratorate' : 'bureau';
        if (next === 'reconsult') {
          after(7, 30);
          checkpoint();
        }
        let obligationsJudged: Record<string, unknown>[];
        if (viaCourt === 'bureau') {
          emit('LAWSUIT_FILED', { court: CITY_COURT, filedAt: isoOf(t), supportRequestedFromProcuratorate: visible });
          if (visible && chance(rng, 0.7)) {
            after(10, 40);
            emit('SUPPORT_PROVIDED', { note: '检察机关出具支持起诉意见书' }, 'procuratorate');
          }
          after(120, 360);
          checkpoint();
          const result = weighted(rng, { upheld: 55, partly_upheld: 20, mediated: 17, dismissed: 8 });
          if (result === 'dismissed') {
            emit('JUDGMENT_EFFECTIVE', { outcome: 'dismissed', judgmentRef: `（${cstDate(t).slice(0, 4)}）苏05民初${int(rng, 100, 999)}号` });
            return plan;
          }
          obligationsJudged = agreedObligations();
          newObligations(obligationsJudged);
          emit('JUDGMENT_EFFECTIVE', { outcome: result, obligations: obligationsJudged, judgmentRef: `（${cstDate(t).slice(0, 4)}）苏05民初${int(rng, 100, 999)}号` });
        } else {
          emit('HANDED_TO_PROCURATORATE', { procuratorate: district.procuratorate, note: '移送检察机关提起公益诉讼' });
          after(20, 60);
          emit('PUBLIC_INTEREST_SUIT_FILED', { court: CITY_COURT, filedAt: isoOf(t) }, 'procuratorate');
          after(150, 300);
          obligationsJudged = agreedObligations();
          newObligations(obligationsJudged);
          emit('JUDGMENT_EFFECTIVE', { outcome: 'upheld', obligations: obligationsJudged, judgmentRef: `（${cstDate(t).slice(0, 4)}）苏05民初${int(rng, 100, 999)}号` }, 'procuratorate');
        }
        judgment = true;
        enforceable = true;
      }
    }

    if (!judgment) {
      // The agreement (赔偿协议): major cases need a collective review before signing.
      if (major) review('同意签订赔偿协议');
      after(3, 15);
      checkpoint();
      emit('AGREEMENT_SIGNED', { signedAt: isoOf(t), agreementRef: `苏环赔协〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 400)}号`, ...(chance(rng, 0.1) ? { bondFen: yuan(rng, 5_000, 50_000) } : {}) });
      const large = amount >= 50_000_000;
      if (chance(rng, large ? 0.8 : 0.3)) {
        after(3, 15);
        emit('JUDICIAL_CONFIRMATION_APPLIED', { court: CITY_COURT, appliedAt: isoOf(t) });
        after(32, 60);
        checkpoint();
        if (chance(rng, 0.05)) {
          emit('JUDICIAL_CONFIRMATION_RULED', { result: 'rejected', rulingRef: `（${cstDate(t).slice(0, 4)}）苏05民特${int(rng, 10, 99)}号` });
          obligations = obligations.filter(() => false);
          // A rejected agreement binds no one: consultation starts again.
          const again = consultOnce();
          if (again === 'failed') return plan;
          if (major) review('同意重新签订赔偿协议');
          after(3, 15);
          emit('AGREEMENT_SIGNED', { signedAt: isoOf(t), agreementRef: `苏环赔协〔${cstDate(t).slice(0, 4)}〕${int(rng, 401, 800)}号` });
          after(2, 10);
          emit('JUDICIAL_CONFIRMATION_WAIVED', { note: '不再申请司法确认' });
        } else {
          emit('JUDICIAL_CONFIRMATION_RULED', { result: 'confirmed', rulingRef: `（${cstDate(t).slice(0, 4)}）苏05民特${int(rng, 10, 99)}号` });
          enforceable = true;
        }
      } else {
        after(2, 10);
        checkpoint();
        emit('JUDICIAL_CONFIRMATION_WAIVED', { note: '双方约定不申请司法确认' });
      }
    }

    // Performance (履行): each obligation in its own time; escrow deposits discharge liability.
    const perform = (list: Obligation[]) => {
      const order = [...list].sort(() => rng() - 0.5);
      for (const o of order) {
        after(5, 70);
        checkpoint();
        if (o.kind === 'escrow' || (o.kind === 'substitute_restoration' && chance(rng, 0.3))) {
          const amountFen = o.amountFen ?? yuan(rng, 10_000, 200_000);
          emit('ESCROW_DEPOSITED', {
            obligationId: o.id,
            amountFen,
            notary: pick(rng, NOTARY),
            certificateNo: `（${cstDate(t).slice(0, 4)}）苏证提字第${int(rng, 100, 9999)}号`,
            depositedAt: isoOf(t),
          });
          plan.money.push({ obligationId: o.id, kind: o.kind as 'escrow' | 'substitute_restoration', amountFen, readyAt: t });
          continue;
        }
        const money = o.amountFen !== undefined;
        if (money && enforceable && chance(rng, 0.08)) {
          emit('OBLIGATION_PROGRESS', { obligationId: o.id, status: 'defaulted' });
          after(10, 40);
          emit('ENFORCEMENT_APPLIED', { obligationId: o.id, court: CITY_COURT });
          after(30, 150);
        } else if (!money || chance(rng, 0.3)) {
          emit('OBLIGATION_PROGRESS', { obligationId: o.id, status: 'in_progress', evidenceRef: `履行材料-${o.id}-1` });
          after(20, 150);
          checkpoint();
        }
        emit('OBLIGATION_PROGRESS', { obligationId: o.id, status: 'performed', evidenceRef: `履行材料-${o.id}`, ...(money ? { paidFen: o.amountFen } : {}) });
        if (o.kind === 'substitute_restoration' && o.amountFen) plan.money.push({ obligationId: o.id, kind: 'substitute_restoration', amountFen: o.amountFen, readyAt: t });
      }
    };
    perform(obligations);

    // Evaluation (修复效果评估): on-site restoration is evaluated; money-only duties are exempted.
    const onSite = obligations.some((o) => !['payment', 'costs', 'escrow', 'substitute_restoration', 'apology', 'other'].includes(o.kind));
    after(15, 90);
    checkpoint();
    if (onSite) {
      if (chance(rng, 0.08)) {
        const followUp = newObligations([{ kind: 'self_restoration', description: '补种未成活苗木并养护一年' }]);
        emit('EVALUATION_FAILED', { followUp: [{ kind: 'self_restoration', description: '补种未成活苗木并养护一年' }] });
        perform(followUp);
        after(20, 90);
      }
      emit('EVALUATION_PASSED', { reportRef: `修复效果评估报告〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 300)}号` });
    } else {
      emit('EVALUATION_EXEMPTED', { reasonCode: 'no_restoration_obligation', note: '仅有赔偿金、费用或提存义务' });
    }
    after(3, 25);
    checkpoint();
    emit('CASE_CLOSED', { archiveRef: `苏环赔档〔${cstDate(t).slice(0, 4)}〕${int(rng, 1, 999)}号` });
  } catch (err) {
    if (!(err instanceof Horizon)) throw err;
    // Still open at the horizon: the procuratorate's notice went out if it was due to before then.
    if (noticeAt <= horizon && !visible) {
      t = noticeAt;
      emit('PROCURATORATE_NOTIFIED', { procuratorate: district.procuratorate, noticeRef: `苏环告〔${cstDate(t).slice(0, 4)}〕${(index % 300) + 1}号` });
    }
  }
  plan.events.sort((a, b) => a.at - b.at);
  return plan;
}

// ----- running the plans through the service -------------------------------------------------

/** The demo's actors. They act through the same service functions as API clients, with the same checks. */
const actor = (clientId: string, name: string, role: Principal['role'], baseIds: string[] = []): Principal => ({ clientId, name, role, districts: 'all', baseIds });
const principals: Record<Role | 'admin', Principal> = {
  admin: actor('demo:admin', '演示数据·管理员', 'admin'),
  handler: actor('demo:handler', '演示数据·案件经办人', 'handler'),
  reviewer: actor('demo:reviewer', '演示数据·审核人', 'reviewer'),
  procuratorate: actor(PROCURATORATE_CLIENT, '演示数据·检察机关', 'procuratorate'),
};

export const DEMO_START = '2022-01-01';

export interface SeedOptions {
  cases: number;
  seed: number;
  /** The demo's "today" (YYYY-MM-DD, China Standard Time): nothing happens after its start. */
  now: string;
  /** Cases advanced at once, each on its own clock. */
  concurrency: number;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface SeedSummary {
  casesCreated: number;
  casesResumed: number;
  casesUnchanged: number;
  events: number;
  failures: { caseId: string; type: string; error: string }[];
  basesCreated: number;
  projectsCreated: number;
  allocationsConfirmed: number;
  projectTransitions: number;
  deadlinesMissed: number;
  ms: number;
}

type CaseWork = { plan: CasePlan; applied: number; exists: boolean };

function appError(err: unknown): string {
  const e = err as { code?: string; message?: string; details?: unknown };
  return `${e.code ?? 'error'}: ${e.message ?? String(err)}${e.details ? ` ${JSON.stringify(e.details).slice(0, 300)}` : ''}`;
}

async function seedBasesAndProjects(ctx: AppContext, clock: ManualClock, horizon: number, summary: SeedSummary): Promise<Principal> {
  const existingBases = new Map((await BaseModel.find({}, { name: 1 }).lean()).map((b) => [b.name, b._id]));
  const baseIds: string[] = [];
  for (const [k, b] of baseSeeds.entries()) {
    const rng = rngOf(0x5eed + k);
    // The Taihu Eco-Island base was founded in 2022; the others over the same years.
    const createdAt = officeTime(rng, cstDayStart(k === 0 ? '2022-03-01' : '2021-10-01') + int(rng, 0, 400) * DAY);
    let id = existingBases.get(b.name);
    if (!id) {
      clock.set(new Date(Math.min(createdAt, horizon)));
      id = (await createBase(ctx, principals.admin, { name: b.name, district: b.district, place: b.place, location: { lng: b.location[0], lat: b.location[1] }, areaKm2: b.areaKm2, founders: b.founders })).id;
      summary.basesCreated += 1;
    }
    baseIds.push(id);
  }
  const manager = actor('demo:base-manager', '演示数据·修复基地管理人', 'baseManager', baseIds);
  const existingProjects = new Map<string, { _id: string; status: string }>(
    (await ProjectModel.find({}, { name: 1, baseId: 1, status: 1 }).lean()).map((p) => [`${p.baseId}/${p.name}`, { _id: p._id, status: p.status }]),
  );
  for (const [k, b] of baseSeeds.entries()) {
    for (const [j, p] of b.projects.entries()) {
      const rng = rngOf(0xb0a5e + k * 31 + j);
      const createdAt = officeTime(rng, cstDayStart(k === 0 ? '2022-06-01' : '2022-02-01') + int(rng, 0, 700) * DAY);
      if (createdAt > horizon) continue;
      const key = `${baseIds[k]}/${p.name}`;
      let project = existingProjects.get(key);
      if (!project) {
        clock.set(new Date(createdAt));
        const start = cstDate(createdAt + int(rng, 60, 150) * DAY);
        const end = cstDate(cstDayStart(start) + int(rng, 365, 900) * DAY);
        const view = await createProject(ctx, manager, baseIds[k]!, {
          name: p.name,
          method: p.method,
          media: p.media,
          district: b.district,
          town: p.town,
          owner: `${b.district}人民政府${p.town.endsWith('街道') ? p.town : `${p.town}人民政府`}`,
          implementer: pick(rng, ['苏州市生态修复工程有限公司', '江苏绿源环境工程有限公司', '苏州太湖水生态科技有限公司']),
          budgetFen: p.budgetYuan * 100,
          minContributionFen: p.minYuan * 100,
          startDate: start,
          endDate: end,
          publicBenefit: `${p.town}生态环境质量改善，惠及周边群众`,
          acceptanceCriteria: '按批复的实施方案完成建设内容，经第三方评估达到修复目标',
        });
        summary.projectsCreated += 1;
        project = { _id: view.id, status: 'draft' };
      }
      if (project.status === 'draft') {
        const publishedAt = createdAt + int(rng, 3, 20) * DAY;
        if (publishedAt <= horizon) {
          clock.set(new Date(publishedAt));
          await transitionProject(ctx, manager, project._id, 'publish', { at: isoOf(publishedAt) });
          summary.projectTransitions += 1;
        }
      }
    }
  }
  return manager;
}

async function advanceCase(ctx: AppContext, work: CaseWork, summary: SeedSummary): Promise<void> {
  const clock = new ManualClock(new Date(work.plan.receivedAt));
  const local: AppContext = { ...ctx, clock };
  const { plan } = work;
  if (!work.exists) {
    clock.set(new Date(plan.receivedAt + 20 * 60_000));
    const creator = plan.extra.referredBy ? principals.procuratorate : principals.handler;
    await createCase(local, creator, parse(registerLeadBody, plan.lead), { _id: plan.id, ...plan.extra });
    summary.casesCreated += 1;
  } else if (work.applied < plan.events.length) summary.casesResumed += 1;
  else summary.casesUnchanged += 1;
  for (const e of plan.events.slice(work.applied)) {
    clock.set(new Date(e.at + 3 * 60_000));
    try {
      await sendEvent(local, principals[e.role], plan.id, e.body);
      summary.events += 1;
    } catch (err) {
      summary.failures.push({ caseId: plan.id, type: e.body.type, error: appError(err) });
      return;
    }
  }
}

/** How many of each existing demo case's planned events are already in its history. */
async function appliedSoFar(seed: number, plans: CasePlan[]): Promise<Map<string, number>> {
  const prefix = `case_demo${seed}_`;
  const docs = await CaseModel.find({ _id: { $regex: `^${prefix}` } }, { history: 1 }).lean();
  const planned = new Map(plans.map((p) => [p.id, p]));
  const applied = new Map<string, number>();
  for (const d of docs) {
    const done = d.history.filter((h) => h.actor.role !== 'system' && h.type !== 'LEAD_REGISTERED').map((h) => h.type);
    const plan = planned.get(d._id);
    if (plan && done.some((type, i) => plan.events[i]?.body.type !== type)) {
      // Not this plan's history (another --now reshaped it): leave the case as it is.
      applied.set(d._id, Number.MAX_SAFE_INTEGER);
      continue;
    }
    applied.set(d._id, done.length);
  }
  return applied;
}

interface MoneyItem extends MoneyForProjects {
  caseId: string;
  district: string;
  media: string[];
  allocateAt: number;
}

async function allocateMoney(ctx: AppContext, clock: ManualClock, plans: CasePlan[], seed: number, horizon: number, manager: Principal, summary: SeedSummary): Promise<void> {
  const items: MoneyItem[] = [];
  for (const p of plans) {
    for (const m of p.money) {
      const rng = rngOf((Math.imul(seed, 0x27d4eb2d) ^ Math.imul(p.index + 1, 0x165667b1) ^ Number(m.obligationId.slice(1))) >>> 0);
      // Most money finds a project within months; some escrow waits longer, some still waits.
      if (!chance(rng, m.kind === 'escrow' ? 0.7 : 0.85)) continue;
      const allocateAt = officeTime(rng, m.readyAt + int(rng, 20, m.kind === 'escrow' ? 400 : 180) * DAY);
      if (allocateAt > horizon) continue;
      items.push({ ...m, caseId: p.id, district: p.district, media: (p.lead.damageMedia as string[]) ?? [], allocateAt });
    }
  }
  items.sort((a, b) => a.allocateAt - b.allocateAt);
  const done = new Set((await AllocationModel.find({ caseId: { $regex: `^case_demo${seed}_` } }, { caseId: 1, obligationId: 1 }).lean()).map((a) => `${a.caseId}/${a.obligationId}`));
  let n = 0;
  for (const item of items) {
    n += 1;
    if (n % 20 === 0) summaryProgress(n, items.length);
    if (done.has(`${item.caseId}/${item.obligationId}`)) continue;
    const projects = await ProjectModel.find({ status: { $in: ['published', 'funding'] }, gapFen: { $gt: 0 } }, { name: 1, gapFen: 1, minContributionFen: 1, location: 1, media: 1, acceptedDamageTypes: 1, createdAt: 1, history: 1 }).lean();
    const open = projects.filter((p) => {
      const published = p.history?.find((h) => h.type === 'PUBLISHED');
      return published && new Date(published.at).getTime() <= item.allocateAt && (!p.acceptedDamageTypes?.length || p.acceptedDamageTypes.some((m) => item.media.includes(m)));
    });
    const near = open.filter((p) => p.location?.district === item.district);
    const candidates = (near.length ? near : open).sort((a, b) => b.media.filter((m) => item.media.includes(m)).length - a.media.filter((m) => item.media.includes(m)).length || a.gapFen - b.gapFen);
    const project = candidates.find((p) => Math.min(item.amountFen, p.gapFen) >= (p.minContributionFen ?? 0) || item.amountFen >= p.gapFen);
    if (!project) continue;
    clock.set(new Date(item.allocateAt));
    try {
      const amountFen = Math.min(item.amountFen, project.gapFen);
      const proposed = await proposeAllocation(ctx, principals.handler, { caseId: item.caseId, obligationId: item.obligationId, projectId: project._id, amountFen });
      await acceptAllocation(ctx, principals.handler, proposed.id);
      clock.set(new Date(item.allocateAt + int(rngOf(item.allocateAt), 1, 10) * DAY));
      await acceptAllocation(ctx, manager, proposed.id);
      summary.allocationsConfirmed += 1;
    } catch (err) {
      summary.failures.push({ caseId: item.caseId, type: 'ALLOCATION', error: appError(err) });
    }
  }
}

let summaryProgress: (done: number, total: number) => void = () => {};

/** Funded projects start, finish and are accepted, each step when its time has come. */
async function runProjects(ctx: AppContext, clock: ManualClock, horizon: number, manager: Principal, summary: SeedSummary): Promise<void> {
  const projects = await ProjectModel.find({ status: { $in: ['funded', 'in_progress', 'completed'] } }, { name: 1, status: 1, history: 1 }).lean();
  for (const p of projects) {
    const funded = [...(p.history ?? [])].reverse().find((h) => h.to === 'funded');
    if (!funded) continue;
    const rng = rngOf([...p.name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7));
    const startAt = officeTime(rng, new Date(funded.at).getTime() + int(rng, 20, 90) * DAY);
    const completeAt = officeTime(rng, startAt + int(rng, 120, 420) * DAY);
    const acceptAt = officeTime(rng, completeAt + int(rng, 20, 60) * DAY);
    const steps: [ProjectAction, number, string][] = [
      ['start', startAt, 'funded'],
      ['complete', completeAt, 'in_progress'],
      ['accept', acceptAt, 'completed'],
    ];
    let status = p.status as string;
    for (const [action, at, from] of steps) {
      if (status !== from || at > horizon) continue;
      clock.set(new Date(at));
      try {
        const view = await transitionProject(ctx, manager, p._id, action, { at: isoOf(at), ...(action !== 'start' ? { reportRef: `${p.name}${action === 'complete' ? '完工报告' : '验收意见'}` } : {}) });
        status = view.status;
        summary.projectTransitions += 1;
      } catch (err) {
        summary.failures.push({ caseId: p._id, type: `PROJECT_${action.toUpperCase()}`, error: appError(err) });
        break;
      }
    }
  }
}

/** Seeds the demo data into the service's database; see the top of this file. */
export async function seedDemo(ctx: AppContext, clock: ManualClock, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const horizon = cstDayStart(opts.now);
  const start = cstDayStart(DEMO_START);
  if (!(horizon > start + 30 * DAY)) throw new Error(`--now must be after ${DEMO_START}`);
  const summary: SeedSummary = {
    casesCreated: 0, casesResumed: 0, casesUnchanged: 0, events: 0, failures: [], basesCreated: 0, projectsCreated: 0,
    allocationsConfirmed: 0, projectTransitions: 0, deadlinesMissed: 0, ms: 0,
  };
  const progress = opts.progress ?? (() => {});

  progress('bases and projects', 0, baseSeeds.length);
  const manager = await seedBasesAndProjects(ctx, clock, horizon, summary);
  progress('bases and projects', baseSeeds.length, baseSeeds.length);

  const plans = Array.from({ length: opts.cases }, (_, i) => planCase(opts.seed, i, start, horizon));
  const applied = await appliedSoFar(opts.seed, plans);
  const work: CaseWork[] = plans.map((plan) => ({ plan, applied: Math.min(applied.get(plan.id) ?? 0, plan.events.length), exists: applied.has(plan.id) }));
  let next = 0;
  let finished = 0;
  progress('cases', 0, work.length);
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      while (next < work.length) {
        const w = work[next++]!;
        await advanceCase(ctx, w, summary);
        finished += 1;
        progress('cases', finished, work.length);
      }
    }),
  );

  summaryProgress = (done, total) => progress('allocations', done, total);
  await allocateMoney(ctx, clock, plans, opts.seed, horizon, manager, summary);
  await runProjects(ctx, clock, horizon, manager, summary);

  // The deadlines that ran out before "today" are marked missed, as the running scheduler would have.
  clock.set(new Date(horizon));
  const scheduler = new DeadlineScheduler(ctx);
  for (let i = 0; i < 1000; i++) {
    const tick = await scheduler.tick();
    summary.deadlinesMissed += tick.deadlinesMissed;
    if (tick.casesClaimed === 0 && tick.caseNumbersAssigned === 0) break;
  }
  summary.ms = Date.now() - started;
  return summary;
}

// ----- the command ---------------------------------------------------------------------------

const todayCst = () => cstDate(Date.now());

export const seedArgs = z
  .object({
    cases: z.coerce.number().int().min(1).max(200_000).default(2_000),
    seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
    now: z.iso.date().default(todayCst),
    concurrency: z.coerce.number().int().min(1).max(32).default(2),
  })
  .strict();

function parseArgs(argv: string[]): z.infer<typeof seedArgs> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    raw[m[1]!] = m[2] ?? argv[++i] ?? '';
  }
  const parsed = seedArgs.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  return parsed.data;
}

function progressBar(): (phase: string, done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  const t0 = Date.now();
  let lastPhase = '';
  let lastLine = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (phase !== lastPhase && lastPhase && tty) process.stderr.write('\n');
    if (phase !== lastPhase) lastPhase = phase;
    else if (done < total && now - lastLine < (tty ? 200 : 10_000)) return;
    lastLine = now;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const elapsed = (now - t0) / 1000;
    const eta = done > 0 && done < total ? ` ETA ${Math.round(((now - t0) / done) * (total - done) / 1000)}s` : '';
    const line = `${phase.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${elapsed.toFixed(0)}s${eta}`;
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig({ ...process.env, SCHEDULER_ENABLED: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const clock = new ManualClock(new Date(cstDayStart(DEMO_START)));
  console.log(`seed:demo — ${args.cases} cases, seed ${args.seed}, today ${args.now}, into ${config.MONGODB_URI ? 'MONGODB_URI' : `the embedded database in ${config.dataDir}`}`);
  const svc = await startService({ config, clock, listen: false });
  try {
    console.log(`engine: ${svc.ctx.engine.engine} ${svc.ctx.engine.version}`);
    if (svc.ctx.engine.engine === 'ferretdb' && args.cases > 300) {
      console.log(
        'note: on the embedded FerretDB v1 engine every case event costs more the more cases are stored (its version-guarded\n' +
          '      update reads the collection in Go, and even an _id lookup scans it: see docs/kpis.md), so thousands of cases take\n' +
          '      hours on a small machine. `--cases 300` gives a quick demo; MONGODB_URI (a real MongoDB) has no such limit.',
      );
    }
    const summary = await seedDemo(svc.ctx, clock, { ...args, progress: progressBar() });
    process.stderr.write('\n');
    const byStage = await CaseModel.aggregate<{ _id: string; n: number }>([{ $match: { _id: { $regex: `^case_demo${args.seed}_` } } }, { $group: { _id: '$stage', n: { $sum: 1 } } }]);
    console.log(
      `cases: ${summary.casesCreated} created, ${summary.casesResumed} resumed, ${summary.casesUnchanged} unchanged; ${summary.events} events; ` +
        `bases ${summary.basesCreated} created, projects ${summary.projectsCreated} created, ${summary.projectTransitions} project steps, ` +
        `${summary.allocationsConfirmed} allocations confirmed, ${summary.deadlinesMissed} deadlines marked missed; ${(summary.ms / 1000).toFixed(1)} s`,
    );
    console.log(`by stage: ${byStage.sort((a, b) => b.n - a.n).map((s) => `${s._id} ${s.n}`).join(', ')}`);
    if (summary.failures.length) {
      console.error(`${summary.failures.length} steps were refused (first 10):`);
      for (const f of summary.failures.slice(0, 10)) console.error(`  ${f.caseId} ${f.type}: ${f.error}`);
      process.exitCode = 1;
    }
    console.log('done: start the service with `npm start`.');
  } finally {
    await svc.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
