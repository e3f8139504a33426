import { useState } from 'react';
import { Button, Card, Space, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Allocation, CaseView, Page, Project, ScoreReason } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { LoadError } from '../components/common';
import { formatYuan } from '../lib/format';
import { useApi } from '../lib/useApi';
import { zh } from '../lib/vocab';
import { AllocationTable, ProposeDialog, Score, ScoreReasons } from './shared';

export interface ProjectSuggestion {
  projectId: string;
  score: number;
  reasons: ScoreReason[];
  obligationId?: string;
  amountFen?: number;
  name?: string;
  baseId?: string;
  gapFen?: number;
}

/**
 * A case's side of the two-way matching: projects ranked for its unallocated substitute-restoration
 * and escrow money, each score with its reasons; proposals; and the case's allocations.
 */
export function CaseMatching({ caseView, onChanged }: { caseView: CaseView; onChanged: () => void }) {
  const me = useMe();
  const suggestions = useApi<{ items: ProjectSuggestion[] }>(`/cases/${caseView.id}/project-suggestions`);
  const allocations = useApi<Page<Allocation>>('/allocations', { caseId: caseView.id, limit: 100 });
  const projects = useApi<Page<Project>>('/projects', { limit: 200 });
  const [proposing, setProposing] = useState<ProjectSuggestion | null>(null);
  const names = new Map<string, string>();
  for (const p of projects.data?.items ?? []) names.set(p.id, p.name);
  for (const s of suggestions.data?.items ?? []) if (s.name) names.set(s.projectId, s.name);
  const obligation = (id?: string) => caseView.obligations.find((o) => o.id === id);

  const refresh = () => {
    suggestions.reload();
    allocations.reload();
    projects.reload();
    onChanged();
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small" title="推荐的替代性修复项目" data-testid="project-suggestions">
        {suggestions.error ? (
          <LoadError error={suggestions.error} onRetry={suggestions.reload} what="项目推荐" />
        ) : (
          <Table<ProjectSuggestion>
            rowKey={(s) => `${s.projectId}:${s.obligationId ?? ''}`}
            size="small"
            loading={suggestions.loading}
            dataSource={suggestions.data?.items ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: '暂无可匹配的项目（案件尚无未分配的替代性修复或提存资金，或项目库中没有合适的项目）' }}
            columns={[
              { title: '项目', dataIndex: 'projectId', render: (id: string, s) => <Link to={`/projects/${id}`}>{s.name ?? names.get(id) ?? id}</Link> },
              {
                title: '资金来源',
                dataIndex: 'obligationId',
                render: (id?: string) => {
                  const o = obligation(id);
                  return o ? `${o.id} ${zh('obligationKinds', o.kind)}` : (id ?? '—');
                },
              },
              { title: '可分配金额', dataIndex: 'amountFen', align: 'right', render: (v?: number) => <span className="money">{formatYuan(v)}</span> },
              { title: '项目资金缺口', dataIndex: 'gapFen', align: 'right', render: (v?: number) => <span className="money">{formatYuan(v)}</span> },
              { title: '匹配度', dataIndex: 'score', width: 90, render: (v: number) => <Score score={v} /> },
              { title: '匹配理由', dataIndex: 'reasons', width: 420, render: (r: ScoreReason[]) => <ScoreReasons reasons={r} /> },
              {
                title: '操作',
                key: 'op',
                width: 100,
                render: (_: unknown, s) =>
                  me.role === 'handler' && s.obligationId ? (
                    <Button size="small" type="primary" onClick={() => setProposing(s)}>
                      提议分配
                    </Button>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Card size="small" title="本案的资金分配">
        {allocations.error ? (
          <LoadError error={allocations.error} onRetry={allocations.reload} what="分配方案" />
        ) : (
          <AllocationTable
            me={me}
            items={allocations.data?.items ?? []}
            loading={allocations.loading}
            onChanged={refresh}
            projectName={(id) => names.get(id)}
            caseTitle={() => caseView.caseNo ?? caseView.title}
          />
        )}
      </Card>
      <Typography.Text type="secondary">提存资金在分配给项目并经双方确认前，计为“尚未修复”。</Typography.Text>
      {proposing && proposing.obligationId && (
        <ProposeDialog
          title={`向「${proposing.name ?? names.get(proposing.projectId) ?? proposing.projectId}」提议分配`}
          caseId={caseView.id}
          obligationId={proposing.obligationId}
          projectId={proposing.projectId}
          suggestedFen={Math.min(proposing.amountFen ?? 0, proposing.gapFen ?? Number.MAX_SAFE_INTEGER)}
          maxHint={`本案可分配 ${formatYuan(proposing.amountFen)}，项目缺口 ${formatYuan(proposing.gapFen)}`}
          onClose={() => setProposing(null)}
          onDone={() => {
            setProposing(null);
            refresh();
          }}
        />
      )}
    </Space>
  );
}
