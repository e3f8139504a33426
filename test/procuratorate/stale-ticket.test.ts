import { abandonTicket, recordChange, reserveTicket } from '../../src/feed/feed-writer';
import { ChangeModel } from '../../models/feed';
import { startTestService, type TestService } from '../support/service';

/**
 * A writer that stalls between reserving its ticket and committing for longer than the feed's
 * grace period finds its ticket declared abandoned. Its change is then not on the feed; the
 * writer must be told so (it logs an error) instead of believing it recorded the change.
 */

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc.stop();
});

const change = { caseId: 'case_stale', seq: 2, type: 'SCREENED', at: new Date('2026-03-02T02:00:00Z'), state: 'verification.open', district: '吴中区', procuratorateVisible: false };

describe('recording a change under a ticket', () => {
  it('records once, and a repeat of the same record is harmless', async () => {
    const ticket = await reserveTicket();
    await expect(recordChange(ticket, change, new Date())).resolves.toBe(true);
    await expect(recordChange(ticket, change, new Date())).resolves.toBe(true);
    expect(await ChangeModel.countDocuments({ _id: ticket })).toBe(1);
  });

  it('answers false when the ticket was declared abandoned first, and leaves the abandonment in place', async () => {
    const ticket = await reserveTicket();
    await abandonTicket(ticket, new Date());
    await expect(recordChange(ticket, change, new Date())).resolves.toBe(false);
    expect(await ChangeModel.findOne({ _id: ticket }).lean()).toMatchObject({ abandoned: true });
  });
});
