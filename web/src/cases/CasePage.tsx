import { useState } from 'react';
import { Button, Card, Col, Descriptions, Empty, Row, Skeleton, Space, Table, Tabs, Tag, Timeline, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useParams } from 'react-router-dom';
import type { CaseView, Deadline, HistoryItem, Obligation } from '../api/types';
import { LoadError, PageHeader } from '../components/common';
import { daysLeft, formatDate, formatDateTime, formatYuan } from '../lib/format';
import { useApi } from '../lib/useApi';
import { zh } from '../lib/vocab';
import { describePayload } from '../workflow/fieldLabels';
import { StateDiagram } from '../workflow/StateDiagram';
import { useWorkflow } from '../workflow/WorkflowContext';
import { EventDialog } from './EventDialog';
import { StateTag } from './CaseList';
import { CaseMatching } from '../projects/CaseMatching';
import { useMe } from '../auth/AuthContext';

/** Events that change the course of a case rather than advance it: shown apart, after the others. */
const sideEvents = ['MARKED_MAJOR', 'COLLECTIVE_REVIEW_RECORDED', 'DEADLINE_EXTENDED', 'SUSPENDED', 'TERMINATED'];

export function DeadlineList({ deadlines }: { deadlines: Deadline[] }) {
  if (!deadlines.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无办理期限" />;
  const order = { open: 0, missed: 1, met: 2, cancelled: 3 } as const;
  const sorted = [...deadlines].sort((a, b) => order[a.status] - order[b.status] || a.dueAt.localeCompare(b.dueAt));
  return (
    <ul className="deadline-list" data-testid="deadlines">
      {sorted.map((d) => {
        const left = daysLeft(d.dueAt);
        const live = d.status === 'open';
        // A not-before date (the court's notice period) is a floor, never overdue.
        const overdue = !d.notBefore && (d.overdue || (live && left < 0));
        return (
          <li key={d.id} className={overdue ? 'deadline overdue' : 'deadline'} data-rule={d.rule} data-overdue={overdue ? 'true' : 'false'}>
            <div className="deadline-title">
              <span>{d.label.zh}</span>
              <Tag color={overdue ? 'red' : live ? 'blue' : d.metLate ? 'orange' : d.status === 'met' ? 'green' : 'default'}>
                {overdue ? '已逾期' : d.metLate ? '逾期后办结' : d.notBefore && live ? (left >= 0 ? '公告中' : '已届满') : zh('deadlineStatuses', d.status)}
              </Tag>
            </div>
            <div className="deadline-meta">
              {d.notBefore ? `不早于 ${formatDate(d.dueAt)} 后裁定` : `截止 ${formatDate(d.dueAt)}`}
              {live && !d.notBefore && (
                <span className={overdue ? 'text-overdue deadline-left' : 'deadline-left'}>
                  {left >= 0 ? `剩余 ${left} 天` : `已逾期 ${-left} 天`}
                </span>
              )}
              {d.extensions.length > 0 && (
                <Tooltip title={d.extensions.map((e) => `${formatDate(e.from)} → ${formatDate(e.to)}：${e.reason}`).join('；')}>
                  <Tag>已延长 {d.extensions.length} 次</Tag>
                </Tooltip>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function ObligationTable({ c }: { c: CaseView }) {
  const party = (id?: string) => c.parties.find((p) => p.id === id)?.name ?? id ?? '—';
  return (
    <Table<Obligation>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={c.obligations}
      locale={{ emptyText: '尚未设定赔偿义务（磋商达成一致或裁判生效后产生）' }}
      columns={[
        { title: '编号', dataIndex: 'id', width: 70 },
        { title: '义务类型', dataIndex: 'kind', render: (k: string) => zh('obligationKinds', k) },
        { title: '义务人', dataIndex: 'partyId', render: (p?: string) => party(p) },
        {
          title: '金额 / 数量',
          key: 'amount',
          align: 'right',
          render: (_: unknown, o) => (o.amountFen !== undefined ? formatYuan(o.amountFen) : o.quantity ? `${o.quantity.value} ${o.quantity.unit}` : '—'),
        },
        { title: '履行期限', dataIndex: 'dueDate', render: (d?: string) => formatDate(d) },
        {
          title: '状态',
          dataIndex: 'status',
          render: (s: string) => <Tag color={s === 'performed' ? 'green' : s === 'defaulted' ? 'red' : s === 'in_progress' ? 'blue' : 'default'}>{zh('obligationStatuses', s)}</Tag>,
        },
        { title: '已提存', dataIndex: 'depositedFen', align: 'right', render: (v?: number) => (v ? formatYuan(v) : '—') },
        { title: '已分配至修复项目', dataIndex: 'allocatedFen', align: 'right', render: (v?: number) => (v === undefined ? '—' : formatYuan(v)) },
      ]}
    />
  );
}

export function CaseTimeline({ c, items }: { c: CaseView; items: HistoryItem[] }) {
  const wf = useWorkflow();
  const obligation = (id: string) => {
    const o = c.obligations.find((x) => x.id === id);
    return o ? `${id} ${zh('obligationKinds', o.kind)}` : id;
  };
  const party = (id: string) => c.parties.find((p) => p.id === id)?.name ?? id;
  return (
    <Timeline
      data-testid="timeline"
      items={[...items].reverse().map((h) => {
        const lines = describePayload(h.type, h.payload, { date: formatDate, money: formatYuan, obligation, party });
        const moved = h.from && h.from !== h.to;
        return {
          color: h.to === 'closed' ? 'gray' : moved ? 'blue' : 'green',
          children: (
            <div className="timeline-entry" data-type={h.type}>
              <div>
                <Typography.Text strong>{wf.eventLabel(h.type)}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {formatDate(h.at)} · {zh('roles', h.actor.role)}
                </Typography.Text>
              </div>
              {moved && (
                <div className="timeline-move">
                  {wf.stateLabel(h.from)} → {wf.stateLabel(h.to)}
                </div>
              )}
              {lines.length > 0 && (
                <div className="timeline-payload">
                  {lines.map((l) => (
                    <div key={l.label}>
                      <span className="timeline-key">{l.label}：</span>
                      {l.text}
                    </div>
                  ))}
                </div>
              )}
              <Typography.Text type="secondary" className="timeline-recorded">
                第 {h.seq} 条 · 记录于 {formatDateTime(h.recordedAt ?? h.at)}
              </Typography.Text>
            </div>
          ),
        };
      })}
    />
  );
}

function Summary({ c }: { c: CaseView }) {
  const wf = useWorkflow();
  return (
    <Descriptions size="small" column={{ xs: 1, md: 2, xxl: 3 }} bordered data-testid="case-summary" styles={{ label: { whiteSpace: 'nowrap' } }}>
      <Descriptions.Item label="案件编号">{c.caseNo ?? '（立案后编号）'}</Descriptions.Item>
      <Descriptions.Item label="辖区">{c.district}</Descriptions.Item>
      <Descriptions.Item label="线索来源">{zh('channels', c.channel)}</Descriptions.Item>
      <Descriptions.Item label="办理状态">
        <StateTag state={c.state} label={c.stateLabel?.zh ?? wf.stateLabel(c.state)} />
        {c.outcome && <Tag>{zh('outcomes', c.outcome)}</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label="受理日期">{formatDate(c.receivedAt)}</Descriptions.Item>
      <Descriptions.Item label="立案日期">{formatDate(c.openedAt)}</Descriptions.Item>
      <Descriptions.Item label="地点">{c.place ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="受损环境要素">{c.damageMedia.length ? c.damageMedia.map((m) => zh('media', m)).join('、') : '—'}</Descriptions.Item>
      <Descriptions.Item label="生态保护红线">{c.redLine ? <Tag color="red">红线内</Tag> : '否'}</Descriptions.Item>
      <Descriptions.Item label="当事人" span="filled">
        {c.parties.length ? c.parties.map((p) => `${p.name}（${zh('partyKinds', p.kind)}）`).join('；') : '—'}
      </Descriptions.Item>
      <Descriptions.Item label="评估损害数额">{c.assessment?.amountFen !== undefined ? formatYuan(c.assessment.amountFen) : '—'}</Descriptions.Item>
      <Descriptions.Item label="赔偿责任">{zh('liabilityStatuses', c.liabilityStatus)}</Descriptions.Item>
      <Descriptions.Item label="生态修复">{zh('restorationStatuses', c.restorationStatus)}</Descriptions.Item>
      {c.consultation && c.state.startsWith('consultation') && (
        <Descriptions.Item label="磋商会议">
          已召开 {c.consultation.meetingsHeld} 次（上限 {c.consultation.meetingLimit} 次）
        </Descriptions.Item>
      )}
      {c.description && (
        <Descriptions.Item label="线索描述" span="filled">
          {c.description}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** 案件详情: summary, actions, deadlines, statechart, obligations, timeline, and restoration matching. */
export default function CasePage() {
  const { id } = useParams();
  const me = useMe();
  const wf = useWorkflow();
  const caseReq = useApi<CaseView>(`/cases/${id}`);
  const historyReq = useApi<{ items: HistoryItem[] }>(`/cases/${id}/history`);
  const [dialog, setDialog] = useState<string | null>(null);
  const [tab, setTab] = useState('diagram');
  const c = caseReq.data;

  const reload = () => {
    caseReq.reload();
    historyReq.reload();
  };

  if (caseReq.error && !c) return <LoadError error={caseReq.error} onRetry={caseReq.reload} what="案件" />;
  if (!c) return <Skeleton active paragraph={{ rows: 12 }} />;

  const main = c.allowedEvents.filter((t) => !sideEvents.includes(t));
  const side = c.allowedEvents.filter((t) => sideEvents.includes(t));
  const visited = (historyReq.data?.items ?? []).flatMap((h) => [h.from, h.to]).filter((p): p is string => !!p);
  const hasAllocatable = c.obligations.some((o) => o.kind === 'substitute_restoration' || o.kind === 'escrow');

  return (
    <>
      <PageHeader
        back="/cases"
        title={c.title}
        subTitle={c.caseNo ?? undefined}
        tags={
          <Space size={4}>
            <StateTag state={c.state} label={c.stateLabel?.zh ?? wf.stateLabel(c.state)} />
            {c.major && <Tag color="volcano">重大案件</Tag>}
            {c.overdue && <Tag color="red">逾期</Tag>}
          </Space>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} loading={caseReq.loading}>
            刷新
          </Button>
        }
      />
      <Card size="small" title="可办理事项" className="actions-card" data-testid="case-actions">
        {c.allowedEvents.length === 0 ? (
          <Typography.Text type="secondary">{c.state === 'closed' ? '案件已结案，无待办事项。' : '您的角色在本阶段没有可办理的事项。'}</Typography.Text>
        ) : (
          <Space wrap>
            {main.map((t) => (
              <Button key={t} type="primary" onClick={() => setDialog(t)} data-event={t}>
                {wf.eventLabel(t)}
              </Button>
            ))}
            {side.map((t) => (
              <Button key={t} danger={t === 'TERMINATED'} onClick={() => setDialog(t)} data-event={t}>
                {wf.eventLabel(t)}
              </Button>
            ))}
          </Space>
        )}
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" title="案件概况" className="section-card">
            <Summary c={c} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title="办理期限" className="section-card">
            <DeadlineList deadlines={c.deadlines} />
          </Card>
        </Col>
      </Row>
      <Card size="small" className="section-card">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'diagram', label: '流程图', children: <StateDiagram current={c.state} visited={visited} /> },
            {
              key: 'timeline',
              label: `办理记录（${historyReq.data?.items.length ?? '…'}）`,
              children: historyReq.error ? (
                <LoadError error={historyReq.error} onRetry={historyReq.reload} what="办理记录" />
              ) : historyReq.data ? (
                <CaseTimeline c={c} items={historyReq.data.items} />
              ) : (
                <Skeleton active />
              ),
            },
            { key: 'obligations', label: `赔偿义务（${c.obligations.length}）`, children: <ObligationTable c={c} /> },
            ...(hasAllocatable && ['admin', 'handler', 'reviewer'].includes(me.role)
              ? [{ key: 'matching', label: '替代修复匹配', children: <CaseMatching caseView={c} onChanged={reload} /> }]
              : []),
          ]}
        />
      </Card>
      {dialog && (
        <EventDialog
          caseView={c}
          eventType={dialog}
          onClose={() => {
            setDialog(null);
            reload();
          }}
          onDone={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
    </>
  );
}
