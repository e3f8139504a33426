import { useMemo, useState } from 'react';
import { Button, Card, Checkbox, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { CaseSummary, Page } from '../api/types';
import { canRegister, useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { daysLeft, formatDate } from '../lib/format';
import { useApi } from '../lib/useApi';
import { districtChoices, optionsOf, zh } from '../lib/vocab';
import { useWorkflow } from '../workflow/WorkflowContext';

const FILTERS = ['state', 'district', 'channel', 'overdue', 'major', 'restorationPending', 'q'] as const;

export function StateTag({ state, label }: { state: string; label: string }) {
  const top = state.split('.')[0];
  const color = top === 'closed' ? 'default' : top === 'suspended' ? 'warning' : top === 'lead' ? 'cyan' : 'processing';
  return <Tag color={color}>{label}</Tag>;
}

/** Cases in the caller's districts: the contract's filters, cursor paging, and the total. */
export default function CaseList() {
  const me = useMe();
  const wf = useWorkflow();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [limit, setLimit] = useState(20);
  /** cursors[i] is the cursor that opens page i (page 0 has none). */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const pageIndex = cursors.length - 1;

  const filters = useMemo(() => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined])), [params]);
  const query = { ...filters, limit, cursor: cursors[pageIndex] ?? undefined, count: true };
  const { data, error, loading, reload } = useApi<Page<CaseSummary>>('/cases', query);
  const [form] = Form.useForm();

  const apply = (values: Record<string, unknown>) => {
    const next = new URLSearchParams();
    for (const k of FILTERS) {
      const v = values[k];
      if (v === true) next.set(k, 'true');
      else if (typeof v === 'string' && v.trim()) next.set(k, v.trim());
    }
    setCursors([null]);
    setParams(next);
  };

  const columns = [
    {
      title: '案件编号',
      dataIndex: 'caseNo',
      width: 170,
      render: (caseNo: string | null, c: CaseSummary) => <Link to={`/cases/${c.id}`}>{caseNo ?? <Typography.Text type="secondary">（未立案）{c.id.slice(-6)}</Typography.Text>}</Link>,
    },
    { title: '案件名称', dataIndex: 'title', ellipsis: true, render: (t: string, c: CaseSummary) => <Link to={`/cases/${c.id}`}>{t}</Link> },
    { title: '辖区', dataIndex: 'district', width: 110 },
    { title: '线索来源', dataIndex: 'channel', width: 150, ellipsis: true, render: (v: string) => zh('channels', v) },
    {
      title: '办理状态',
      dataIndex: 'state',
      width: 170,
      render: (s: string, c: CaseSummary) => (
        <Space size={4} wrap>
          <StateTag state={s} label={c.stateLabel?.zh ?? wf.stateLabel(s)} />
          {c.outcome && <Tag>{zh('outcomes', c.outcome)}</Tag>}
        </Space>
      ),
    },
    {
      title: '标记',
      key: 'flags',
      width: 110,
      render: (_: unknown, c: CaseSummary) => (
        <Space size={4} wrap>
          {c.major && <Tag color="volcano">重大</Tag>}
          {c.overdue && <Tag color="red">逾期</Tag>}
        </Space>
      ),
    },
    { title: '受理日期', dataIndex: 'receivedAt', width: 130, render: (v: string | null) => formatDate(v) },
    {
      title: '最近期限',
      dataIndex: 'nextDueAt',
      width: 150,
      render: (v: string | null) => {
        if (!v) return '—';
        const d = daysLeft(v);
        return <span className={d < 0 ? 'text-overdue' : undefined}>{formatDate(v)}</span>;
      },
    },
  ];

  return (
    <>
      <PageHeader
        title="案件管理"
        subTitle={data?.total !== undefined ? `共 ${data.total} 件` : undefined}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              刷新
            </Button>
            {canRegister(me) && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/cases/new')}>
                登记线索
              </Button>
            )}
          </>
        }
      />
      <Card className="filter-card" size="small">
        <Form
          form={form}
          name="caseFilter"
          layout="inline"
          initialValues={{ ...filters, overdue: filters.overdue === 'true', major: filters.major === 'true', restorationPending: filters.restorationPending === 'true' }}
          onFinish={apply}
          className="filter-form"
        >
          <Form.Item name="q" label="关键词">
            <Input placeholder="案件名称、编号或当事人" allowClear style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="state" label="办理状态">
            <Select allowClear placeholder="全部" style={{ width: 150 }} options={wf.topStates} />
          </Form.Item>
          <Form.Item name="district" label="辖区">
            <Select allowClear placeholder="全部" style={{ width: 140 }} options={districtChoices(me.districts).map((d) => ({ value: d, label: d }))} />
          </Form.Item>
          <Form.Item name="channel" label="线索来源">
            <Select allowClear placeholder="全部" style={{ width: 190 }} options={optionsOf('channels')} popupMatchSelectWidth={false} />
          </Form.Item>
          <Form.Item name="overdue" valuePropName="checked">
            <Checkbox>仅看逾期</Checkbox>
          </Form.Item>
          <Form.Item name="major" valuePropName="checked">
            <Checkbox>仅看重大案件</Checkbox>
          </Form.Item>
          <Form.Item name="restorationPending" valuePropName="checked" tooltip="负有修复或替代性修复义务、尚未修复到位的案件，含已结案（如提存后结案、资金尚未分配到项目）">
            <Checkbox>修复未完成（含已结案）</Checkbox>
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  form.setFieldsValue({ q: undefined, state: undefined, district: undefined, channel: undefined, overdue: false, major: false, restorationPending: false });
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
        <LoadError error={error} onRetry={reload} what="案件列表" />
      ) : (
        <Card size="small">
          <Table<CaseSummary>
            rowKey="id"
            size="middle"
            loading={loading}
            dataSource={data?.items ?? []}
            columns={columns}
            pagination={false}
            scroll={{ x: 1000 }}
            locale={{ emptyText: Object.values(filters).some(Boolean) ? '没有符合条件的案件' : '暂无案件' }}
            onRow={(c) => ({ onDoubleClick: () => navigate(`/cases/${c.id}`) })}
          />
          <div className="pager">
            <Typography.Text type="secondary">
              第 {pageIndex + 1} 页{data?.total !== undefined ? `，共 ${data.total} 件` : ''}
            </Typography.Text>
            <Space>
              <Select
                value={limit}
                onChange={(v) => {
                  setLimit(v);
                  setCursors([null]);
                }}
                options={[10, 20, 50, 100].map((n) => ({ value: n, label: `每页 ${n} 件` }))}
                style={{ width: 120 }}
                aria-label="每页件数"
                id="case-page-size"
              />
              <Button disabled={pageIndex === 0 || loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
                上一页
              </Button>
              <Button disabled={!data?.nextCursor || loading} onClick={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor])}>
                下一页
              </Button>
            </Space>
          </div>
        </Card>
      )}
    </>
  );
}
