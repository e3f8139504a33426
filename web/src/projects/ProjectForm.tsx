import { useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Drawer, Form, Input, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, errorText, newIdempotencyKey } from '../api/client';
import type { Base, Project } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { fenToYuan, yuanToFen } from '../lib/format';
import { KNOWN_DISTRICTS, optionsOf } from '../lib/vocab';
import { MoneyInput } from '../workflow/SchemaForm';

interface ProjectFormValues {
  baseId?: string;
  name: string;
  method: string;
  media: string[];
  district: string;
  town?: string;
  owner?: string;
  implementer?: string;
  budget: number;
  minContribution?: number | null;
  acceptedDamageTypes?: string[];
  window?: [Dayjs | null, Dayjs | null] | null;
  publicBenefit?: string;
  acceptanceCriteria?: string;
}

const projectFieldLabels: Record<string, string> = {
  name: '项目名称',
  method: '修复方式',
  media: '修复的环境要素',
  district: '所在辖区',
  town: '乡镇（街道）',
  owner: '项目业主',
  implementer: '实施单位',
  budgetFen: '项目预算',
  minContributionFen: '最低认领金额',
  acceptedDamageTypes: '接受的损害类型',
  startDate: '开始日期',
  endDate: '结束日期',
  publicBenefit: '公益效益',
  acceptanceCriteria: '验收标准',
};

const text = (s?: string | null) => (s && s.trim() ? s.trim() : undefined);

function toBody(v: ProjectFormValues) {
  return {
    name: v.name.trim(),
    method: v.method,
    media: v.media,
    district: v.district,
    town: text(v.town),
    owner: text(v.owner),
    implementer: text(v.implementer),
    budgetFen: yuanToFen(v.budget),
    minContributionFen: v.minContribution !== undefined && v.minContribution !== null ? yuanToFen(v.minContribution) : undefined,
    acceptedDamageTypes: v.acceptedDamageTypes?.length ? v.acceptedDamageTypes : undefined,
    startDate: v.window?.[0]?.format('YYYY-MM-DD'),
    endDate: v.window?.[1]?.format('YYYY-MM-DD'),
    publicBenefit: text(v.publicBenefit),
    acceptanceCriteria: text(v.acceptanceCriteria),
  };
}

/** For PATCH: the fields that changed, `null` for an optional field that was cleared. */
function changes(before: Project, body: ReturnType<typeof toBody>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const current = before as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) {
    const was = current[k] ?? undefined;
    if (JSON.stringify(was ?? null) === JSON.stringify(v ?? null)) continue;
    if (k === 'minContributionFen' && (v ?? 0) === (was ?? 0)) continue;
    if (k === 'acceptedDamageTypes' && !v && Array.isArray(was) && was.length === 0) continue;
    out[k] = v === undefined ? null : v;
  }
  return out;
}

/** Creates a draft project in one of the manager's bases, or edits one (PATCH, changed fields only). */
export function ProjectForm({ project, bases, onClose, onSaved }: { project?: Project; bases: Base[]; onClose: () => void; onSaved: (p: Project) => void }) {
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProjectFormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const myBases = me.baseIds.map((id) => bases.find((b) => b.id === id) ?? { id, name: id, district: '' });

  const initial: Partial<ProjectFormValues> = project
    ? {
        name: project.name,
        method: project.method,
        media: project.media,
        district: project.district,
        town: project.town ?? undefined,
        owner: project.owner ?? undefined,
        implementer: project.implementer ?? undefined,
        budget: fenToYuan(project.budgetFen),
        minContribution: project.minContributionFen ? fenToYuan(project.minContributionFen) : undefined,
        acceptedDamageTypes: project.acceptedDamageTypes ?? [],
        window: project.startDate || project.endDate ? [project.startDate ? dayjs(project.startDate) : null, project.endDate ? dayjs(project.endDate) : null] : null,
        publicBenefit: project.publicBenefit ?? undefined,
        acceptanceCriteria: project.acceptanceCriteria ?? undefined,
      }
    : { baseId: myBases.length === 1 ? myBases[0]!.id : undefined, district: myBases.length === 1 ? myBases[0]!.district || undefined : undefined };

  const submit = async () => {
    let v: ProjectFormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = toBody(v);
      let saved: Project;
      if (project) {
        const patch = changes(project, body);
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        saved = await api<Project>(`/projects/${project.id}`, {
          method: 'PATCH',
          body: patch,
          headers: project.version !== undefined ? { 'If-Match': String(project.version) } : {},
        });
      } else {
        saved = await api<Project>(`/bases/${v.baseId}/projects`, { method: 'POST', body, headers: { 'Idempotency-Key': newIdempotencyKey() } });
      }
      message.success(project ? '项目信息已保存' : '项目已创建（草稿），发布后进入项目库');
      onSaved(saved);
    } catch (e) {
      setError(errorText(e, { fieldLabel: (p) => projectFieldLabels[p] ?? p }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      width={720}
      title={project ? `编辑项目：${project.name}` : '新建修复项目'}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="project-save">
            保存
          </Button>
        </Space>
      }
    >
      <Form<ProjectFormValues> form={form} name="project" layout="vertical" initialValues={initial} onFinish={submit}>
        <Row gutter={12}>
          {!project && (
            <Col span={12}>
              <Form.Item name="baseId" label="修复基地" rules={[{ required: true, message: '请选择修复基地' }]}>
                <Select
                  options={myBases.map((b) => ({ value: b.id, label: b.name }))}
                  onChange={(id: string) => {
                    const b = myBases.find((x) => x.id === id);
                    if (b?.district && !form.getFieldValue('district')) form.setFieldValue('district', b.district);
                  }}
                />
              </Form.Item>
            </Col>
          )}
          <Col span={project ? 24 : 12}>
            <Form.Item name="name" label="项目名称" rules={[{ required: true, whitespace: true, message: '请填写项目名称' }]}>
              <Input maxLength={200} autoFocus />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="method" label="修复方式" rules={[{ required: true, message: '请选择修复方式' }]}>
              <Select options={optionsOf('projectMethods')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="media" label="修复的环境要素" rules={[{ required: true, message: '请选择环境要素' }]}>
              <Select mode="multiple" options={optionsOf('media')} optionFilterProp="label" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="district" label="所在辖区" rules={[{ required: true, message: '请选择辖区' }]}>
              <Select options={KNOWN_DISTRICTS.map((d) => ({ value: d, label: d }))} showSearch />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="town" label="乡镇（街道）">
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="owner" label="项目业主">
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="implementer" label="实施单位">
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="budget" label="项目预算" rules={[{ required: true, message: '请填写项目预算' }]}>
              <MoneyInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="minContribution" label="最低认领金额" extra="单笔资金低于此金额不予认领（填满缺口的除外）">
              <MoneyInput placeholder="不限" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="window" label="实施期限">
              <DatePicker.RangePicker style={{ width: '100%' }} format="YYYY年M月D日" allowEmpty={[true, true]} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="acceptedDamageTypes" label="接受的损害类型" extra="不选则接受任何类型">
              <Select mode="multiple" options={optionsOf('media')} optionFilterProp="label" allowClear />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="acceptanceCriteria" label="验收标准">
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="publicBenefit" label="公益效益">
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {error && <Alert type="error" showIcon role="alert" message={error} />}
    </Drawer>
  );
}
