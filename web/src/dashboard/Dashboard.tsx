import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Collapse, DatePicker, Descriptions, Empty, Form, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { download, errorText } from '../api/client';
import type { Labels, Rate } from '../api/types';
import { canReadCases, useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { formatDate, formatPercent } from '../lib/format';
import { useApi } from '../lib/useApi';
import { districtChoices } from '../lib/vocab';
import { useWorkflow } from '../workflow/WorkflowContext';
import { EChart } from './EChart';

/**
 * 统计看板: the three headline rates with their numerators, denominators and definitions
 * (GET /stats/kpis), the other figures, cases by state and by district, the overdue list
 * (GET /stats/overdue), the CSV export (GET /stats/kpis.csv), and what every figure counts
 * (GET /stats/kpis/definitions), shown in Chinese (zh).
 */

type RateWithApart = Rate & { reportedApart?: Record<string, unknown>; mean?: number | null };

interface Kpis {
  [key: string]: unknown;
  cases?: { received: number; open: number; closed: number; overdue: number };
  casesByState?: { state: string; label: Labels; count: number }[];
  casesByDistrict?: { district: string; count: number }[];
  generatedAt?: string;
}

interface Overdue {
  total: number;
  summary: { district: string; rule: string; label: Labels; count: number }[];
  items: { caseId: string; caseNo: string | null; title: string; district: string; state: string; stateLabel: Labels; deadlineId: string; rule: string; label: Labels; dueAt: string; daysOverdue: number }[];
  nextCursor: string | null;
}

interface DefinitionTexts {
  cohort: string;
  numerator: string;
  denominator: string;
  excluded: string;
  reportedApart: string;
}

interface Definition extends Partial<DefinitionTexts> {
  key: string;
  kind: 'ratio' | 'money' | 'days';
  labels: Labels;
  /** The same texts in Chinese; the English ones are shown only when it is missing. */
  zh?: Partial<DefinitionTexts>;
}

const definitionParts: { field: keyof DefinitionTexts; label: string }[] = [
  { field: 'cohort', label: '统计对象' },
  { field: 'numerator', label: '分子' },
  { field: 'denominator', label: '分母' },
  { field: 'excluded', label: '不计入' },
  { field: 'reportedApart', label: '另行列示' },
];

/** A definition's texts, each in Chinese when the server gives it, else in English. */
const definitionText = (d: Definition, field: keyof DefinitionTexts): string => d.zh?.[field] || d[field] || '—';

function DefinitionDetails({ d }: { d: Definition }) {
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      data-definition={d.key}
      styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
      items={definitionParts.map((p) => ({ key: p.field, label: p.label, children: <span data-part={p.field}>{definitionText(d, p.field)}</span> }))}
    />
  );
}

const sum = (o: unknown) => (o && typeof o === 'object' ? Object.values(o as Record<string, number>).reduce((s, v) => s + (typeof v === 'number' ? v : 0), 0) : 0);

const headline: { key: string; title: string; definition: string; apart: (a: Record<string, unknown>) => string }[] = [
  {
    key: 'initiationRate',
    title: '启动率',
    definition: '分子：统计期内经初步核查确认存在损害的线索中已启动索赔（立案）的件数；分母：上述线索扣除依法决定不启动、启动前终止的件数。',
    apart: (a) => `另行统计：依法不启动 ${sum(a.notStartedByReason)} 件，启动前终止 ${a.terminatedBeforeStart ?? 0} 件；其中待决定 ${a.pendingDecision ?? 0} 件`,
  },
  {
    key: 'closureRate',
    title: '结案率',
    definition: '分子：统计期内立案的案件中已结案归档或诉讼请求被驳回的件数；分母：统计期内立案的案件扣除终止索赔的件数。',
    apart: (a) => `另行统计：终止 ${sum(a.terminatedByReason)} 件，期内不启动 ${a.notStartedInPeriod ?? 0} 件；尚在办理 ${a.stillOpen ?? 0} 件`,
  },
  {
    key: 'restorationRate',
    title: '修复率',
    definition: '分子：统计期内立案且负有修复或替代性修复义务的案件中，修复已完成（评估通过或免于评估，资金全部分配且项目验收）的件数；分母：负有上述义务的案件扣除终止的件数。提存未分配的计为未修复。',
    apart: (a) => `其中提存资金尚未分配 ${a.escrowUnallocated ?? 0} 件；有修复义务但终止 ${a.terminatedWithDuty ?? 0} 件`,
  },
];

const unit = (kind: Definition['kind']) => (kind === 'money' ? '元' : kind === 'days' ? '天' : '件');

