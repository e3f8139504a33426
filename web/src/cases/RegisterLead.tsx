import { useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space, Switch } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useNavigate } from 'react-router-dom';
import { api, errorText, newIdempotencyKey } from '../api/client';
import type { CaseView } from '../api/types';
import { canRegister, useMe } from '../auth/AuthContext';
import { PageHeader } from '../components/common';
import { districtChoices, optionsOf } from '../lib/vocab';
import { fieldPathLabel } from '../workflow/fieldLabels';

interface LeadForm {
  title: string;
  channel: string;
  receivedAt: Dayjs;
  district: string;
  place?: string;
  description?: string;
  sourceRef?: string;
  redLine?: boolean;
  damageMedia?: string[];
  parties?: { name?: string; kind?: string; creditCode?: string; idNumber?: string }[];
}

const leadFieldLabels: Record<string, string> = {
  title: '案件名称',
  channel: '线索来源',
  receivedAt: '受理日期',
  district: '辖区',
  place: '地点',
  description: '线索描述',
  sourceRef: '来源文号',
  damageMedia: '受损环境要素',
  parties: '当事人',
  name: '名称',
  creditCode: '统一社会信用代码',
  idNumber: '身份证号码',
};

const blank = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);

/** 登记线索: POST /cases, then the new case's page. */
export default function RegisterLead() {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<LeadForm>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const districts = districtChoices(me.districts);

  if (!canRegister(me)) return <Alert type="info" showIcon message="只有案件经办人可以登记线索。" />;

  const submit = async (v: LeadForm) => {
    setBusy(true);
    setError(null);
    const body = {
      title: v.title.trim(),
      channel: v.channel,
      receivedAt: v.receivedAt.format('YYYY-MM-DD'),
      district: v.district,
      place: blank(v.place),
      description: blank(v.description),
      sourceRef: blank(v.sourceRef),
      redLine: v.redLine || undefined,
      damageMedia: v.damageMedia?.length ? v.damageMedia : undefined,
      parties: (v.parties ?? [])
        .filter((p) => blank(p.name))
        .map((p) => ({ name: p.name!.trim(), kind: p.kind ?? 'company', creditCode: blank(p.creditCode), idNumber: blank(p.idNumber) })),
    };
    try {
      const created = await api<CaseView>('/cases', { method: 'POST', body, headers: { 'Idempotency-Key': newIdempotencyKey() } });
      message.success('线索已登记');
      navigate(`/cases/${created.id}`);
    } catch (e) {
      setError(errorText(e, { fieldLabel: (p) => p.split('.').map((x) => leadFieldLabels[x] ?? fieldPathLabel(x)).join(' ') }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="登记线索" back="/cases" />
      <Card>
        <Form<LeadForm>
          form={form}
          name="lead"
          layout="vertical"
          onFinish={submit}
          initialValues={{ receivedAt: dayjs(), district: districts.length === 1 ? districts[0] : undefined, parties: [{ kind: 'company' }] }}
          scrollToFirstError
        >
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Form.Item name="title" label="案件名称" rules={[{ required: true, whitespace: true, message: '请填写案件名称' }, { max: 200 }]}>
                <Input placeholder="如：太湖沿岸非法倾倒建筑垃圾" autoFocus maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item name="channel" label="线索来源" rules={[{ required: true, message: '请选择线索来源' }]}>
                <Select placeholder="请选择" options={optionsOf('channels')} showSearch optionFilterProp="label" />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item name="receivedAt" label="受理日期" rules={[{ required: true, message: '请选择受理日期' }]}>
                <DatePicker style={{ width: '100%' }} format="YYYY年M月D日" disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item name="district" label="辖区" rules={[{ required: true, message: '请选择辖区' }]}>
                <Select placeholder="请选择" options={districts.map((d) => ({ value: d, label: d }))} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={12}>
              <Form.Item name="place" label="地点">
                <Input placeholder="乡镇、村、河段等" maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item name="sourceRef" label="来源文号">
                <Input placeholder="交办单、举报编号等" maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} lg={18}>
              <Form.Item name="damageMedia" label="受损环境要素">
                <Select mode="multiple" placeholder="可多选" options={optionsOf('media')} optionFilterProp="label" />
              </Form.Item>
            </Col>
            <Col xs={24} lg={6}>
              <Form.Item name="redLine" label="位于生态保护红线内" valuePropName="checked">
                <Switch checkedChildren="是" unCheckedChildren="否" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="description" label="线索描述">
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={10000} showCount />
              </Form.Item>
            </Col>
          </Row>
          <Form.List name="parties">
            {(fields, { add, remove }) => (
              <Card size="small" title="当事人（可能的赔偿义务人）" className="inner-card">
                {fields.map((f, i) => (
                  <Row gutter={12} key={f.key} align="top">
                    <Col xs={24} lg={7}>
                      <Form.Item name={[f.name, 'name']} label={`当事人${i + 1} 名称`}>
                        <Input maxLength={200} />
                      </Form.Item>
                    </Col>
                    <Col xs={8} lg={4}>
                      <Form.Item name={[f.name, 'kind']} label="类型">
                        <Select options={optionsOf('partyKinds')} />
                      </Form.Item>
                    </Col>
                    <Col xs={8} lg={6}>
                      <Form.Item name={[f.name, 'creditCode']} label="统一社会信用代码" rules={[{ pattern: /^[0-9A-Z]{18}$/, message: '应为18位数字或大写字母' }]}>
                        <Input maxLength={18} />
                      </Form.Item>
                    </Col>
                    <Col xs={8} lg={5}>
                      <Form.Item name={[f.name, 'idNumber']} label="身份证号码" rules={[{ pattern: /^\d{17}[\dXx]$/, message: '应为18位身份证号码' }]}>
                        <Input maxLength={18} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} lg={2}>
                      <Form.Item label=" ">
                        <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={`删除当事人${i + 1}`} />
                      </Form.Item>
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'company' })}>
                  添加当事人
                </Button>
              </Card>
            )}
          </Form.List>
          {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginTop: 16 }} />}
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" htmlType="submit" loading={busy}>
              登记
            </Button>
            <Button onClick={() => navigate('/cases')}>取消</Button>
          </Space>
        </Form>
      </Card>
    </>
  );
}
