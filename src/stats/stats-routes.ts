import { Router } from 'express';
import { permissions } from '../auth/permissions';
import type { AppContext } from '../context';
import { describeRoute } from '../openapi/registry';
import { caseFactIndexFor } from './fact-index';
import { definitionsReply, kpiQuery, kpiReply, overdueQuery, overdueReply } from './stats-schemas';
import { getKpiDefinitions, getKpis, getKpisCsv, getOverdue } from './stats-service';

const roles = permissions['stats.read'].roles;

describeRoute({
  method: 'get',
  path: '/stats/kpis',
  tag: 'Statistics',
  summary: 'The bureau\'s KPIs (启动率、结案率、修复率 …), each { value, numerator, denominator }, over the caller\'s cases; ?groupBy= breaks them down',
  roles,
  query: kpiQuery,
  response: kpiReply,
  errors: [400, 401, 403, 503],
});
describeRoute({
  method: 'get',
  path: '/stats/kpis.csv',
  tag: 'Statistics',
  summary: 'The same KPIs as CSV for Excel (UTF-8 with BOM, Chinese column headers; one row, plus one per group with ?groupBy=)',
  roles,
  query: kpiQuery,
  responseDescription: 'text/csv; charset=utf-8',
  errors: [400, 401, 403, 503],
});
describeRoute({
  method: 'get',
  path: '/stats/kpis/definitions',
  tag: 'Statistics',
  summary: 'What each KPI counts: cohort, numerator, denominator, exclusions and what is reported apart, in English and in Chinese (zh)',
  roles,
  response: definitionsReply,
  errors: [401, 403],
});
describeRoute({
  method: 'get',
  path: '/stats/overdue',
  tag: 'Statistics',
  summary: 'Open deadlines past due, oldest first, with counts by district and rule (list conventions)',
  roles,
  query: overdueQuery,
  response: overdueReply,
  errors: [400, 401, 403, 503],
});

/** The bureau's figures: KPIs, CSV export, overdue work. */
export function statsRoutes(ctx: AppContext): Router {
  const r = Router();
  // Outside tests the case facts are read at start, so the first report does not wait for them.
  if (ctx.config.NODE_ENV !== 'test') caseFactIndexFor(ctx).warmUp();

  r.get('/stats/kpis', async (req, res) => {
    res.json(await getKpis(ctx, req.principal, req.query));
  });

  r.get('/stats/kpis.csv', async (req, res) => {
    const { filename, csv } = await getKpisCsv(ctx, req.principal, req.query);
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(`生态环境损害赔偿统计指标${filename.slice(4)}`)}`)
      .send(csv);
  });

  r.get('/stats/kpis/definitions', (req, res) => {
    res.json(getKpiDefinitions(ctx, req.principal));
  });

  r.get('/stats/overdue', async (req, res) => {
    res.json(await getOverdue(ctx, req.principal, req.query));
  });

  return r;
}
