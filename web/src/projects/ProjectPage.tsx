import { useRef, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Skeleton, Table, Timeline, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { Allocation, Base, Page, Project, ScoreReason } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { focusFirstField, LoadError, PageHeader } from '../components/common';
import { formatDate, formatYuan } from '../lib/format';
import { useApi } from '../lib/useApi';
import { zh } from '../lib/vocab';
import { ProjectForm } from './ProjectForm';
import { AllocationTable, FundingBar, ProjectStatusTag, ProposeDialog, Score, ScoreReasons } from './shared';

interface CaseSuggestion {
  caseId: string;
  obligationId: string;
  score: number;
  reasons: ScoreReason[];
  amountFen: number;
  caseNo: string | null;
  title: string;
  district: string;
}

const actionLabels: Record<string, string> = {
  publish: '发布到项目库',
  start: '项目开工',
  complete: '项目完工',
  accept: '项目验收',
  close: '关闭项目',
};

const projectEventLabels: Record<string, string> = {
  CREATED: '创建项目',
  UPDATED: '修改项目信息',
  PUBLISHED: '发布项目',
  FUNDS_CHANGED: '资金落实情况变化',
  STARTED: '项目开工',
  COMPLETED: '项目完工',
  ACCEPTED: '项目验收',
  CLOSED: '项目关闭',
};

function TransitionDialog({ project, action, onClose, onDone }: { project: Project; action: string; onClose: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string; reportRef?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const submit = async () => {
    const v = form.getFieldsValue();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = {};
      if (v.note?.trim()) body.note = v.note.trim();
      if (v.reportRef?.trim()) body.reportRef = v.reportRef.trim();
      await api(`/projects/${project.id}/${action}`, { method: 'POST', body });
      message.success(`已${actionLabels[action] ?? action}`);
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`${actionLabels[action] ?? action}：${project.name}`} onCancel={onClose} onOk={submit} okText="确定" cancelText="取消" confirmLoading={busy} destroyOnHidden afterOpenChange={(o) => o && focusFirstField(bodyRef.current)}>
      <div ref={bodyRef}>
        <Form form={form} name="transition" layout="vertical">
          {(action === 'complete' || action === 'accept') && (
            <Form.Item name="reportRef" label={action === 'accept' ? '验收报告编号' : '完工报告编号'}>
              <Input maxLength={200} />
            </Form.Item>
          )}
          <Form.Item name="note" label="说明">
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={1000} autoFocus />
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon role="alert" message={error} data-testid="project-error" />}
      </div>
    </Modal>
  );
}

