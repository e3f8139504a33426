import type { Medium, ProjectMethod } from './types';

/** Every medium, in a fixed order: a medium's index is its bit in a media mask. */
export const MEDIA: readonly Medium[] = [
  'air',
  'surface_water',
  'groundwater',
  'soil',
  'sediment',
  'forest',
  'wetland',
  'grassland',
  'fishery',
  'biodiversity',
  'marine',
  'other',
];

export const MEDIUM_LABELS: Readonly<Record<Medium, { zh: string; en: string }>> = {
  air: { zh: '大气', en: 'air' },
  surface_water: { zh: '地表水', en: 'surface water' },
  groundwater: { zh: '地下水', en: 'groundwater' },
  soil: { zh: '土壤', en: 'soil' },
  sediment: { zh: '沉积物', en: 'sediment' },
  forest: { zh: '森林', en: 'forest' },
  wetland: { zh: '湿地', en: 'wetland' },
  grassland: { zh: '草地', en: 'grassland' },
  fishery: { zh: '渔业资源', en: 'fishery' },
  biodiversity: { zh: '生物多样性', en: 'biodiversity' },
  marine: { zh: '海洋', en: 'marine' },
  other: { zh: '其他', en: 'other' },
};

const OTHER_INDEX = MEDIA.indexOf('other');
const MEDIUM_INDEX = new Map<string, number>(MEDIA.map((m, i) => [m, i]));

/**
 * How far money for damage to one medium restores an equivalent function when spent on another.
 * Symmetric; a medium is fully related to itself (1). Pairs not listed are unrelated (0), which
 * makes a source and a project incompatible when no pair of their media relates.
 *
 * The groups follow the environmental element a substitute project restores: the water system
 * (surface water, wetland, fishery, sediment, marine), land cover and habitat (forest, grassland,
 * biodiversity), and the ground (soil, groundwater). Cross-group links are weaker: air pollution is
 * commonly compensated by carbon-sink forest or replanting (air~forest), a wetland is also habitat.
 * `other` (unclassified damage or a general-purpose project) is weakly related to everything.
 */
export const MEDIA_RELATEDNESS: ReadonlyArray<readonly [Medium, Medium, number]> = [
  ['surface_water', 'wetland', 0.7],
  ['surface_water', 'fishery', 0.7],
  ['surface_water', 'sediment', 0.7],
  ['wetland', 'fishery', 0.7],
  ['wetland', 'sediment', 0.6],
  ['fishery', 'sediment', 0.5],
  ['marine', 'fishery', 0.7],
  ['marine', 'surface_water', 0.5],
  ['marine', 'wetland', 0.5],
  ['marine', 'sediment', 0.5],
  ['forest', 'grassland', 0.7],
  ['forest', 'biodiversity', 0.7],
  ['grassland', 'biodiversity', 0.7],
  ['wetland', 'biodiversity', 0.6],
  ['fishery', 'biodiversity', 0.5],
  ['soil', 'groundwater', 0.7],
  ['soil', 'sediment', 0.5],
  ['groundwater', 'surface_water', 0.5],
  ['soil', 'forest', 0.4],
  ['soil', 'grassland', 0.4],
  ['air', 'forest', 0.5],
  ['air', 'grassland', 0.3],
  ['wetland', 'forest', 0.4],
];

/** Relatedness of `other` to any medium (and of any medium to `other`). */
export const OTHER_RELATEDNESS = 0.3;

/**
 * The media a project restores when its owner did not list any, inferred from its method.
 * Methods that restore no particular medium fall back to `other` (weakly related to everything).
 */
export const METHOD_MEDIA: Readonly<Record<ProjectMethod, readonly Medium[]>> = {
  replanting: ['forest', 'grassland'],
  fry_release: ['fishery'],
  wetland_restoration: ['wetland'],
  water_restoration: ['surface_water'],
  soil_remediation: ['soil'],
  rural_environment: ['surface_water', 'soil'],
  carbon_sink_forest: ['forest'],
  labour_in_lieu: ['other'],
  clean_production: ['air'],
  habitat: ['biodiversity'],
  other: ['other'],
};

const N = MEDIA.length;
/** N×N relatedness matrix, row-major by medium index. */
const RELATEDNESS = new Float64Array(N * N);
/** For each medium, the mask of media related to it at all (itself included). */
const RELATED_MASK = new Int32Array(N);

for (let i = 0; i < N; i++) {
  RELATEDNESS[i * N + i] = 1;
  RELATEDNESS[i * N + OTHER_INDEX] = Math.max(RELATEDNESS[i * N + OTHER_INDEX], OTHER_RELATEDNESS);
  RELATEDNESS[OTHER_INDEX * N + i] = Math.max(RELATEDNESS[OTHER_INDEX * N + i], OTHER_RELATEDNESS);
}
RELATEDNESS[OTHER_INDEX * N + OTHER_INDEX] = 1;
for (const [a, b, v] of MEDIA_RELATEDNESS) {
  const ia = MEDIUM_INDEX.get(a) as number;
  const ib = MEDIUM_INDEX.get(b) as number;
  RELATEDNESS[ia * N + ib] = v;
  RELATEDNESS[ib * N + ia] = v;
}
for (let i = 0; i < N; i++) {
  let mask = 0;
  for (let j = 0; j < N; j++) if (RELATEDNESS[i * N + j] > 0) mask |= 1 << j;
  RELATED_MASK[i] = mask;
}

/** Index of a medium; unknown strings (bad data) count as `other`. */
export function mediumIndex(m: string): number {
  const i = MEDIUM_INDEX.get(m);
  return i === undefined ? OTHER_INDEX : i;
}

/** Relatedness of two media, 0..1. */
export function mediaRelatedness(a: Medium, b: Medium): number {
  return RELATEDNESS[mediumIndex(a) * N + mediumIndex(b)];
}

/** Distinct medium indices of a list; an empty list means "unknown" and counts as `other`. */
export function mediaIndices(media: readonly string[] | undefined): number[] {
  if (!media || media.length === 0) return [OTHER_INDEX];
  const out: number[] = [];
  for (const m of media) {
    const i = mediumIndex(m);
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

export function maskOf(indices: readonly number[]): number {
  let mask = 0;
  for (const i of indices) mask |= 1 << i;
  return mask;
}

/** Mask of every medium related to at least one of `indices`. */
export function relatedMaskOf(indices: readonly number[]): number {
  let mask = 0;
  for (const i of indices) mask |= RELATED_MASK[i];
  return mask;
}

/**
 * The pair of media (source medium index × 12 + project medium index) with the best relatedness,
 * the first in list order on ties.
 */
export function bestRelatedPair(sourceMedia: readonly number[], projectMedia: readonly number[]): number {
  let value = -1;
  let best = 0;
  for (const s of sourceMedia) {
    for (const p of projectMedia) {
      const v = RELATEDNESS[s * N + p];
      if (v > value) {
        value = v;
        best = s * N + p;
      }
    }
  }
  return best;
}

/** The value alone, for the hot path (no allocation). */
export function bestRelatednessValue(sourceMedia: readonly number[], projectMedia: readonly number[]): number {
  let value = 0;
  for (let a = 0; a < sourceMedia.length; a++) {
    const row = sourceMedia[a] * N;
    for (let b = 0; b < projectMedia.length; b++) {
      const v = RELATEDNESS[row + projectMedia[b]];
      if (v > value) value = v;
    }
  }
  return value;
}
