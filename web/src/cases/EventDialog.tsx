import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, App, Button, Form, Modal, Typography } from 'antd';
import { api, ApiError, errorText, newIdempotencyKey } from '../api/client';
import type { CaseView } from '../api/types';
import { formatDate, formatYuan } from '../lib/format';
import { zh } from '../lib/vocab';
import { focusFirstField } from '../components/common';
import { fieldPathLabel } from '../workflow/fieldLabels';
import dayjs from 'dayjs';
import { CaseDates, SchemaFields, toPayload, type ReferenceChoices } from '../workflow/SchemaForm';
import { useWorkflow } from '../workflow/WorkflowContext';

const allocatable = ['substitute_restoration', 'escrow'];

/** The case's obligations, parties and open deadlines as choices for the fields that name them. */
export function referenceChoices(c: CaseView, eventType: string): ReferenceChoices {
  const obligations = c.obligations.filter((o) => {
    if (eventType === 'ESCROW_DEPOSITED') return allocatable.includes(o.kind) && o.status !== 'performed';
    if (['OBLIGATION_PROGRESS', 'ENFORCEMENT_APPLIED'].includes(eventType)) return o.status !== 'performed';
    return true;
  });
  return {
    obligationId: obligations.map((o) => ({
      value: o.id,
      label: `${o.id} ${zh('obligationKinds', o.kind)}${o.amountFen !== undefined ? ` ${formatYuan(o.amountFen)}` : ''}（${zh('obligationStatuses', o.status)}）`,
    })),
    partyId: c.parties.map((p) => ({ value: p.id, label: `${p.name}（${zh('partyKinds', p.kind)}）` })),
    rule: c.deadlines.filter((d) => d.mayExtend).map((d) => ({ value: d.rule, label: `${d.label.zh}（现为 ${formatDate(d.dueAt)}）` })),
  };
}

/**
 * One event's form, generated from its payload schema, sent with If-Match so that a case changed
 * by someone else meanwhile is refused (409) rather than overwritten.
 */
export function EventDialog({ caseView, eventType, onClose, onDone }: { caseView: CaseView; eventType: string; onClose: () => void; onDone: (next: CaseView) => void }) {
  const wf = useWorkflow();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; conflict: boolean } | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const event = wf.event(eventType);
  const refs = useMemo(() => referenceChoices(caseView, eventType), [caseView, eventType]);

  if (!event) return null;

  const submit = async () => {
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { type: eventType, ...toPayload(event.payloadSchema, values, refs) };
      const next = await api<CaseView>(`/cases/${caseView.id}/events`, {
        method: 'POST',
        body,
        headers: { 'If-Match': String(caseView.version), 'Idempotency-Key': newIdempotencyKey() },
      });
      message.success(`已办理：${event.labels.zh}`);
      onDone(next);
    } catch (e) {
      setError({
        text: errorText(e, { fieldLabel: fieldPathLabel, eventLabel: wf.eventLabel, stateLabel: wf.stateLabel }),
        conflict: e instanceof ApiError && e.code === 'version_conflict',
      });
    } finally {
      setBusy(false);
    }
  };

  /**
   * Enter in a one-line text or number field submits, as in any form; not in a date picker or a
   * select (where Enter picks), in a text area, or while an input method is composing Chinese.
   */
  const submitOnEnter = (e: KeyboardEvent<HTMLFormElement>) => {
    const target = e.target as HTMLElement;
    if (e.key !== 'Enter' || e.nativeEvent.isComposing || target.tagName !== 'INPUT' || target.closest('.ant-picker, .ant-select')) return;
    e.preventDefault();
    void submit();
  };

  return (
    <Modal
      open
      title={event.labels.zh}
      width={640}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
      afterOpenChange={(open) => open && focusFirstField(body.current)}
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="ok" type="primary" loading={busy} onClick={submit} data-testid="event-submit">
          提交
        </Button>,
      ]}
    >
      <div ref={body}>
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          案件：{caseView.caseNo ?? caseView.title}，当前状态：{wf.stateLabel(caseView.state)}
        </Typography.Paragraph>
        <Form form={form} name="event" layout="vertical" onKeyDown={submitOnEnter} data-testid="event-form" className="event-form">
          <CaseDates.Provider value={{ receivedOn: caseView.receivedAt ? dayjs(caseView.receivedAt).format('YYYY-MM-DD') : undefined }}>
            <SchemaFields eventType={eventType} schema={event.payloadSchema} refs={refs} />
          </CaseDates.Provider>
        </Form>
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="event-error"
            message={error.text}
            action={
              error.conflict ? (
                <Button size="small" onClick={onClose}>
                  关闭并刷新
                </Button>
              ) : undefined
            }
          />
        )}
      </div>
    </Modal>
  );
}
