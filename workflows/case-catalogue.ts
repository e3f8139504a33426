import { z } from 'zod';
import type { StateNode } from 'xstate';
import { caseEventSpecs, caseEventTypes, eventBodySchema, type CaseEventType } from './case-events';
import type { CaseMachine, StateMeta } from './case-machine';
import { deadlineRules } from './deadlines';
import type { DeadlineRuleName, WorkflowRules } from './rules';
import type { Labels } from './vocabulary';

/**
 * The machine described as data, for people and other systems: every state with its labels and
 * deadline rules, every event with its payload schema, roles and where it is accepted, and a
 * Mermaid diagram. All generated from the machine itself, so it cannot go stale.
 */

export interface StateDescription {
  path: string;
  top: string;
  labels: Labels;
  deadlines: DeadlineRuleName[];
  description?: string;
  final: boolean;
  children: string[];
}

type AnyNode = StateNode<never, never>;

function publicPath(node: AnyNode): string {
  return node.path.filter((p) => p !== 'active').join('.');
}

function walk(node: AnyNode, out: AnyNode[]): void {
  for (const child of Object.values(node.states) as AnyNode[]) {
    if (child.type === 'history') continue;
    out.push(child);
    walk(child, out);
  }
}

function allNodes(machine: CaseMachine): AnyNode[] {
  const out: AnyNode[] = [];
  walk(machine.root as unknown as AnyNode, out);
  return out.filter((n) => n.key !== 'active');
}

export function describeStates(machine: CaseMachine): StateDescription[] {
  return allNodes(machine).map((n) => {
    const meta = (n.meta ?? {}) as Partial<StateMeta>;
    const path = publicPath(n);
    return {
      path,
      top: path.split('.')[0]!,
      labels: meta.labels ?? { zh: n.key, en: n.key },
      deadlines: meta.deadlines ?? [],
      ...(meta.description ? { description: meta.description } : {}),
      final: n.type === 'final',
      children: (Object.values(n.states) as AnyNode[]).filter((c) => c.type !== 'history').map(publicPath),
    };
  });
}

/** Labels for a public state path: a sub-state reads "stage · step". */
export function stateLabels(machine: CaseMachine): Map<string, Labels> {
  const states = describeStates(machine);
  const byPath = new Map(states.map((s) => [s.path, s.labels]));
  const out = new Map<string, Labels>();
  for (const s of states) {
    const parent = s.path.includes('.') ? byPath.get(s.path.split('.').slice(0, -1).join('.')) : undefined;
    out.set(s.path, parent ? { zh: `${parent.zh}·${s.labels.zh}`, en: `${parent.en} · ${s.labels.en}` } : s.labels);
  }
  return out;
}

/** Where each event is accepted: the public paths of the states that declare it (inherited by their descendants). */
export function eventAcceptance(machine: CaseMachine): Record<CaseEventType, string[]> {
  const result = Object.fromEntries(caseEventTypes.map((t) => [t, [] as string[]])) as Record<CaseEventType, string[]>;
  const nodes: AnyNode[] = [];
  walk(machine.root as unknown as AnyNode, nodes);
  for (const n of nodes) {
    for (const type of Object.keys(n.config.on ?? {})) {
      if (type in result) result[type as CaseEventType].push(n.key === 'active' ? '(any open stage)' : publicPath(n));
    }
  }
  return result;
}

export function describeWorkflow(machine: CaseMachine, rules: WorkflowRules, machineVersion: number) {
  const acceptance = eventAcceptance(machine);
  return {
    machineVersion,
    states: describeStates(machine),
    events: caseEventTypes.map((type) => {
      const spec = caseEventSpecs[type];
      return {
        type,
        labels: spec.labels,
        roles: spec.roles,
        ...('rolesOnlyIn' in spec ? { rolesOnlyIn: spec.rolesOnlyIn } : {}),
        acceptedIn: acceptance[type],
        payloadSchema: z.toJSONSchema(eventBodySchema(type), { io: 'input', unrepresentable: 'any' }),
      };
    }),
    deadlineRules: (Object.keys(deadlineRules) as DeadlineRuleName[]).map((rule) => ({
      rule,
      labels: deadlineRules[rule].labels,
      period: rules.periods[rule],
      opensOnState: deadlineRules[rule].state ?? null,
      opensOnEvent: deadlineRules[rule].openedBy ?? null,
      metBy: deadlineRules[rule].metBy ?? [],
    })),
    limits: {
      consultation_meetings_3: rules.consultationMeetingLimit,
      simpleCaseCeilingFen: rules.simpleCaseCeilingFen,
      significantlyMinorCeilingFen: rules.significantlyMinorCeilingFen,
      reoffenceWindowYears: rules.reoffenceWindowYears,
    },
  };
}

/** A Mermaid stateDiagram-v2 of the machine, with Chinese labels and event names on the arrows. */
export function mermaidDiagram(machine: CaseMachine): string {
  const lines = ['stateDiagram-v2'];
  const id = (path: string) => path.replace(/\./g, '_');
  const labels = stateLabels(machine);
  const nodes = allNodes(machine);
  const rootIds = new Set(['case', 'case.active']);
  const render = (n: AnyNode, indent: string) => {
    const path = publicPath(n);
    const label = (labels.get(path)?.zh ?? n.key).split('·').pop();
    const children = (Object.values(n.states) as AnyNode[]).filter((c) => c.type !== 'history');
    if (children.length) {
      lines.push(`${indent}state "${label}" as ${id(path)} {`);
      const initial = n.config.initial as string | undefined;
      if (initial) lines.push(`${indent}  [*] --> ${id(`${path}.${initial}`)}`);
      children.forEach((c) => render(c, `${indent}  `));
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${label}" as ${id(path)}`);
    }
  };
  lines.push('  [*] --> lead');
  for (const n of nodes) if (rootIds.has(n.parent?.id ?? '')) render(n, '  ');

  const resolve = (from: AnyNode, target: string): string[] => {
    if (target === '#resumePoint') return ['(resume)'];
    if (target.startsWith('#case.')) return [target.slice('#case.'.length).replace(/^active\./, '')];
    const parent = from.parent;
    const sibling = parent ? publicPath(parent) : '';
    return [sibling ? `${sibling}.${target}` : target];
  };
  const all: AnyNode[] = [];
  walk(machine.root as unknown as AnyNode, all);
  for (const n of all) {
    const on = (n.config.on ?? {}) as Record<string, unknown>;
    for (const [type, raw] of Object.entries(on)) {
      const options = (Array.isArray(raw) ? raw : [raw]) as { target?: string }[];
      for (const o of options) {
        if (!o.target) continue;
        for (const to of resolve(n, o.target)) {
          if (to === '(resume)') {
            lines.push(`  note right of suspended: ${type} 返回中止前的确切状态`);
            continue;
          }
          if (n.key === 'active') {
            lines.push(`  note left of ${id(to)}: 任一办理阶段均可 ${type}`);
            continue;
          }
          if (n.key === 'suspended' && type === 'TERMINATED') continue;
          lines.push(`  ${id(publicPath(n))} --> ${id(to)}: ${type}`);
        }
      }
    }
    const always = n.config.always as { target?: string } | undefined;
    if (always?.target) lines.push(`  ${id(publicPath(n))} --> ${id(resolve(n, always.target)[0]!)}: 义务全部履行`);
  }
  lines.push('  closed --> [*]');
  return `${lines.join('\n')}\n`;
}
