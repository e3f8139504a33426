import { useState } from 'react';
import { Button, Card, Col, Form, Row, Select, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { formatDate, formatYuan } from '../lib/format';
import { useApi } from '../lib/useApi';
import { districtChoices, zh } from '../lib/vocab';
import { useWorkflow } from '../workflow/WorkflowContext';

interface DepositRow {
  certificateNo: string;
  notary: string;
  amountFen: number;
  depositedAt: string;
  allocatedFen: number;
  unallocatedFen: number;
  ageDays: number;
  flagged: boolean;
  lapseDate: string;
  daysToLapse: number;
}

interface LedgerObligation {
  obligationId: string;
  kind: string;
  amountFen: number | null;
  depositedFen: number;
  allocatedFen: number;
  releasedFen: number;
  unallocatedFen: number;
  balanceFen: number;
  flagged: boolean;
  oldestUnallocatedAgeDays: number | null;
  earliestLapseDate: string | null;
  deposits: DepositRow[];
  allocations: { id: string; projectId: string; projectName: string | null; amountFen: number; status: string; releasedFen: number }[];
}

interface LedgerCase {
  caseId: string;
  caseNo: string | null;
  title: string;
  district: string;
  state: string;
  depositedFen: number;
  allocatedFen: number;
  releasedFen: number;
  unallocatedFen: number;
  balanceFen: number;
  flagged: boolean;
  obligations: LedgerObligation[];
}

interface Ledger {
  asOf: string;
  flagAfterDays: number;
  totals: { depositedFen: number; allocatedFen: number; releasedFen: number; unallocatedFen: number; balanceFen: number; flaggedCases: number };
  items: LedgerCase[];
  nextCursor: string | null;
}

const money = (v: number | null | undefined) => <span className="money">{formatYuan(v)}</span>;

/** Unallocated escrow money by how long it has waited (the right to collect lapses after 5 years). */
function ageing(items: LedgerCase[]) {
  const buckets = [
    { label: '1年以内', max: 365, fen: 0 },
    { label: '1至2年', max: 730, fen: 0 },
    { label: '2至3年', max: 1095, fen: 0 },
    { label: '3至4年', max: 1460, fen: 0 },
    { label: '4年以上', max: Infinity, fen: 0 },
  ];
  for (const c of items) for (const o of c.obligations) for (const d of o.deposits) if (d.unallocatedFen > 0) buckets.find((b) => d.ageDays < b.max)!.fen += d.unallocatedFen;
  return buckets;
}

function DepositTable({ o }: { o: LedgerObligation }) {
  return (
    <Table<DepositRow>
      rowKey="certificateNo"
      size="small"
      pagination={false}
      dataSource={o.deposits}
      columns={[
        { title: '提存公证书编号', dataIndex: 'certificateNo' },
        { title: '公证机构', dataIndex: 'notary' },
        { title: '提存日期', dataIndex: 'depositedAt', render: (v: string) => formatDate(v) },
        { title: '提存金额', dataIndex: 'amountFen', align: 'right', render: money },
        { title: '已分配', dataIndex: 'allocatedFen', align: 'right', render: money },
        { title: '未分配', dataIndex: 'unallocatedFen', align: 'right', render: money },
        {
          title: '账龄',
          dataIndex: 'ageDays',
          render: (v: number, d) => <span className={d.flagged ? 'text-overdue' : undefined}>{v} 天</span>,
        },
        {
          title: '提取权利届满日',
          dataIndex: 'lapseDate',
          render: (v: string, d) => (
            <Tooltip title="民法典第五百七十四条：债权人领取提存物的权利，自提存之日起五年内不行使而消灭">
              <span className={d.daysToLapse < 365 && d.unallocatedFen > 0 ? 'text-overdue' : undefined}>
                {formatDate(v)}（剩余 {d.daysToLapse} 天）
              </span>
            </Tooltip>
          ),
        },
      ]}
    />
  );
}

/** 提存台账: deposits, allocations, releases, balances and the age of unallocated money. */
export default function EscrowLedger() {
  const me = useMe();
  const wf = useWorkflow();
  const [filters, setFilters] = useState<{ district?: string; flagged?: string }>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const { data, error, loading, reload } = useApi<Ledger>('/escrow', { ...filters, limit: 50, cursor: cursors[page] ?? undefined });
  const buckets = ageing(data?.items ?? []);

  return (
    <>
      <PageHeader
        title="提存台账"
        subTitle={data ? `截至 ${formatDate(data.asOf)}` : undefined}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload}>
            刷新
          </Button>
        }
      />
      {error ? (
        <LoadError error={error} onRetry={reload} what="提存台账" />
      ) : (
        <>
          <Row gutter={12} className="section-card" data-testid="escrow-totals">
            {[
              ['提存总额', data?.totals.depositedFen],
              ['已分配至项目', data?.totals.allocatedFen],
              ['已拨付', data?.totals.releasedFen],
              ['未分配', data?.totals.unallocatedFen],
              ['提存余额', data?.totals.balanceFen],
            ].map(([label, v]) => (
              <Col span={4} key={label as string}>
                <Card size="small" loading={loading && !data}>
                  <Statistic title={label as string} value={v === undefined ? '—' : ((v as number) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} suffix="元" />
                </Card>
              </Col>
            ))}
            <Col span={4}>
              <Card size="small" loading={loading && !data}>
                <Statistic
                  title={`超过 ${data?.flagAfterDays ?? 365} 天未分配`}
                  value={data?.totals.flaggedCases ?? 0}
                  suffix="件"
                  valueStyle={{ color: data?.totals.flaggedCases ? '#cf1322' : undefined }}
                  prefix={data?.totals.flaggedCases ? <WarningOutlined /> : undefined}
                />
              </Card>
            </Col>
          </Row>
          <Card size="small" title="未分配资金账龄" className="section-card" data-testid="escrow-ageing">
            <Space size="large" wrap>
              {buckets.map((b) => (
                <span key={b.label}>
                  <Typography.Text type="secondary">{b.label}：</Typography.Text>
                  <span className={b.max > 1460 && b.fen > 0 ? 'text-overdue money' : 'money'}>{formatYuan(b.fen)}</span>
                </span>
              ))}
            </Space>
          </Card>
          <Card size="small">
            <Form layout="inline" className="filter-form" style={{ marginBottom: 8 }}>
              <Form.Item label="辖区" htmlFor="escrow-district">
                <Select
                  id="escrow-district"
                  allowClear
                  placeholder="全部"
                  style={{ width: 150 }}
                  value={filters.district}
                  onChange={(v?: string) => {
                    setFilters((f) => ({ ...f, district: v }));
                    setCursors([null]);
                  }}
                  options={districtChoices(me.districts).map((d) => ({ value: d, label: d }))}
                />
              </Form.Item>
              <Form.Item label="账龄预警" htmlFor="escrow-flagged">
                <Select
                  id="escrow-flagged"
                  allowClear
                  placeholder="全部"
                  style={{ width: 160 }}
                  value={filters.flagged}
                  onChange={(v?: string) => {
                    setFilters((f) => ({ ...f, flagged: v }));
                    setCursors([null]);
                  }}
                  options={[
                    { value: 'true', label: '仅看超期未分配' },
                    { value: 'false', label: '仅看未超期' },
                  ]}
                />
              </Form.Item>
            </Form>
            <Table<LedgerCase>
              rowKey="caseId"
              size="middle"
              loading={loading}
              dataSource={data?.items ?? []}
              pagination={false}
              scroll={{ x: 1080 }}
              data-testid="escrow-ledger"
              locale={{ emptyText: '暂无提存记录' }}
              expandable={{
                expandedRowRender: (c) => (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {c.obligations.map((o) => (
                      <Card
                        key={o.obligationId}
                        size="small"
                        title={`${o.obligationId} ${zh('obligationKinds', o.kind)}${o.amountFen !== null ? `（应付 ${formatYuan(o.amountFen)}）` : ''}`}
                        extra={o.flagged ? <Tag color="red">超期未分配</Tag> : null}
                      >
                        <DepositTable o={o} />
                        {o.allocations.length > 0 && (
                          <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>
                            分配：
                            {o.allocations.map((a) => (
                              <span key={a.id} style={{ marginRight: 16 }}>
                                <Link to={`/projects/${a.projectId}`}>{a.projectName ?? a.projectId}</Link> {formatYuan(a.amountFen)}（{zh('allocationStatuses', a.status)}
                                ，已拨付 {formatYuan(a.releasedFen)}）
                              </span>
                            ))}
                          </Typography.Paragraph>
                        )}
                      </Card>
                    ))}
                  </Space>
                ),
              }}
              columns={[
                {
                  title: '案件',
                  dataIndex: 'title',
                  ellipsis: true,
                  render: (t: string, c) => (
                    <div className="cell-two-lines">
                      <Link to={`/cases/${c.caseId}`}>{c.caseNo ?? '（未立案）'}</Link>
                      <Typography.Text type="secondary" ellipsis>
                        {t}
                      </Typography.Text>
                    </div>
                  ),
                },
                { title: '辖区', dataIndex: 'district', width: 84 },
                { title: '办理状态', dataIndex: 'state', width: 130, render: (s: string) => wf.stateLabel(s) },
                { title: '提存金额', dataIndex: 'depositedFen', align: 'right', width: 112, render: money },
                { title: '已分配', dataIndex: 'allocatedFen', align: 'right', width: 112, render: money },
                { title: '已拨付', dataIndex: 'releasedFen', align: 'right', width: 112, render: money },
                { title: '未分配', dataIndex: 'unallocatedFen', align: 'right', width: 112, render: money },
                {
                  title: '最长账龄',
                  key: 'age',
                  width: 88,
                  render: (_: unknown, c) => {
                    const ages = c.obligations.map((o) => o.oldestUnallocatedAgeDays).filter((x): x is number => x !== null);
                    if (!ages.length) return '—';
                    return <span className={c.flagged ? 'text-overdue' : undefined}>{Math.max(...ages)} 天</span>;
                  },
                },
                { title: '预警', dataIndex: 'flagged', width: 96, render: (f: boolean) => (f ? <Tag color="red">超期未分配</Tag> : <Tag color="green">正常</Tag>) },
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
        </>
      )}
    </>
  );
}
