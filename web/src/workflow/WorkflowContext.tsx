import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Alert, Spin } from 'antd';
import type { Workflow, WorkflowEvent } from '../api/types';
import { errorText } from '../api/client';
import { useApi } from '../lib/useApi';

/**
 * The workflow as the service describes it (GET /workflow): state and event labels, payload
 * schemas, deadline rules. Loaded once per sign-in; every screen reads its labels from here.
 */
export interface WorkflowInfo {
  workflow: Workflow;
  /** "磋商·磋商进行中" for a dotted path; the top-level label for a top-level state. */
  stateLabel(path: string | null | undefined): string;
  topStates: { value: string; label: string }[];
  event(type: string): WorkflowEvent | undefined;
  eventLabel(type: string): string;
  ruleLabel(rule: string): string;
}

const WorkflowContext = createContext<WorkflowInfo | null>(null);

/** Entries in a case's history that are not client events. */
const systemEntryLabels: Record<string, string> = {
  LEAD_REGISTERED: '登记线索',
  LEAD_TRANSFERRED: '检察机关移送线索',
  DEADLINE_MISSED: '期限届满',
  OBLIGATIONS_DISCHARGED: '义务全部履行',
};

export function buildWorkflowInfo(workflow: Workflow): WorkflowInfo {
  const byPath = new Map(workflow.states.map((s) => [s.path, s]));
  const events = new Map(workflow.events.map((e) => [e.type, e]));
  const rules = new Map(workflow.deadlineRules.map((r) => [r.rule, r.labels.zh]));
  const stateLabel = (path: string | null | undefined) => {
    if (!path) return '—';
    const s = byPath.get(path);
    if (!s) return path;
    if (!path.includes('.')) return s.labels.zh;
    const parent = byPath.get(path.split('.').slice(0, -1).join('.'));
    return parent ? `${parent.labels.zh}·${s.labels.zh}` : s.labels.zh;
  };
  return {
    workflow,
    stateLabel,
    topStates: workflow.states.filter((s) => !s.path.includes('.')).map((s) => ({ value: s.path, label: s.labels.zh })),
    event: (type) => events.get(type),
    eventLabel: (type) => events.get(type)?.labels.zh ?? systemEntryLabels[type] ?? type,
    ruleLabel: (rule) => rules.get(rule) ?? rule,
  };
}

export function WorkflowProvider({ children }: { children: ReactNode }) {
  const { data, error, reload } = useApi<Workflow>('/workflow');
  const info = useMemo(() => (data ? buildWorkflowInfo(data) : null), [data]);
  if (error && !data) {
    return (
      <Alert
        type="error"
        showIcon
        style={{ margin: 24 }}
        message="无法载入办案流程定义"
        description={errorText(error)}
        action={<a onClick={reload}>重试</a>}
      />
    );
  }
  if (!info) return <Spin size="large" tip="正在载入办案流程…" fullscreen />;
  return <WorkflowContext.Provider value={info}>{children}</WorkflowContext.Provider>;
}

export function useWorkflow(): WorkflowInfo {
  const ctx = useContext(WorkflowContext);
  if (!ctx) throw new Error('useWorkflow outside WorkflowProvider');
  return ctx;
}
