import { useEffect, useState } from 'react';
import { Button, Card, Segmented, Space, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api } from '../api/client';
import type { Allocation, CaseView, Page, Project } from '../api/types';
import { canReadCases, useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { useApi } from '../lib/useApi';
import { AllocationTable } from './shared';

/** 资金分配: every allocation the caller can see, with the two-way confirmation and releases. */
export default function Allocations() {
  const me = useMe();
  const [status, setStatus] = useState<string>('proposed');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const { data, error, loading, reload } = useApi<Page<Allocation>>('/allocations', { status: status === 'all' ? undefined : status, limit: 50, cursor: cursors[page] ?? undefined });
  const projects = useApi<Page<Project>>('/projects', { limit: 200 });
  const [titles, setTitles] = useState<Record<string, string>>({});
  const names = new Map((projects.data?.items ?? []).map((p) => [p.id, p.name]));

  // Case titles for the rows (only for roles that may read cases).
  useEffect(() => {
    if (!data || !canReadCases(me)) return;
    // Allocations carry the case's number and title; older ones may not.
    const missing = [...new Set(data.items.filter((a) => !a.caseTitle).map((a) => a.caseId))].filter((id) => !(id in titles));
    if (!missing.length) return;
    Promise.all(missing.map((id) => api<CaseView>(`/cases/${id}`).then((c) => [id, c.caseNo ? `${c.caseNo} ${c.title}` : c.title] as const, () => [id, id] as const))).then((pairs) =>
      setTitles((t) => ({ ...t, ...Object.fromEntries(pairs) })),
    );
  }, [data, me, titles]);

  return (
    <>
      <PageHeader
        title="资金分配"
        subTitle="案件替代性修复资金、提存资金与修复项目的双向确认"
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload}>
            刷新
          </Button>
        }
      />
      <Card size="small">
        <Space style={{ marginBottom: 12 }}>
          <Segmented
            value={status}
            onChange={(v) => {
              setStatus(String(v));
              setCursors([null]);
            }}
            options={[
              { value: 'proposed', label: '待确认' },
              { value: 'confirmed', label: '已确认' },
              { value: 'declined', label: '已拒绝' },
              { value: 'all', label: '全部' },
            ]}
          />
        </Space>
        {error ? (
          <LoadError error={error} onRetry={reload} what="分配方案" />
        ) : (
          <>
            <AllocationTable me={me} items={data?.items ?? []} loading={loading} onChanged={reload} projectName={(id) => names.get(id)} caseTitle={(id) => titles[id]} />
            <div className="pager">
              <Typography.Text type="secondary">第 {page + 1} 页</Typography.Text>
              <Space>
                <Button disabled={page === 0 || loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
                  上一页
                </Button>
                <Button disabled={!data?.nextCursor || loading} onClick={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor])}>
                  下一页
                </Button>
              </Space>
            </div>
          </>
        )}
      </Card>
    </>
  );
}
