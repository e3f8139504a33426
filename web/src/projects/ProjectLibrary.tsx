import { useMemo, useState } from 'react';
import { Button, Card, Form, Select, Space, Table, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { Base, Page, Project } from '../api/types';
import { isBaseManager, useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { formatDate, formatYuan } from '../lib/format';
import { useApi } from '../lib/useApi';
import { KNOWN_DISTRICTS, optionsOf, zh } from '../lib/vocab';
import { ProjectForm } from './ProjectForm';
import { FundingBar, ProjectStatusTag } from './shared';

const FILTERS = ['status', 'media', 'district', 'baseId'] as const;

/** 修复项目库: the restoration bases' projects, filtered; base managers create projects here. */
export default function ProjectLibrary() {
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [creating, setCreating] = useState(false);
  const filters = useMemo(() => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined])), [params]);
  const page = cursors.length - 1;
  const { data, error, loading, reload } = useApi<Page<Project>>('/projects', { ...filters, limit: 20, cursor: cursors[page] ?? undefined });
  const bases = useApi<Page<Base>>('/bases', { limit: 200 });
  const baseName = (id: string) => bases.data?.items.find((b) => b.id === id)?.name ?? id;
  const [form] = Form.useForm();

  const apply = (values: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const k of FILTERS) if (values[k]) next.set(k, values[k]!);
    setCursors([null]);
    setParams(next);
  };

  return (
    <>
      <PageHeader
        title="修复项目库"
        subTitle="替代性修复项目清单"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              刷新
            </Button>
            {isBaseManager(me) && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                新建项目
              </Button>
            )}
          </>
        }
      />
      <Card size="small" className="filter-card">
        <Form form={form} name="projectFilter" layout="inline" initialValues={filters} onFinish={apply} className="filter-form">
          <Form.Item name="status" label="项目状态">
            <Select allowClear placeholder="全部" style={{ width: 140 }} options={optionsOf('projectStatuses')} />
          </Form.Item>
          <Form.Item name="media" label="环境要素">
            <Select allowClear placeholder="全部" style={{ width: 130 }} options={optionsOf('media')} />
          </Form.Item>
          <Form.Item name="district" label="辖区">
            <Select allowClear placeholder="全部" style={{ width: 140 }} options={KNOWN_DISTRICTS.map((d) => ({ value: d, label: d }))} />
          </Form.Item>
          <Form.Item name="baseId" label="修复基地">
            <Select allowClear placeholder="全部" style={{ width: 200 }} options={(bases.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }))} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                查询
              </Button>
              <Button
                onClick={() => {
                  form.setFieldsValue({ status: undefined, media: undefined, district: undefined, baseId: undefined });
                  apply({});
                }}
              >
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {error ? (
        <LoadError error={error} onRetry={reload} what="项目库" />
      ) : (
        <Card size="small">
          <Table<Project>
            rowKey="id"
            size="middle"
            loading={loading}
            dataSource={data?.items ?? []}
            pagination={false}
            scroll={{ x: 1080 }}
            locale={{ emptyText: '暂无项目' }}
            onRow={(p) => ({ onDoubleClick: () => navigate(`/projects/${p.id}`) })}
            columns={[
              {
                title: '项目名称',
                dataIndex: 'name',
                ellipsis: true,
                render: (n: string, p) => (
                  <div className="cell-two-lines">
                    <Link to={`/projects/${p.id}`}>{n}</Link>
                    <Typography.Text type="secondary" ellipsis>
                      {baseName(p.baseId)}
                    </Typography.Text>
                  </div>
                ),
              },
              { title: '修复方式', dataIndex: 'method', width: 110, render: (m: string) => zh('projectMethods', m) },
              { title: '环境要素', dataIndex: 'media', width: 120, ellipsis: true, render: (m: string[]) => m.map((x) => zh('media', x)).join('、') },
              { title: '辖区', dataIndex: 'district', width: 100 },
              { title: '预算', dataIndex: 'budgetFen', align: 'right', width: 140, render: (v: number) => <span className="money">{formatYuan(v)}</span> },
              {
                title: '资金缺口',
                dataIndex: 'gapFen',
                width: 170,
                render: (v: number, p) => (
                  <div>
                    <span className="money">{formatYuan(v)}</span>
                    <FundingBar budgetFen={p.budgetFen} fundedFen={p.fundedFen} />
                  </div>
                ),
              },
              {
                title: '实施期限',
                key: 'window',
                width: 130,
                render: (_: unknown, p) =>
                  p.startDate || p.endDate ? (
                    <div className="cell-two-lines">
                      <span>{formatDate(p.startDate)}起</span>
                      <span>{formatDate(p.endDate)}止</span>
                    </div>
                  ) : (
                    '—'
                  ),
              },
              { title: '状态', dataIndex: 'status', width: 130, render: (s: string, p) => <ProjectStatusTag status={s} label={p.statusLabel?.zh} expired={p.expired} /> },
            ]}
          />
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
        </Card>
      )}
      {creating && (
        <ProjectForm
          bases={bases.data?.items ?? []}
          onClose={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            navigate(`/projects/${p.id}`);
          }}
        />
      )}
    </>
  );
}
