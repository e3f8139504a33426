import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { permissions } from '../auth/permissions';
import { listCasesQuery } from '../cases/case-schemas';
import { describeRoute } from '../openapi/registry';
import { listLateNotices, listProcuratorateCases, readChanges, transferLead } from './procuratorate-service';
import { changesQuery, changesReply, lateNoticeItem, lateNoticesQuery, leadTransferBody } from './procuratorate-schemas';

/** The procuratorate liaison's endpoints (lead transfers, its cases, the change feed) and the bureau's late-notice list. */
export function procuratorateRoutes(ctx: AppContext): Router {
  const r = Router();

  describeRoute({
    method: 'post',
    path: '/procuratorate/leads',
    tag: 'Procuratorate',
    summary: 'Transfer a lead (线索移送): a new case in `lead`, channel procuratorate_referral; the same sourceRef again returns the existing case with 200',
    roles: permissions['procuratorate.transferLead'].roles,
    body: leadTransferBody,
    successStatus: 201,
    responseDescription: 'The new case (201), or the case an earlier transfer with this sourceRef created (200)',
    errors: [400, 401, 403, 413, 429],
  });
  r.post('/procuratorate/leads', async (req, res) => {
    const { created, view } = await transferLead(ctx, req.principal, req.body);
    res.status(created ? 201 : 200).set('Location', `/api/v1/cases/${view.id}`).json(view);
  });

  describeRoute({
    method: 'get',
    path: '/procuratorate/cases',
    tag: 'Procuratorate',
    summary: 'The cases visible to this procuratorate (notified, handed over, deemed not pursued, or referred by it), with their procuratorate-notice deadline',
    roles: permissions['procuratorate.cases'].roles,
    query: listCasesQuery,
    errors: [400, 401, 403],
  });
  r.get('/procuratorate/cases', async (req, res) => {
    res.json(await listProcuratorateCases(ctx, req.principal, req.query));
  });

  describeRoute({
    method: 'get',
    path: '/procuratorate/changes',
    tag: 'Procuratorate',
    summary: 'Change feed of the visible cases: every accepted event once, in commit order, resumable from any cursor; long poll with waitMs',
    roles: permissions['procuratorate.changes'].roles,
    query: changesQuery,
    response: changesReply,
    errors: [400, 401, 403],
  });
  r.get('/procuratorate/changes', async (req, res) => {
    // A client that hangs up ends its long poll instead of holding a waiter until the time is up.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const page = await readChanges(ctx, req.principal, req.query, gone.signal);
    if (!gone.signal.aborted) res.json(page);
  });

  describeRoute({
    method: 'get',
    path: '/procuratorate/late-notices',
    tag: 'Procuratorate',
    summary: 'Cases whose procuratorate was not notified within procuratorate_notice_15d (overdue, notified late, or closed without notice), newest first',
    roles: permissions['cases.list'].roles,
    query: lateNoticesQuery,
    response: z.object({ items: z.array(lateNoticeItem), nextCursor: z.string().nullable() }),
    errors: [400, 401, 403],
  });
  r.get('/procuratorate/late-notices', async (req, res) => {
    res.json(await listLateNotices(ctx, req.principal, req.query));
  });

  return r;
}