/** 项目详情: the project, its lifecycle actions, cases suggested for its gap, and its allocations. */
export default function ProjectPage() {
  const { id } = useParams();
  const me = useMe();
  const projectReq = useApi<Project>(`/projects/${id}`);
  const bases = useApi<Page<Base>>('/bases', { limit: 200 });
  const mayMatch = ['baseManager', 'handler', 'reviewer', 'admin'].includes(me.role);
  const suggestions = useApi<{ items: CaseSuggestion[] }>(mayMatch ? `/projects/${id}/case-suggestions` : null);
  const allocations = useApi<Page<Allocation>>(me.role === 'procuratorate' ? null : '/allocations', { projectId: id, limit: 100 });
  const [editing, setEditing] = useState(false);
  const [action, setAction] = useState<string | null>(null);
  const [proposing, setProposing] = useState<CaseSuggestion | null>(null);
  const p = projectReq.data;

  const reload = () => {
    projectReq.reload();
    suggestions.reload();
    allocations.reload();
  };

  if (projectReq.error && !p) return <LoadError error={projectReq.error} onRetry={projectReq.reload} what="项目" />;
  if (!p) return <Skeleton active paragraph={{ rows: 10 }} />;

  const base = bases.data?.items.find((b) => b.id === p.baseId);
  const actions = p.allowedActions ?? [];
  const titles = new Map((suggestions.data?.items ?? []).map((s) => [s.caseId, s.caseNo ?? s.title]));

  return (
    <>
      <PageHeader
        back="/projects"
        title={p.name}
        tags={<ProjectStatusTag status={p.status} label={p.statusLabel?.zh} expired={p.expired} />}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              刷新
            </Button>
            {actions.includes('update') && <Button onClick={() => setEditing(true)}>编辑</Button>}
            {actions
              .filter((a) => a !== 'update')
              .map((a) => (
                <Button key={a} type={a === 'close' ? 'default' : 'primary'} danger={a === 'close'} onClick={() => setAction(a)} data-action={a}>
                  {actionLabels[a] ?? a}
                </Button>
              ))}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" title="项目信息" className="section-card">
            <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} data-testid="project-summary">
              <Descriptions.Item label="修复基地">{base?.name ?? p.baseId}</Descriptions.Item>
              <Descriptions.Item label="修复方式">{zh('projectMethods', p.method)}</Descriptions.Item>
              <Descriptions.Item label="环境要素">{p.media.map((m) => zh('media', m)).join('、')}</Descriptions.Item>
              <Descriptions.Item label="地点">
                {p.district}
                {p.town ? ` ${p.town}` : ''}
              </Descriptions.Item>
              <Descriptions.Item label="项目业主">{p.owner ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="实施单位">{p.implementer ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="实施期限">{p.startDate || p.endDate ? `${formatDate(p.startDate)} 至 ${formatDate(p.endDate)}` : '—'}</Descriptions.Item>
              <Descriptions.Item label="最低认领金额">{p.minContributionFen ? formatYuan(p.minContributionFen) : '不限'}</Descriptions.Item>
              <Descriptions.Item label="接受的损害类型" span={2}>
                {p.acceptedDamageTypes?.length ? p.acceptedDamageTypes.map((m) => zh('media', m)).join('、') : '不限'}
              </Descriptions.Item>
              <Descriptions.Item label="验收标准" span={2}>
                {p.acceptanceCriteria ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label="公益效益" span={2}>
                {p.publicBenefit ?? '—'}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title="资金情况" className="section-card" data-testid="project-funding">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label="项目预算">{formatYuan(p.budgetFen)}</Descriptions.Item>
              <Descriptions.Item label="已落实资金">{formatYuan(p.fundedFen)}</Descriptions.Item>
              <Descriptions.Item label="资金缺口">
                <Typography.Text strong>{formatYuan(p.gapFen)}</Typography.Text>
              </Descriptions.Item>
            </Descriptions>
            <FundingBar budgetFen={p.budgetFen} fundedFen={p.fundedFen} />
          </Card>
          {p.history && p.history.length > 0 && (
            <Card size="small" title="项目记录" className="section-card">
              <Timeline
                items={[...p.history].reverse().map((h) => ({
                  children: (
                    <span>
                      {projectEventLabels[h.type] ?? h.type}
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                        {formatDate(h.at)} · {zh('roles', h.actor.role)}
                      </Typography.Text>
                    </span>
                  ),
                }))}
              />
            </Card>
          )}
        </Col>
      </Row>
      {mayMatch && (
        <Card size="small" title="推荐案件（可认领本项目资金缺口的案件资金）" className="section-card" data-testid="case-suggestions">
          {suggestions.error ? (
            <LoadError error={suggestions.error} onRetry={suggestions.reload} what="案件推荐" />
          ) : (
            <Table<CaseSuggestion>
              rowKey={(s) => `${s.caseId}:${s.obligationId}`}
              size="small"
              loading={suggestions.loading}
              dataSource={suggestions.data?.items ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              locale={{ emptyText: p.status === 'draft' ? '项目发布后才会匹配案件' : '暂无可匹配的案件资金' }}
              columns={[
                {
                  title: '案件',
                  dataIndex: 'title',
                  render: (t: string, s) => (me.role === 'baseManager' ? `${s.caseNo ?? ''} ${t}` : <Link to={`/cases/${s.caseId}`}>{`${s.caseNo ?? ''} ${t}`}</Link>),
                },
                { title: '辖区', dataIndex: 'district', width: 110 },
                { title: '可分配金额', dataIndex: 'amountFen', align: 'right', render: (v: number) => <span className="money">{formatYuan(v)}</span> },
                { title: '匹配度', dataIndex: 'score', width: 90, render: (v: number) => <Score score={v} /> },
                { title: '匹配理由', dataIndex: 'reasons', width: 420, render: (r: ScoreReason[]) => <ScoreReasons reasons={r} /> },
                {
                  title: '操作',
                  key: 'op',
                  width: 100,
                  render: (_: unknown, s) =>
                    me.role === 'baseManager' || me.role === 'handler' ? (
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
      )}
      {me.role !== 'procuratorate' && (
        <Card size="small" title="本项目的资金分配" className="section-card">
          {allocations.error ? (
            <LoadError error={allocations.error} onRetry={allocations.reload} what="分配方案" />
          ) : (
            <AllocationTable me={me} items={allocations.data?.items ?? []} loading={allocations.loading} onChanged={reload} projectName={() => p.name} caseTitle={(cid) => titles.get(cid)} />
          )}
        </Card>
      )}
      {editing && (
        <ProjectForm
          project={p}
          bases={bases.data?.items ?? []}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      )}
      {action && (
        <TransitionDialog
          project={p}
          action={action}
          onClose={() => setAction(null)}
          onDone={() => {
            setAction(null);
            reload();
          }}
        />
      )}
      {proposing && (
        <ProposeDialog
          title={`将「${proposing.caseNo ?? proposing.title}」的资金分配至本项目`}
          caseId={proposing.caseId}
          obligationId={proposing.obligationId}
          projectId={p.id}
          suggestedFen={Math.min(proposing.amountFen, p.gapFen)}
          maxHint={`案件可分配 ${formatYuan(proposing.amountFen)}，项目缺口 ${formatYuan(p.gapFen)}`}
          onClose={() => setProposing(null)}
          onDone={() => {
            setProposing(null);
            reload();
          }}
        />
      )}
    </>
  );
}
