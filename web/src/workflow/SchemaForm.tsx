import { Button, Card, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import type { Rule, RuleObject } from 'antd/es/form';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { createContext, useContext } from 'react';
import { pastDateFields } from '@workflows/vocabulary';
import type { JsonSchema } from '../api/types';
import { groupDigits, ungroupDigits, yuanToFen } from '../lib/format';
import { enumLabel, labelFor } from './fieldLabels';

/**
 * A form generated from an event's JSON Schema (GET /workflow → events[].payloadSchema):
 * required fields, enums as selects with Chinese labels, dates as date pickers, money (fields
 * ending in `Fen`) entered in yuan. `toPayload` turns the form's values back into the API's body.
 */

export type Choice = { value: string; label: string };

/** Select options for fields that name something on the case rather than a free value. */
export interface ReferenceChoices {
  obligationId?: Choice[];
  partyId?: Choice[];
  rule?: Choice[];
}

/**
 * The case the form is for, as far as its date pickers need it: a business date (a notice served,
 * an agreement signed) can be neither after today nor before the lead was received (YYYY-MM-DD).
 */
export const CaseDates = createContext<{ receivedOn?: string }>({});

type Kind = 'date' | 'money' | 'number' | 'bool' | 'enum' | 'enumArray' | 'stringArray' | 'object' | 'objectArray' | 'text' | 'textarea' | 'reference';


const isDateSchema = (s: JsonSchema): boolean =>
  s.format === 'date' || s.format === 'date-time' || !!s.anyOf?.some((a) => a.format === 'date' || a.format === 'date-time');

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

export function kindOf(key: string, s: JsonSchema, refs: ReferenceChoices): Kind {
  if (key in refs && refs[key as keyof ReferenceChoices]) return 'reference';
  if (isDateSchema(s)) return 'date';
  const t = typeOf(s);
  if (t === 'integer' || t === 'number') return key.endsWith('Fen') ? 'money' : 'number';
  if (t === 'boolean') return 'bool';
  if (s.enum) return 'enum';
  if (t === 'array') {
    if (s.items?.enum) return 'enumArray';
    if (typeOf(s.items ?? {}) === 'object') return 'objectArray';
    return 'stringArray';
  }
  if (t === 'object') return 'object';
  return (s.maxLength ?? 0) > 200 ? 'textarea' : 'text';
}

/** Fields in the order a person fills them: the schema's order, the business date last. */
function orderedFields(schema: JsonSchema): [string, JsonSchema][] {
  const entries = Object.entries(schema.properties ?? {}).filter(([k, s]) => k !== 'type' && s.const === undefined);
  return [...entries.filter(([k]) => k !== 'at'), ...entries.filter(([k]) => k === 'at')];
}

interface FieldProps {
  eventType: string;
  name: (string | number)[];
  fieldKey: string;
  schema: JsonSchema;
  required: boolean;
  refs: ReferenceChoices;
  autoFocus?: boolean;
}

export function MoneyInput(props: { value?: number; onChange?: (v: number | null) => void; id?: string; autoFocus?: boolean; placeholder?: string }) {
  return (
    <InputNumber<number>
      {...props}
      style={{ width: '100%' }}
      min={0}
      precision={2}
      step={100}
      addonAfter="元"
      placeholder={props.placeholder ?? '以元为单位'}
      formatter={(v) => groupDigits(v)}
      parser={(t) => Number(ungroupDigits(t))}
    />
  );
}

function SchemaField({ eventType, name, fieldKey, schema, required, refs, autoFocus }: FieldProps) {
  const { receivedOn } = useContext(CaseDates);
  const kind = kindOf(fieldKey, schema, refs);
  const label = labelFor(eventType, fieldKey);
  const choose = ['enum', 'enumArray', 'date', 'bool', 'reference'].includes(kind);
  const rules: Rule[] = [];
  // The rule's type matters: without it the validator expects a string and rejects true, numbers and dates.
  const valueType: Record<Kind, RuleObject['type']> = {
    date: 'object', money: 'number', number: 'number', bool: 'boolean', enum: 'string', enumArray: 'array', stringArray: 'array',
    object: 'object', objectArray: 'array', text: 'string', textarea: 'string', reference: 'string',
  };
  if (required) rules.push({ type: valueType[kind], required: true, message: `请${choose ? '选择' : '填写'}${label}`, whitespace: kind === 'text' || kind === 'textarea' });
  if ((kind === 'text' || kind === 'textarea') && schema.maxLength) rules.push({ max: schema.maxLength, message: `${label}不能超过 ${schema.maxLength} 个字` });
  if (kind === 'enumArray' && schema.maxItems) rules.push({ type: 'array', max: schema.maxItems, message: `最多选择 ${schema.maxItems} 项` });
  const common = { name, label, rules, required };

  switch (kind) {
    case 'date': {
      const isBusinessDate = fieldKey === 'at';
      const past = pastDateFields[fieldKey];
      const earliest = past?.notBeforeReceipt ? receivedOn : undefined;
      const disabledDate = past ? (d: Dayjs) => d.isAfter(dayjs(), 'day') || (!!earliest && d.isBefore(dayjs(earliest), 'day')) : undefined;
      return (
        <Form.Item {...common} extra={isBusinessDate ? '不填则为今天' : undefined}>
          <DatePicker
            style={{ width: '100%' }}
            format="YYYY年M月D日"
            placeholder="请选择日期"
            autoFocus={autoFocus}
            disabledDate={disabledDate}
          />
        </Form.Item>
      );
    }
    case 'money':
      return (
        <Form.Item {...common}>
          <MoneyInput autoFocus={autoFocus} />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item {...common}>
          <InputNumber style={{ width: '100%' }} min={schema.minimum} max={schema.maximum} autoFocus={autoFocus} />
        </Form.Item>
      );
    case 'bool':
      return (
        <Form.Item {...common}>
          <Radio.Group
            options={[
              { value: true, label: '是' },
              { value: false, label: '否' },
            ]}
          />
        </Form.Item>
      );
    case 'enum':
      return (
        <Form.Item {...common}>
          <Select
            autoFocus={autoFocus}
            showSearch
            optionFilterProp="label"
            allowClear={!required}
            placeholder={`请选择${label}`}
            options={(schema.enum ?? []).map((v) => ({ value: v, label: enumLabel(eventType, fieldKey, String(v)) }))}
          />
        </Form.Item>
      );
    case 'enumArray':
      return (
        <Form.Item {...common}>
          <Select
            mode="multiple"
            autoFocus={autoFocus}
            allowClear
            placeholder={`请选择${label}`}
            optionFilterProp="label"
            options={(schema.items?.enum ?? []).map((v) => ({ value: v, label: enumLabel(eventType, fieldKey, String(v)) }))}
          />
        </Form.Item>
      );
    case 'stringArray':
      return (
        <Form.Item {...common}>
          <Select mode="tags" autoFocus={autoFocus} placeholder="输入后按回车" open={false} />
        </Form.Item>
      );
    case 'reference':
      return (
        <Form.Item {...common}>
          <Select autoFocus={autoFocus} allowClear={!required} placeholder={`请选择${label}`} options={refs[fieldKey as keyof ReferenceChoices]} />
        </Form.Item>
      );
    case 'object':
      return (
        <fieldset className="schema-fieldset">
          <legend>{label}</legend>
          {orderedFields(schema).map(([k, s]) => (
            <SchemaField key={k} eventType={eventType} name={[...name, k]} fieldKey={k} schema={s} required={required && !!schema.required?.includes(k)} refs={refs} />
          ))}
        </fieldset>
      );
    case 'objectArray':
      return <ObjectList {...{ eventType, name, schema, required, refs }} label={label} />;
    case 'textarea':
      return (
        <Form.Item {...common}>
          <Input.TextArea autoFocus={autoFocus} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={schema.maxLength} showCount />
        </Form.Item>
      );
    default:
      return (
        <Form.Item {...common} tooltip={schema.description && /[\u4e00-\u9fff]/.test(schema.description) ? schema.description : undefined}>
          <Input autoFocus={autoFocus} maxLength={schema.maxLength} />
        </Form.Item>
      );
  }
}

function ObjectList({ eventType, name, schema, required, refs, label }: Omit<FieldProps, 'fieldKey'> & { label: string }) {
  const item = schema.items ?? {};
  const min = schema.minItems ?? 0;
  return (
    <Form.Item label={label} required={required || min > 0} className="schema-list">
      <Form.List
        name={name}
        initialValue={min > 0 ? Array.from({ length: min }, () => ({})) : []}
        rules={[
          {
            validator: async (_r, value: unknown[] | undefined) => {
              if ((value?.length ?? 0) < min) throw new Error(`请至少添加 ${min} 项${label}`);
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                title={`${label} 第${i + 1}项`}
                extra={
                  <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={`删除第${i + 1}项`}>
                    删除
                  </Button>
                }
              >
                {orderedFields(item).map(([k, s]) => (
                  <SchemaField key={k} eventType={eventType} name={[f.name, k]} fieldKey={k} schema={s} required={!!item.required?.includes(k)} refs={refs} />
                ))}
              </Card>
            ))}
            <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({})}>
              添加{label}
            </Button>
            <Form.ErrorList errors={errors} />
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

export function SchemaFields({ eventType, schema, refs }: { eventType: string; schema: JsonSchema; refs: ReferenceChoices }) {
  const fields = orderedFields(schema);
  if (fields.filter(([k]) => k !== 'at').length === 0) {
    return <Typography.Paragraph type="secondary">此操作无需填写其他内容。</Typography.Paragraph>;
  }
  return (
    <>
      {fields.map(([k, s], i) => (
        <SchemaField key={k} eventType={eventType} name={[k]} fieldKey={k} schema={s} required={!!schema.required?.includes(k)} refs={refs} autoFocus={i === 0} />
      ))}
    </>
  );
}

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** The form's values as the API's body: dates as YYYY-MM-DD, yuan as integer fen, blanks dropped. */
export function toPayload(schema: JsonSchema, values: Record<string, unknown>, refs: ReferenceChoices = {}): Record<string, unknown> {
  const convert = (key: string, s: JsonSchema, v: unknown): unknown => {
    if (isEmpty(v)) return undefined;
    switch (kindOf(key, s, refs)) {
      case 'date':
        return dayjs.isDayjs(v) ? v.format('YYYY-MM-DD') : v;
      case 'money':
        return yuanToFen(Number(v));
      case 'number':
        return Number(v);
      case 'text':
      case 'textarea':
        return String(v).trim();
      case 'enumArray':
      case 'stringArray':
        return Array.isArray(v) && v.length ? v : undefined;
      case 'object': {
        const o = convertObject(s, v as Record<string, unknown>);
        return Object.keys(o).length ? o : undefined;
      }
      case 'objectArray':
        return Array.isArray(v) ? v.map((x) => convertObject(s.items ?? {}, (x ?? {}) as Record<string, unknown>)) : undefined;
      default:
        return v;
    }
  };
  const convertObject = (s: JsonSchema, obj: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, ps] of Object.entries(s.properties ?? {})) {
      if (k === 'type') continue;
      const c = convert(k, ps, obj?.[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  };
  return convertObject(schema, values);
}
