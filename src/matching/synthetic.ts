/**
 * Seeded synthetic matching data over Suzhou's districts, for the benchmark, demos and tests.
 * Deterministic for a given seed; reads no clock (dates are relative to the `today` given).
 * The shapes are plausible, not statistics: most obligations are small (a few thousand to a few
 * hundred thousand yuan), projects' gaps are larger, water damage is the most common.
 */
import { dateOfDay, dayNumber, daysFromCivil } from './dates';
import { METHOD_MEDIA } from './ecology';
import type { Medium, MoneySource, Point, ProjectCandidate, ProjectMethod } from './types';

/** A small, fast, seeded PRNG (32-bit state, xorshift-multiply mixing), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Approximate centres and spread (degrees) of Suzhou's districts; weight ~ share of cases. */
export const SUZHOU_DISTRICTS: ReadonlyArray<{ name: string; centre: Point; spread: number; weight: number }> = [
  { name: '姑苏区', centre: { lng: 120.62, lat: 31.31 }, spread: 0.03, weight: 4 },
  { name: '吴中区', centre: { lng: 120.45, lat: 31.17 }, spread: 0.12, weight: 12 },
  { name: '相城区', centre: { lng: 120.64, lat: 31.4 }, spread: 0.06, weight: 9 },
  { name: '吴江区', centre: { lng: 120.64, lat: 31.0 }, spread: 0.1, weight: 14 },
  { name: '虎丘区', centre: { lng: 120.5, lat: 31.32 }, spread: 0.05, weight: 7 },
  { name: '苏州工业园区', centre: { lng: 120.72, lat: 31.32 }, spread: 0.05, weight: 10 },
  { name: '常熟市', centre: { lng: 120.75, lat: 31.65 }, spread: 0.1, weight: 13 },
  { name: '张家港市', centre: { lng: 120.55, lat: 31.87 }, spread: 0.09, weight: 12 },
  { name: '昆山市', centre: { lng: 120.98, lat: 31.38 }, spread: 0.08, weight: 12 },
  { name: '太仓市', centre: { lng: 121.13, lat: 31.55 }, spread: 0.08, weight: 7 },
];

const DAMAGE_MEDIA: ReadonlyArray<readonly [Medium, number]> = [
  ['surface_water', 30],
  ['soil', 15],
  ['air', 10],
  ['fishery', 8],
  ['forest', 8],
  ['wetland', 6],
  ['groundwater', 5],
  ['sediment', 4],
  ['biodiversity', 4],
  ['grassland', 2],
  ['marine', 1],
  ['other', 3],
];

const METHODS: ReadonlyArray<readonly [ProjectMethod, number]> = [
  ['water_restoration', 18],
  ['wetland_restoration', 12],
  ['fry_release', 12],
  ['replanting', 14],
  ['carbon_sink_forest', 8],
  ['soil_remediation', 10],
  ['habitat', 8],
  ['rural_environment', 8],
  ['clean_production', 4],
  ['labour_in_lieu', 4],
  ['other', 2],
];

/** Media a project of a method may also list besides its main one. */
const METHOD_EXTRA_MEDIA: Readonly<Partial<Record<ProjectMethod, readonly Medium[]>>> = {
  water_restoration: ['sediment', 'wetland'],
  wetland_restoration: ['biodiversity', 'surface_water'],
  fry_release: ['surface_water', 'biodiversity'],
  replanting: ['soil', 'biodiversity'],
  carbon_sink_forest: ['air'],
  soil_remediation: ['groundwater'],
  habitat: ['wetland', 'forest'],
  rural_environment: ['surface_water', 'soil'],
};

function pick<T>(rnd: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rnd() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1][0];
}

function logUniform(rnd: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo)));
}

const dateText = dateOfDay;

function pointNear(rnd: () => number, c: Point, spread: number): Point {
  return {
    lng: Math.round((c.lng + (rnd() * 2 - 1) * spread) * 1e5) / 1e5,
    lat: Math.round((c.lat + (rnd() * 2 - 1) * spread) * 1e5) / 1e5,
  };
}

export interface SyntheticOptions {
  seed: number;
  sources: number;
  projects: number;
  today: string;
  /** yuan range of an obligation's unallocated money (log-uniform) */
  amountYuan?: [number, number];
  /** yuan range of a project's gap (log-uniform) */
  gapYuan?: [number, number];
}

export interface SyntheticData {
  sources: MoneySource[];
  projects: ProjectCandidate[];
}

