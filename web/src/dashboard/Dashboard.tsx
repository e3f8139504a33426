import { useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Empty, Form, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { api, download, errorText } from '../api/client';
import type { CaseSummary, Page, Rate } from '../api/types';
import { canReadCases, useMe } from '../auth/AuthContext';
import { LoadError, PageHeader } from '../components/common';
import { daysLeft, formatDate, formatPercent } from '../lib/format';
import { isMissing, useApi } from '../lib/useApi';
import { districtChoices } from '../lib/vocab';
import { useWorkflow } from '../workflow/WorkflowContext';
import { EChart } from './EChart';

/**
 * 统计看板: the three headline rates with their numerators, denominators and definitions
 * (GET /stats/kpis), cases by state and by district, the overdue list, and the CSV export.
 */

const headline: { key: string; title: string; definition: string }[] = [
  { key: 'initiationRate', title: '启动率', definition: '启动索赔（立案）的案件数 ÷（确认存在损害的线索数 − 依法决定不启动的线索数）' },
  { key: 'closureRate', title: '结案率', definition: '结案的案件数 ÷ 同期立案的案件数（终止、不启动另行统计）' },
  { key: 'restorationRate', title: '修复率', definition: '修复已验收、评估通过或免于评估的案件数 ÷ 负有修复或替代性修复义务的案件数（提存未分配计为未修复）' },
];

type Kpis = Record<string, unknown>;

function asRate(x: unknown): (Rate & { definition?: string; labels?: { zh: string } }) | null {
  if (!x || typeof x !== 'object') return null;
  const r = x as Record<string, unknown>;
  if (typeof r.numerator !== 'number' || typeof r.denominator !== 'number') return null;
  return x as Rate;
}

/** [label, count] pairs from a map or a list of { key/state/district/name, count/cases/value } rows. */
function toPairs(x: unknown, keyNames: string[]): [string, number][] | null {
  if (!x) return null;
  if (Array.isArray(x)) {
    return x
      .map((row) => {
        const r = row as Record<string, unknown>;
        const key = keyNames.map((k) => r[k]).find((v) => typeof v === 'string') as string | undefined;
        const count = ['count', 'cases', 'total', 'value', 'open'].map((k) => r[k]).find((v) => typeof v === 'number') as number | undefined;
        return key !== undefined && count !== undefined ? ([key, count] as [string, number]) : null;
      })
      .filter((p): p is [string, number] => p !== null);
  }
  if (typeof x === 'object') {
    return Object.entries(x as Record<string, unknown>)
      .map(([k, v]) => [k, typeof v === 'number' ? v : typeof v === 'object' && v && typeof (v as { count?: number }).count === 'number' ? (v as { count: number }).count : NaN] as [string, number])
      .filter(([, v]) => !Number.isNaN(v));
  }
  return null;
}

function findDistribution(k: Kpis | undefined, names: string[], keyNames: string[]): [string, number][] | null {
  if (!k) return null;
  for (const n of names) {
    const p = toPairs(k[n], keyNames);
    if (p && p.length) return p;
  }
  return null;
}

/** Counts through the case list (count=true), for when the statistics do not carry the distribution. */
function useCaseCounts(enabled: boolean, dimension: 'state' | 'district', values: string[], base: Record<string, string | undefined>) {
  const [counts, setCounts] = useState<[string, number][] | null>(null);
  const key = JSON.stringify([enabled, dimension, values, base]);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    Promise.all(
      values.map((v) =>
        api<Page<CaseSummary>>('/cases', { query: { ...base, [dimension]: v, limit: 1, count: true } }).then(
          (p) => [v, p.total ?? p.items.length] as [string, number],
          () => [v, 0] as [string, number],
        ),
      ),
    ).then((pairs) => {
      if (!cancelled) setCounts(pairs);
    });
    return () => {
      cancelled = true;
    };
  }, [key]);
  return counts;
}

interface OverdueRow {
  caseId: string;
  caseNo?: string | null;
  title?: string;
  district: string;
  rule?: string;
  label?: { zh: string };
  dueAt?: string | null;
  daysOverdue?: number;
}

