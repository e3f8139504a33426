import { useRef, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Popconfirm, Progress, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleTwoTone, ClockCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { api, errorText, newIdempotencyKey } from '../api/client';
import type { Allocation, Me, ScoreReason } from '../api/types';
import { formatDate, formatYuan, yuanToFen } from '../lib/format';
import { zh } from '../lib/vocab';
import { MoneyInput } from '../workflow/SchemaForm';
import { focusFirstField } from '../components/common';

export function ProjectStatusTag({ status, label, expired }: { status: string; label?: string; expired?: boolean }) {
  const color: Record<string, string> = {
    draft: 'default',
    published: 'blue',
    funding: 'cyan',
    funded: 'green',
    in_progress: 'processing',
    completed: 'purple',
    accepted: 'success',
    closed: 'default',
  };
  const tag = <Tag color={color[status] ?? 'default'}>{label ?? zh('projectStatuses', status)}</Tag>;
  if (!expired) return tag;
  // Past its end date while still seeking money: matching no longer offers it.
  return (
    <>
      {tag}
      <Tooltip title="项目结束日期已过，不再参与匹配；如需继续，请修改实施期限">
        <Tag color="red" data-testid="project-expired">已过期</Tag>
      </Tooltip>
    </>
  );
}

export function FundingBar({ budgetFen, fundedFen }: { budgetFen: number; fundedFen: number }) {
  const pct = budgetFen > 0 ? Math.round((fundedFen / budgetFen) * 100) : 0;
  return (
    <Tooltip title={`已落实 ${formatYuan(fundedFen)} / 预算 ${formatYuan(budgetFen)}`}>
      <Progress percent={pct} size="small" status={pct >= 100 ? 'success' : 'normal'} />
    </Tooltip>
  );
}

const factorLabels: Record<string, string> = {
  ecological: '生态要素',
  place: '地域',
  money: '资金',
  timing: '时间',
  interest: '意向',
};

/** The Chinese half of a "中文 / English" note. */
const zhNote = (note?: string) => (note ? note.split(' / ')[0] : '');

export function ScoreReasons({ reasons }: { reasons: ScoreReason[] }) {
  return (
    <ul className="reason-list" data-testid="score-reasons">
      {reasons.map((r) => (
        <li key={r.factor}>
          <Typography.Text strong>{factorLabels[r.factor] ?? r.factor}</Typography.Text>
          {r.value !== undefined && (
            <Typography.Text type="secondary">
              （得分 {Math.round(r.value * 100)}
              {r.weight !== undefined ? `，权重 ${r.weight}` : ''}）
            </Typography.Text>
          )}
          ：{zhNote(r.note)}
        </li>
      ))}
    </ul>
  );
}

export function Score({ score }: { score: number }) {
  const color = score >= 75 ? '#389e0d' : score >= 50 ? '#1d5fa8' : '#d48806';
  return (
    <span style={{ color, fontWeight: 600 }} className="money">
      {score.toFixed(1)} 分
    </span>
  );
}

/** Proposes an allocation of one obligation's money to one project (POST /allocations). */
export function ProposeDialog({
  title,
  caseId,
  obligationId,
  projectId,
  suggestedFen,
  maxHint,
  onClose,
  onDone,
}: {
  title: string;
  caseId: string;
  obligationId: string;
  projectId: string;
  suggestedFen: number;
  maxHint?: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const submit = async () => {
    let v: { amount: number };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api<Allocation>('/allocations', {
        method: 'POST',
        body: { caseId, obligationId, projectId, amountFen: yuanToFen(v.amount) },
        headers: { 'Idempotency-Key': newIdempotencyKey() },
      });
      message.success('已提出分配方案，待案件方和项目方双方确认');
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={title} onCancel={onClose} onOk={submit} okText="提出分配" cancelText="取消" confirmLoading={busy} destroyOnHidden afterOpenChange={(o) => o && focusFirstField(bodyRef.current)}>
      <div ref={bodyRef}>
        <Form form={form} name="propose" layout="vertical" initialValues={{ amount: suggestedFen / 100 }} onFinish={submit}>
          <Form.Item name="amount" label="分配金额" rules={[{ required: true, message: '请填写分配金额' }]} extra={maxHint}>
            <MoneyInput autoFocus />
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary">分配方案需经案件经办人和修复基地管理人双方确认后生效。</Typography.Paragraph>
        {error && <Alert type="error" showIcon role="alert" message={error} />}
      </div>
    </Modal>
  );
}

function ReleaseDialog({ allocation, onClose, onDone }: { allocation: Allocation; onClose: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ amount: number; milestone: string; releasedAt: Dayjs }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const remaining = allocation.amountFen - (allocation.releasedFen ?? 0);
  const submit = async () => {
    let v: { amount: number; milestone: string; releasedAt: Dayjs };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/allocations/${allocation.id}/releases`, {
        method: 'POST',
        body: { amountFen: yuanToFen(v.amount), milestone: v.milestone.trim(), releasedAt: v.releasedAt.format('YYYY-MM-DD') },
        headers: { 'Idempotency-Key': newIdempotencyKey() },
      });
      message.success('已登记拨付');
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title="按节点拨付提存资金" onCancel={onClose} onOk={submit} okText="登记拨付" cancelText="取消" confirmLoading={busy} destroyOnHidden afterOpenChange={(o) => o && focusFirstField(bodyRef.current)}>
      <div ref={bodyRef}>
        <Form form={form} name="release" layout="vertical" initialValues={{ amount: remaining / 100, releasedAt: dayjs() }}>
          <Form.Item name="amount" label="拨付金额" rules={[{ required: true, message: '请填写拨付金额' }]} extra={`可拨付余额 ${formatYuan(remaining)}`}>
            <MoneyInput autoFocus />
          </Form.Item>
          <Form.Item name="milestone" label="拨付节点" rules={[{ required: true, whitespace: true, message: '请填写拨付节点' }]}>
            <Input placeholder="如：项目开工、中期验收" maxLength={200} />
          </Form.Item>
          <Form.Item name="releasedAt" label="拨付日期" rules={[{ required: true, message: '请选择拨付日期' }]}>
            <DatePicker style={{ width: '100%' }} format="YYYY年M月D日" />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon role="alert" message={error} />}
      </div>
    </Modal>
  );
}

function Acceptance({ done, who }: { done: unknown; who: string }) {
  return done ? (
    <Space size={4}>
      <CheckCircleTwoTone twoToneColor="#52c41a" />
      {who}已确认
    </Space>
  ) : (
    <Space size={4} style={{ color: '#d48806' }}>
      <ClockCircleOutlined />
      {who}待确认
    </Space>
  );
}

/**
 * Allocations with the two-way confirmation: the case side (a handler of the case's district) and
 * the project side (a manager of the project's base) each accept; either may decline.
 */
export function AllocationTable({
  me,
  items,
  loading,
  onChanged,
  projectName,
  caseTitle,
}: {
  me: Me;
  items: Allocation[];
  loading?: boolean;
  onChanged: () => void;
  projectName?: (id: string) => string | undefined;
  caseTitle?: (id: string) => string | undefined;
}) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<Allocation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mySide = me.role === 'handler' ? 'case' : me.role === 'baseManager' ? 'project' : null;

  const respond = async (a: Allocation, action: 'accept' | 'decline') => {
    setBusy(`${a.id}:${action}`);
    setError(null);
    try {
      const next = await api<Allocation>(`/allocations/${a.id}/${action}`, { method: 'POST', body: {} });
      message.success(action === 'decline' ? '已拒绝该分配' : next.status === 'confirmed' ? '双方均已确认，分配生效' : '已确认，等待对方确认');
      onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 8 }} closable onClose={() => setError(null)} />}
      <Table<Allocation>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 960 }}
        data-testid="allocations"
        locale={{ emptyText: '暂无分配方案' }}
        columns={[
          {
            title: '案件',
            dataIndex: 'caseId',
            render: (id: string, a) => {
              // The allocation names its case itself; older ones are looked up by the caller.
              const label = a.caseTitle ? [a.caseNo, a.caseTitle].filter(Boolean).join(' ') : (caseTitle?.(id) ?? id);
              return ['admin', 'handler', 'reviewer', 'viewer'].includes(me.role) ? (
                <Link to={`/cases/${id}`}>{label}</Link>
              ) : (
                <span>
                  {label}
                  {typeof a.district === 'string' ? `（${a.district}）` : ''}
                </span>
              );
            },
          },
          { title: '义务', dataIndex: 'obligationId', width: 70 },
          { title: '修复项目', dataIndex: 'projectId', render: (id: string) => <Link to={`/projects/${id}`}>{projectName?.(id) ?? id}</Link> },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: (v: number) => <span className="money">{formatYuan(v)}</span> },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string) => <Tag color={s === 'confirmed' ? 'green' : s === 'declined' ? 'red' : 'gold'}>{zh('allocationStatuses', s)}</Tag>,
          },
          {
            title: '双方确认',
            key: 'sides',
            render: (_: unknown, a) =>
              a.status === 'declined' ? (
                <Typography.Text type="secondary">已拒绝</Typography.Text>
              ) : (
                <Space direction="vertical" size={0}>
                  <Acceptance done={a.acceptedByCase} who="案件方" />
                  <Acceptance done={a.acceptedByProject} who="项目方" />
                </Space>
              ),
          },
          { title: '已拨付', dataIndex: 'releasedFen', align: 'right', render: (v?: number) => <span className="money">{formatYuan(v ?? 0)}</span> },
          { title: '提出日期', dataIndex: 'createdAt', render: (v?: string) => formatDate(v) },
          {
            title: '操作',
            key: 'actions',
            fixed: 'right',
            width: 170,
            render: (_: unknown, a) => {
              const mine = mySide === 'case' ? a.acceptedByCase : mySide === 'project' ? a.acceptedByProject : true;
              const buttons = [];
              if (a.status === 'proposed' && mySide && !mine) {
                buttons.push(
                  <Button key="accept" type="primary" size="small" loading={busy === `${a.id}:accept`} onClick={() => respond(a, 'accept')} data-action="accept">
                    确认
                  </Button>,
                );
              }
              if (a.status === 'proposed' && mySide) {
                buttons.push(
                  <Popconfirm key="decline" title="确定拒绝该分配方案？" okText="拒绝" cancelText="取消" onConfirm={() => respond(a, 'decline')}>
                    <Button size="small" danger loading={busy === `${a.id}:decline`}>
                      拒绝
                    </Button>
                  </Popconfirm>,
                );
              }
              if (a.status === 'confirmed' && me.role === 'handler' && (a.releasedFen ?? 0) < a.amountFen) {
                buttons.push(
                  <Button key="release" size="small" onClick={() => setReleasing(a)}>
                    拨付
                  </Button>,
                );
              }
              return buttons.length ? <Space size={4}>{buttons}</Space> : '—';
            },
          },
        ]}
      />
      {releasing && (
        <ReleaseDialog
          allocation={releasing}
          onClose={() => setReleasing(null)}
          onDone={() => {
            setReleasing(null);
            onChanged();
          }}
        />
      )}
    </>
  );
}