/** Generates `sources` obligations (grouped 1–3 per case) and `projects` projects at 10+ bases. */
export function generateMatchingData(o: SyntheticOptions): SyntheticData {
  const rnd = seededRandom(o.seed);
  const today = dayNumber(o.today, 'today');
  const [aLo, aHi] = o.amountYuan ?? [2_000, 500_000];
  const [gLo, gHi] = o.gapYuan ?? [50_000, 5_000_000];
  const districts = SUZHOU_DISTRICTS.map((d) => [d, d.weight] as const);
  const year = Number(o.today.slice(0, 4));

  const baseCount = Math.max(10, Math.round(o.projects / 20));
  const bases = Array.from({ length: baseCount }, (_, b) => {
    const d = pick(rnd, districts);
    return { id: `B${String(b + 1).padStart(3, '0')}`, district: d, centre: pointNear(rnd, d.centre, d.spread) };
  });

  const projects: ProjectCandidate[] = [];
  for (let k = 0; k < o.projects; k++) {
    const base = bases[Math.floor(rnd() * bases.length)];
    const method = pick(rnd, METHODS);
    const media: Medium[] = [...METHOD_MEDIA[method]];
    const extra = METHOD_EXTRA_MEDIA[method];
    if (extra && rnd() < 0.35) {
      const m = extra[Math.floor(rnd() * extra.length)];
      if (!media.includes(m)) media.push(m);
    }
    const gapFen = Math.round(logUniform(rnd, gLo, gHi)) * 100;
    const start = today + Math.floor(rnd() * 545) - 180;
    const end = start + 180 + Math.floor(rnd() * 720);
    const p: ProjectCandidate = {
      projectId: `P${String(k + 1).padStart(5, '0')}`,
      baseId: base.id,
      name: `${base.district.name}${method}项目${k + 1}`,
      method,
      media,
      district: base.district.name,
      gapFen,
    };
    if (rnd() < 0.85) p.location = pointNear(rnd, base.centre, 0.02);
    if (rnd() < 0.3) p.minContributionFen = Math.min(gapFen, Math.round(logUniform(rnd, 1_000, 20_000)) * 100);
    if (rnd() < 0.9) {
      p.startDate = dateText(start);
      p.endDate = dateText(end);
    }
    projects.push(p);
  }

  const sources: MoneySource[] = [];
  let caseNo = 0;
  while (sources.length < o.sources) {
    caseNo++;
    const d = pick(rnd, districts);
    const caseId = `case-${String(caseNo).padStart(6, '0')}`;
    const location = rnd() < 0.8 ? pointNear(rnd, d.centre, d.spread) : undefined;
    const primary = pick(rnd, DAMAGE_MEDIA);
    const damageMedia: Medium[] = [primary];
    if (rnd() < 0.2) {
      const second = pick(rnd, DAMAGE_MEDIA);
      if (second !== primary) damageMedia.push(second);
    }
    const obligations = 1 + (rnd() < 0.25 ? 1 : 0) + (rnd() < 0.08 ? 1 : 0);
    for (let k = 0; k < obligations && sources.length < o.sources; k++) {
      const s: MoneySource = {
        caseId,
        obligationId: `ob-${k + 1}`,
        caseNo: `苏环赔〔${year - Math.floor(rnd() * 4)}〕${caseNo}号`,
        district: d.name,
        damageMedia,
        amountFen: Math.round(logUniform(rnd, aLo, aHi)) * 100,
      };
      if (location) s.location = location;
      if (rnd() < 0.6) s.dueDate = dateText(today + Math.floor(rnd() * 455) - 90);
      if (rnd() < 0.1) s.splittable = false;
      if (rnd() < 0.03) s.interestedProjectIds = [projects[Math.floor(rnd() * projects.length)].projectId];
      sources.push(s);
    }
  }
  for (const p of projects) {
    if (rnd() < 0.02) p.interestedCaseIds = [sources[Math.floor(rnd() * sources.length)].caseId];
  }
  return { sources, projects };
}

/** The 2022 pooling example: 19 companies, 63,486.5 yuan in all, one village project on the island. */
export function poolingExample2022(): { sources: MoneySource[]; project: ProjectCandidate } {
  const amountsFen = [
    250_000, 300_000, 180_000, 420_000, 515_000, 260_000, 330_000, 150_000, 612_500, 200_000, 275_000, 390_000,
    345_000, 410_000, 225_000, 360_000, 298_150, 318_000, 510_000,
  ];
  const sources = amountsFen.map((amountFen, k) => ({
    caseId: `2022-island-${String(k + 1).padStart(2, '0')}`,
    obligationId: 'substitute-1',
    caseTitle: `企业${k + 1} 替代性修复`,
    district: '吴中区',
    damageMedia: ['surface_water'] as Medium[],
    amountFen,
    dueDate: dateText(daysFromCivil(2022, 9, 30)),
  }));
  const project: ProjectCandidate = {
    projectId: 'island-village-2022',
    baseId: 'taihu-eco-island',
    name: '太湖生态岛 村庄生态环境提升项目',
    method: 'rural_environment',
    media: ['surface_water', 'soil'],
    district: '吴中区',
    location: { lng: 120.29, lat: 31.1 },
    gapFen: 6_348_650,
    startDate: '2022-06-01',
    endDate: '2023-06-30',
  };
  return { sources, project };
}
