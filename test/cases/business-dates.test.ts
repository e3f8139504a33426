import { send, leadAtConsultationNotice } from '../support/api';
import { caseTestBed } from '../support/case-test-bed';

/**
 * An event's business dates name days that have happened: not after today (China Standard Time)
 * and, for the bureau's own steps, not before the lead was received. Refused with the reason
 * (422), nothing changes.
 */

// 10:00 in Beijing on 2026-03-10.
const bed = caseTestBed('2026-03-10T02:00:00Z');

const inConsultation = () => leadAtConsultationNotice(bed.handler, { receivedAt: '2026-03-02' });

async function refusedWith(id: string, event: Record<string, unknown>, reason: string): Promise<void> {
  const before = (await bed.handler.get(`/cases/${id}`).expect(200)).body.version;
  const res = await bed.handler.post(`/cases/${id}/events`, event);
  expect({ status: res.status, code: res.body.error?.code, reason: res.body.error?.details?.reason }).toEqual({ status: 422, code: 'guard_failed', reason: expect.stringContaining(reason) });
  expect((await bed.handler.get(`/cases/${id}`).expect(200)).body.version).toBe(before);
}

describe('business dates', () => {
  it('refuses a day after today, and accepts today', async () => {
    const id = await inConsultation();
    await refusedWith(id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-11', replyDueAt: '2026-03-25' }, '送达日期（2026年3月11日）不能晚于今天');
    // The reply due date looks ahead: it may be later than today.
    await send(bed.handler, id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-10', replyDueAt: '2026-03-25' });
  });

  it('refuses a day before the lead was received, for the bureau\'s own steps and for the event time', async () => {
    const id = await inConsultation();
    await refusedWith(id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-01', replyDueAt: '2026-03-25' }, '送达日期（2026年3月1日）不能早于线索受理日期（2026年3月2日）');
    await refusedWith(id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-05', replyDueAt: '2026-03-25', at: '2026-02-28' }, '业务日期（2026年2月28日）不能早于线索受理日期');
    await send(bed.handler, id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-02', replyDueAt: '2026-03-25' });
    await send(bed.handler, id, { type: 'OBLIGOR_REPLIED', reply: 'agree_to_consult' });
    await refusedWith(id, { type: 'CONSULTATION_MEETING_HELD', heldAt: '2026-02-20', obligorAttended: true }, '会议日期（2026年2月20日）不能早于线索受理日期');
    await refusedWith(id, { type: 'CONSULTATION_MEETING_HELD', heldAt: '2026-03-12T09:00:00+08:00', obligorAttended: true }, '会议日期（2026年3月12日）不能晚于今天');
  });

  it('compares days in Beijing time: 00:30 on the day of receipt is that day', async () => {
    const id = await inConsultation();
    // 2026-03-01T16:30Z is 00:30 on 2 March in Beijing (the day of receipt); 15:30Z is still 1 March.
    await refusedWith(id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-01T15:30:00Z', replyDueAt: '2026-03-25' }, '不能早于线索受理日期');
    await send(bed.handler, id, { type: 'CONSULTATION_NOTICE_SERVED', servedAt: '2026-03-01T16:30:00Z', replyDueAt: '2026-03-25' });
  });
});
