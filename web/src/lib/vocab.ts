import * as vocabulary from '@workflows/vocabulary';

/**
 * Chinese labels. The workflow's own vocabulary (workflows/vocabulary.ts, imported at build time)
 * comes first; the few words it does not carry yet (project methods and statuses, allocation
 * statuses, ...) have a local table used only when the vocabulary has no table of that name.
 */

type Table = Record<string, { zh: string; en: string }>;
type Labelled = { values: readonly string[]; labels: Table };

const local: Record<string, Record<string, string>> = {
  projectMethods: {
    replanting: '补植复绿',
    fry_release: '增殖放流',
    wetland_restoration: '湿地修复',
    water_restoration: '水体修复',
    soil_remediation: '土壤修复',
    rural_environment: '农村环境整治',
    carbon_sink_forest: '碳汇林',
    labour_in_lieu: '劳务代偿',
    clean_production: '清洁生产替代',
    habitat: '生境修复',
    other: '其他',
  },
  projectStatuses: {
    draft: '草稿',
    published: '已发布',
    funding: '筹资中',
    funded: '资金已足额',
    in_progress: '实施中',
    completed: '已完工',
    accepted: '已验收',
    closed: '已关闭',
  },
  allocationStatuses: {
    proposed: '待双方确认',
    confirmed: '已确认',
    declined: '已拒绝',
    cancelled: '已撤销',
  },
  liabilityStatuses: { open: '未履行完毕', discharged: '责任已履行' },
  restorationStatuses: {
    none: '无修复义务',
    pending: '待修复',
    partly_allocated: '部分资金已分配',
    allocated: '资金已全部分配',
    in_progress: '修复中',
    restored: '已修复',
  },
  deadlineStatuses: { open: '进行中', met: '已办结', missed: '已逾期', cancelled: '已取消' },
  investigationConclusions: { assess: '转入鉴定评估', terminate: '终止索赔' },
  obligorReplies: { agree_to_consult: '同意磋商', refuse: '拒绝磋商' },
  confirmationResults: { confirmed: '裁定确认', rejected: '裁定不予确认' },
};

function tableOf(name: string): Record<string, string> {
  const v = (vocabulary as unknown as Record<string, Labelled | undefined>)[name];
  if (v && typeof v === 'object' && 'labels' in v) {
    return Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, l.zh]));
  }
  return local[name] ?? {};
}

export const vocab = {
  roles: tableOf('roles'),
  channels: tableOf('channels'),
  media: tableOf('media'),
  partyKinds: tableOf('partyKinds'),
  obligationKinds: tableOf('obligationKinds'),
  obligationStatuses: tableOf('obligationStatuses'),
  outcomes: tableOf('outcomes'),
  notStartReasons: tableOf('notStartReasons'),
  consultationFailureReasons: tableOf('consultationFailureReasons'),
  terminationReasons: tableOf('terminationReasons'),
  majorBases: tableOf('majorBases'),
  assessmentRoutes: tableOf('assessmentRoutes'),
  restorability: tableOf('restorability'),
  attendeeKinds: tableOf('attendeeKinds'),
  judgmentOutcomes: tableOf('judgmentOutcomes'),
  exemptionReasons: tableOf('exemptionReasons'),
  screeningOutcomes: tableOf('screeningOutcomes'),
  projectMethods: tableOf('projectMethods'),
  projectStatuses: tableOf('projectStatuses'),
  allocationStatuses: tableOf('allocationStatuses'),
  liabilityStatuses: tableOf('liabilityStatuses'),
  restorationStatuses: tableOf('restorationStatuses'),
  deadlineStatuses: tableOf('deadlineStatuses'),
  investigationConclusions: tableOf('investigationConclusions'),
  obligorReplies: tableOf('obligorReplies'),
  confirmationResults: tableOf('confirmationResults'),
};

export type VocabName = keyof typeof vocab;

/** The Chinese label of a value in a table, or the value itself. */
export function zh(table: VocabName, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return vocab[table][value] ?? value;
}

export function optionsOf(table: VocabName): { value: string; label: string }[] {
  return Object.entries(vocab[table]).map(([value, label]) => ({ value, label }));
}

/** The districts of the deployment (Suzhou), offered when a client's scope is every district. */
export const KNOWN_DISTRICTS = ['姑苏区', '吴中区', '相城区', '吴江区', '虎丘区', '苏州工业园区', '常熟市', '张家港市', '昆山市', '太仓市'];

export const ALL_DISTRICTS = '*';

export function districtChoices(districts: string[] | undefined): string[] {
  if (!districts || districts.includes(ALL_DISTRICTS)) return KNOWN_DISTRICTS;
  return districts;
}