function overdueRows(x: unknown): OverdueRow[] | null {
  if (!x || typeof x !== 'object') return null;
  const items = (x as { items?: unknown }).items ?? (x as { cases?: unknown }).cases ?? (x as { deadlines?: unknown }).deadlines;
  if (!Array.isArray(items)) return null;
  return items.filter((r): r is OverdueRow => !!r && typeof r === 'object' && typeof (r as OverdueRow).caseId === 'string');
}

export default function Dashboard() {
  const me = useMe();
  const wf = useWorkflow();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [district, setDistrict] = useState<string | undefined>(undefined);
  const query = useMemo(
    () => ({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD'), district }),
    [range, district],
  );
  const kpis = useApi<Kpis>('/stats/kpis', query);
  const overdue = useApi<unknown>('/stats/overdue', { district });
  const readsCases = canReadCases(me);
  const byStateFromStats = findDistribution(kpis.data, ['casesByState', 'byState', 'states'], ['state', 'key', 'name', 'top']);
  const byDistrictFromStats = findDistribution(kpis.data, ['casesByDistrict', 'byDistrict', 'districts'], ['district', 'key', 'name']);
  const stateCounts = useCaseCounts(readsCases && !byStateFromStats && !kpis.loading, 'state', wf.topStates.map((s) => s.value), { district });
  const districtCounts = useCaseCounts(readsCases && !byDistrictFromStats && !kpis.loading, 'district', district ? [district] : districtChoices(me.districts), {});
  const overdueFallback = useApi<Page<CaseSummary>>(readsCases && (overdue.error || (overdue.data && !overdueRows(overdue.data))) ? '/cases' : null, {
    overdue: true,
    limit: 50,
    district,
  });

  const byState = (byStateFromStats ?? stateCounts ?? []).map(([k, v]) => [wf.stateLabel(k), v] as [string, number]).filter(([, v]) => v > 0);
  const byDistrict = (byDistrictFromStats ?? districtCounts ?? []).filter(([, v]) => v > 0);

  const stateOption = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' },
      legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
      series: [{ type: 'pie', radius: ['38%', '68%'], center: ['38%', '50%'], data: byState.map(([name, value]) => ({ name, value })), label: { formatter: '{b}\n{c} 件' } }],
    }),
    [JSON.stringify(byState)],
  );
  const districtOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 40, right: 16, top: 24, bottom: 56 },
      xAxis: { type: 'category', data: byDistrict.map(([k]) => k), axisLabel: { interval: 0, rotate: byDistrict.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', name: '件', minInterval: 1 },
      series: [{ type: 'bar', data: byDistrict.map(([, v]) => v), itemStyle: { color: '#1d5fa8' }, barMaxWidth: 36, label: { show: true, position: 'top' } }],
    }),
    [JSON.stringify(byDistrict)],
  );

  const rows = overdueRows(overdue.data);

  return (
    <>
      <PageHeader
        title="统计看板"
        extra={
          <>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                kpis.reload();
                overdue.reload();
              }}
            >
              刷新
            </Button>
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              onClick={() => {
                const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]).toString();
                download(`/stats/kpis.csv${q ? `?${q}` : ''}`, `生态环境损害赔偿统计指标${query.from ?? ''}${query.to ? `至${query.to}` : ''}.csv`).catch((e) => message.error(errorText(e)));
              }}
              data-testid="download-csv"
            >
              导出 CSV
            </Button>
          </>
        }
      />
      <Card size="small" className="filter-card">
        <Form layout="inline" className="filter-form">
          <Form.Item label="统计期间（立案日期）" htmlFor="stats-range">
            <DatePicker.RangePicker id={{ start: 'stats-range' }} value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} format="YYYY年M月D日" allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item label="辖区" htmlFor="stats-district">
            <Select id="stats-district" allowClear placeholder="全部辖区" style={{ width: 150 }} value={district} onChange={setDistrict} options={districtChoices(me.districts).map((d) => ({ value: d, label: d }))} />
          </Form.Item>
        </Form>
      </Card>
      {kpis.error && !isMissing(kpis.error) ? (
        <LoadError error={kpis.error} onRetry={kpis.reload} what="统计指标" />
      ) : (
        <Row gutter={12} className="section-card" data-testid="kpis">
          {headline.map((h) => {
            const r = asRate(kpis.data?.[h.key]);
            return (
              <Col span={8} key={h.key}>
                <Card className="kpi-card" loading={kpis.loading && !kpis.data} data-kpi={h.key}>
                  <Statistic title={h.title} value={r ? formatPercent(r.value) : '—'} valueStyle={{ color: '#1d5fa8', fontSize: 32 }} />
                  <div className="kpi-fraction" data-testid={`${h.key}-fraction`}>
                    {r ? (
                      <>
                        分子 <b data-part="numerator">{r.numerator}</b> / 分母 <b data-part="denominator">{r.denominator}</b>
                      </>
                    ) : isMissing(kpis.error) ? (
                      '统计接口暂未开放'
                    ) : (
                      '暂无数据'
                    )}
                  </div>
                  <div className="kpi-definition">{typeof r?.definition === 'string' ? r.definition : h.definition}</div>
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
      <Row gutter={12}>
        <Col span={12}>
          <Card size="small" title="案件办理状态分布" className="section-card">
            {byState.length ? <EChart option={stateOption} testId="chart-state" /> : <Empty description={readsCases || byStateFromStats ? '暂无案件' : '暂无数据'} />}
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title="各辖区案件数" className="section-card">
            {byDistrict.length ? <EChart option={districtOption} testId="chart-district" /> : <Empty description="暂无数据" />}
          </Card>
        </Col>
      </Row>
      <Card size="small" title="逾期事项" className="section-card" data-testid="overdue">
        {rows ? (
          <Table<OverdueRow>
            rowKey={(r) => `${r.caseId}:${r.rule ?? ''}`}
            size="small"
            dataSource={rows}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: '没有逾期事项' }}
            columns={[
              { title: '案件', dataIndex: 'title', render: (t: string | undefined, r) => (readsCases ? <Link to={`/cases/${r.caseId}`}>{`${r.caseNo ?? ''} ${t ?? r.caseId}`}</Link> : `${r.caseNo ?? ''} ${t ?? ''}`) },
              { title: '辖区', dataIndex: 'district', width: 110 },
              { title: '期限', dataIndex: 'rule', render: (rule: string | undefined, r) => r.label?.zh ?? (rule ? wf.ruleLabel(rule) : '—') },
              { title: '截止日期', dataIndex: 'dueAt', render: (v?: string | null) => <span className="text-overdue">{formatDate(v)}</span> },
              {
                title: '逾期天数',
                key: 'days',
                render: (_: unknown, r) => <Tag color="red">{r.daysOverdue ?? (r.dueAt ? -daysLeft(r.dueAt) : '—')} 天</Tag>,
              },
            ]}
          />
        ) : overdueFallback.data ? (
          <Table<CaseSummary>
            rowKey="id"
            size="small"
            dataSource={overdueFallback.data.items}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: '没有逾期事项' }}
            columns={[
              { title: '案件', dataIndex: 'title', render: (t: string, c) => <Link to={`/cases/${c.id}`}>{`${c.caseNo ?? ''} ${t}`}</Link> },
              { title: '辖区', dataIndex: 'district', width: 110 },
              { title: '办理状态', dataIndex: 'state', render: (s: string) => wf.stateLabel(s) },
              { title: '最近期限', dataIndex: 'nextDueAt', render: (v: string | null) => <span className="text-overdue">{formatDate(v)}</span> },
            ]}
          />
        ) : overdue.error ? (
          <LoadError error={overdue.error} onRetry={overdue.reload} what="逾期事项" />
        ) : (
          <Typography.Text type="secondary">正在载入…</Typography.Text>
        )}
      </Card>
    </>
  );
}
