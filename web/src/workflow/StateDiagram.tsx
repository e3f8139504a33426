import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { Alert, Segmented, Skeleton, Space, Tag } from 'antd';
import { errorText } from '../api/client';
import { useApi } from '../lib/useApi';
import { useWorkflow, type WorkflowInfo } from './WorkflowContext';

/**
 * The case's statechart, drawn from the service's own Mermaid text (GET /workflow/diagram), with
 * the event names on the arrows turned into their Chinese labels, the states the case passed
 * through shaded and its current state highlighted. Mermaid is loaded only when a diagram is shown.
 */

const idOf = (path: string) => path.replace(/\./g, '_');

export function decorateDiagram(text: string, wf: WorkflowInfo, current: string, visited: string[]): string {
  const leaves = new Set(wf.workflow.states.filter((s) => s.children.length === 0).map((s) => s.path));
  const relabel = (s: string) => s.replace(/\b[A-Z][A-Z_]{2,}\b/g, (t) => wf.eventLabel(t));
  const lines = text.split('\n').map((line) => {
    // Left to right: the procedure reads like a line of work across a wide screen.
    if (/^stateDiagram-v2\s*$/.test(line)) return `${line}\n  direction LR`;
    const edge = /^(\s*\S+\s+-->\s+\S+\s*:\s*)(.+)$/.exec(line);
    if (edge) return `${edge[1]}${relabel(edge[2]!)}`;
    if (/^\s*note /.test(line)) return relabel(line);
    return line;
  });
  lines.push('  classDef visited fill:#e8f3ec,stroke:#5b9c74,color:#1f3d2b');
  lines.push('  classDef current fill:#fff1d6,stroke:#d46b08,stroke-width:3px,color:#873800,font-weight:bold');
  const shaded = [...new Set(visited)].filter((p) => p !== current && leaves.has(p));
  if (shaded.length) lines.push(`  class ${shaded.map(idOf).join(',')} visited`);
  if (leaves.has(current)) lines.push(`  class ${idOf(current)} current`);
  return `${lines.join('\n')}\n`;
}

let mermaidReady: Promise<typeof import('mermaid').default> | null = null;
function loadMermaid() {
  mermaidReady ??= import('mermaid').then(({ default: mermaid }) => {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'base',
      fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif',
      themeVariables: {
        primaryColor: '#eef4fb',
        primaryBorderColor: '#6b8fbf',
        primaryTextColor: '#1f2d3d',
        lineColor: '#8797ab',
        fontSize: '14px',
      },
      state: { useMaxWidth: false },
    });
    return mermaid;
  });
  return mermaidReady;
}

export function StateDiagram({ current, visited }: { current: string; visited: string[] }) {
  const wf = useWorkflow();
  const { data: text, error } = useApi<string>('/workflow/diagram');
  const [svg, setSvg] = useState<string | null>(null);
  const [renderError, setRenderError] = useState<string | null>(null);
  /** 0: the whole chart in the width of the page; otherwise a scale of its natural size. */
  const [zoom, setZoom] = useState(0.6);
  const box = useRef<HTMLDivElement>(null);
  const reactId = useId();
  const visitedKey = visited.join(',');

  useEffect(() => {
    if (typeof text !== 'string') return;
    let cancelled = false;
    const source = decorateDiagram(text, wf, current, visitedKey ? visitedKey.split(',') : []);
    loadMermaid()
      .then((mermaid) => mermaid.render(`statechart-${reactId.replace(/[^a-zA-Z0-9]/g, '')}-${Date.now()}`, source))
      .then(({ svg: out }) => {
        if (!cancelled) setSvg(out);
      })
      .catch((e: unknown) => {
        if (!cancelled) setRenderError(String((e as Error)?.message ?? e));
      });
    return () => {
      cancelled = true;
    };
  }, [text, wf, current, visitedKey, reactId]);

  // Scaled, the chart is wider than the page: bring the current state to the middle of the view.
  useLayoutEffect(() => {
    const container = box.current;
    const chart = container?.querySelector('svg');
    if (!container || !chart) return;
    const natural = chart.viewBox?.baseVal?.width || chart.getBoundingClientRect().width;
    chart.style.width = zoom ? `${Math.round(natural * zoom)}px` : '100%';
    chart.style.maxWidth = zoom ? 'none' : '100%';
    chart.style.height = 'auto';
    const node = container.querySelector('.current');
    if (!node || !zoom) return;
    const c = container.getBoundingClientRect();
    const n = node.getBoundingClientRect();
    container.scrollLeft += n.left + n.width / 2 - (c.left + c.width / 2);
    container.scrollTop += n.top + n.height / 2 - (c.top + c.height / 2);
  }, [svg, zoom]);

  if (error) return <Alert type="error" showIcon message="无法载入流程图" description={errorText(error)} />;
  if (renderError) return <Alert type="warning" showIcon message="流程图绘制失败" description={renderError} />;
  return (
    <div>
      <Space size="small" style={{ marginBottom: 8, width: '100%', justifyContent: 'space-between' }} wrap>
        <Space size="small">
          <span>当前状态：</span>
          <Tag color="orange">{wf.stateLabel(current)}</Tag>
          <Tag color="green">已经过的环节</Tag>
        </Space>
        <Segmented
          size="small"
          value={zoom}
          onChange={(v) => setZoom(Number(v))}
          options={[
            { value: 0, label: '全图' },
            { value: 0.6, label: '标准' },
            { value: 1, label: '放大' },
          ]}
        />
      </Space>
      {svg ? (
        <div
          ref={box}
          className="statechart"
          data-testid="statechart"
          data-current={current}
          dangerouslySetInnerHTML={{ __html: svg }}
        />
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
    </div>
  );
}