function asRate(x: unknown): RateWithApart | null {
  if (!x || typeof x !== 'object') return null;
  const r = x as Record<string, unknown>;
  return typeof r.numerator === 'number' && typeof r.denominator === 'number' ? (x as RateWithApart) : null;
}

export default function Dashboard() {
  const me = useMe();
  const wf = useWorkflow();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [district, setDistrict] = useState<string | undefined>(undefined);
  const query = useMemo(() => ({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD'), district }), [range, district]);
  const kpis = useApi<Kpis>('/stats/kpis', query);
  const overdue = useApi<Overdue>('/stats/overdue', { district, limit: 100 });
  const definitions = useApi<{ items: Definition[] }>('/stats/kpis/definitions');
  const readsCases = canReadCases(me);

  const byState = (kpis.data?.casesByState ?? []).filter((s) => s.count > 0).map((s) => ({ name: s.label?.zh ?? wf.stateLabel(s.state), value: s.count }));
  const byDistrict = (kpis.data?.casesByDistrict ?? []).filter((d) => d.count > 0);

  const stateOption = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' },
      legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
      series: [{ type: 'pie', radius: ['38%', '68%'], center: ['36%', '50%'], data: byState, label: { formatter: '{b}\n{c} 件' } }],
    }),
    [JSON.stringify(byState)],
  );
  const districtOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 40, right: 16, top: 28, bottom: 56 },
      xAxis: { type: 'category', data: byDistrict.map((d) => d.district), axisLabel: { interval: 0, rotate: byDistrict.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', name: '件', minInterval: 1 },
      series: [{ type: 'bar', data: byDistrict.map((d) => d.count), itemStyle: { color: '#1d5fa8' }, barMaxWidth: 36, label: { show: true, position: 'top' } }],
    }),
    [JSON.stringify(byDistrict)],
  );

  const others = (definitions.data?.items ?? [])
    .filter((d) => !headline.some((h) => h.key === d.key))
    .map((d) => ({ ...d, rate: asRate(kpis.data?.[d.key]) }))
    .filter((d) => d.rate);

  const reload = () => {
    kpis.reload();
    overdue.reload();
  };

  return (
    <>
      <PageHeader
        title="统计看板"
        subTitle={kpis.data?.generatedAt ? `数据生成于 ${formatDate(kpis.data.generatedAt)}` : undefined}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              data-testid="download-csv"
              onClick={() => {
                const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]).toString();
                download(`/stats/kpis.csv${q ? `?${q}` : ''}`, `生态环境损害赔偿统计指标${query.from ? `_${query.from}` : ''}${query.to ? `至${query.to}` : ''}.csv`).catch((e) =>
                  message.error(errorText(e)),
                );
              }}
            >
              导出 CSV
            </Button>
          </>
        }
      />
      <Card size="small" className="filter-card">
        <Form layout="inline" className="filter-form">
          <Form.Item label="统计期间" htmlFor="stats-range" tooltip="按各指标的统计口径确定的日期（如立案日期）筛选">
            <DatePicker.RangePicker id={{ start: 'stats-range' }} value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} format="YYYY年M月D日" allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item label="辖区" htmlFor="stats-district">
            <Select id="stats-district" allowClear placeholder="全部辖区" style={{ width: 150 }} value={district} onChange={setDistrict} options={districtChoices(me.districts).map((d) => ({ value: d, label: d }))} />
          </Form.Item>
          {kpis.data?.cases && (
            <Form.Item>
              <Space size="large">
                <span>受理线索 {kpis.data.cases.received} 件</span>
                <span>在办 {kpis.data.cases.open} 件</span>
                <span>已结案 {kpis.data.cases.closed} 件</span>
                <span className={kpis.data.cases.overdue ? 'text-overdue' : undefined}>逾期 {kpis.data.cases.overdue} 件</span>
              </Space>
            </Form.Item>
          )}
        </Form>
      </Card>
      {kpis.error ? (
        <LoadError error={kpis.error} onRetry={kpis.reload} what="统计指标" />
      ) : (
        <Row gutter={12} className="section-card" data-testid="kpis">
          {headline.map((h) => {
            const r = asRate(kpis.data?.[h.key]);
            return (
              <Col span={8} key={h.key}>
                <Card className="kpi-card" loading={kpis.loading && !kpis.data} data-kpi={h.key} style={{ height: '100%' }}>
                  <Statistic title={h.title} value={r ? formatPercent(r.value) : '—'} valueStyle={{ color: '#1d5fa8', fontSize: 32 }} />
                  <div className="kpi-fraction">
                    {r ? (
                      <>
                        分子 <b data-part="numerator">{r.numerator}</b> 件 / 分母 <b data-part="denominator">{r.denominator}</b> 件
                      </>
                    ) : (
                      '暂无数据'
                    )}
                  </div>
                  <div className="kpi-definition">{h.definition}</div>
                  {r?.reportedApart && <div className="kpi-definition">{h.apart(r.reportedApart)}</div>}
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
      <Row gutter={12}>
        <Col span={12}>
          <Card size="small" title="案件办理状态分布" className="section-card">
            {byState.length ? <EChart option={stateOption} testId="chart-state" /> : <Empty description={kpis.loading ? '正在载入…' : '暂无案件'} />}
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title="各辖区案件数" className="section-card">
            {byDistrict.length ? <EChart option={districtOption} testId="chart-district" /> : <Empty description={kpis.loading ? '正在载入…' : '暂无案件'} />}
          </Card>
        </Col>
      </Row>
      <Card size="small" title={`逾期事项${overdue.data ? `（${overdue.data.total} 项）` : ''}`} className="section-card" data-testid="overdue">
        {overdue.error ? (
          <LoadError error={overdue.error} onRetry={overdue.reload} what="逾期事项" />
        ) : (
          <>
            {overdue.data && overdue.data.summary.length > 0 && (
              <Space wrap style={{ marginBottom: 8 }}>
                {overdue.data.summary.map((s) => (
                  <Tag key={`${s.district}:${s.rule}`} color="red">
                    {s.district} · {s.label.zh}：{s.count} 项
                  </Tag>
                ))}
              </Space>
            )}
            <Table
              rowKey="deadlineId"
              size="small"
              loading={overdue.loading}
              dataSource={overdue.data?.items ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: '没有逾期事项' }}
              columns={[
                {
                  title: '案件',
                  dataIndex: 'title',
                  render: (t: string, r: Overdue['items'][number]) => (readsCases ? <Link to={`/cases/${r.caseId}`}>{`${r.caseNo ?? ''} ${t}`}</Link> : `${r.caseNo ?? ''} ${t}`),
                },
                { title: '辖区', dataIndex: 'district', width: 110 },
                { title: '办理状态', dataIndex: 'stateLabel', width: 170, render: (l: Labels, r: Overdue['items'][number]) => l?.zh ?? wf.stateLabel(r.state) },
                { title: '期限', dataIndex: 'label', render: (l: Labels, r: Overdue['items'][number]) => l?.zh ?? wf.ruleLabel(r.rule) },
                { title: '截止日期', dataIndex: 'dueAt', width: 140, render: (v: string) => <span className="text-overdue">{formatDate(v)}</span> },
                { title: '逾期', dataIndex: 'daysOverdue', width: 90, render: (v: number) => <Tag color="red">{v} 天</Tag> },
              ]}
            />
          </>
        )}
      </Card>
      {others.length > 0 && (
        <Card size="small" title="其他指标" className="section-card" data-testid="other-kpis">
          <Table
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={others}
            columns={[
              { title: '指标', dataIndex: 'labels', render: (l: Labels) => l.zh },
              {
                title: '数值',
                key: 'value',
                render: (_: unknown, d: (typeof others)[number]) => (d.kind === 'days' ? (d.rate!.value === null ? '—' : `中位数 ${d.rate!.value} 天`) : formatPercent(d.rate!.value)),
              },
              {
                title: '分子 / 分母',
                key: 'fraction',
                render: (_: unknown, d: (typeof others)[number]) =>
                  d.kind === 'money'
                    ? `${(d.rate!.numerator / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元 / ${(d.rate!.denominator / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })} 元`
                    : d.kind === 'days'
                      ? `合计 ${d.rate!.numerator} 天 / ${d.rate!.denominator} 件`
                      : `${d.rate!.numerator} ${unit(d.kind)} / ${d.rate!.denominator} ${unit(d.kind)}`,
              },
            ]}
          />
          <Typography.Text type="secondary">各项指标的统计口径见下方“统计口径”，亦可通过接口 /api/v1/stats/kpis/definitions 获取。</Typography.Text>
        </Card>
      )}
      {definitions.error ? (
        <Card size="small" title="统计口径" className="section-card">
          <LoadError error={definitions.error} onRetry={definitions.reload} what="统计口径" />
        </Card>
      ) : (
        (definitions.data?.items.length ?? 0) > 0 && (
          <Card size="small" title="统计口径" className="section-card" data-testid="kpi-definitions">
            <Collapse
              size="small"
              items={definitions.data!.items.map((d) => ({
                key: d.key,
                label: d.labels.zh,
                children: <DefinitionDetails d={d} />,
              }))}
            />
          </Card>
        )
      )}
    </>
  );
}
