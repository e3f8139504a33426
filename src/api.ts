import { Router } from 'express';
import type { AppContext } from './context';
import { authenticate } from './auth/authenticate';
import { perTokenRateLimit } from './http/rate-limit';
import { calendarRoutes } from './calendar/calendar';
import { caseRoutes } from './cases/case-routes';
import { clientRoutes } from './clients/clients';
import { openApiRoutes } from './openapi/openapi-routes';
import { procuratorateRoutes } from './procuratorate/procuratorate-routes';
import { restorationRoutes } from './projects/restoration-routes';
import { statsRoutes } from './stats/stats-routes';
import { workflowRoutes } from './workflow/workflow-routes';

/** Mounts every component's routes under /api/v1. Only the OpenAPI document is public. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(openApiRoutes());
  if (ctx.config.RATE_LIMIT_PER_MINUTE > 0) router.use(perTokenRateLimit(ctx.config.RATE_LIMIT_PER_MINUTE));
  router.use(authenticate(ctx));
  router.use(clientRoutes(ctx));
  router.use(caseRoutes(ctx));
  router.use(workflowRoutes(ctx));
  router.use(calendarRoutes(ctx, ctx.workflow.calendar));
  router.use(procuratorateRoutes(ctx));
  router.use(restorationRoutes(ctx));
  router.use(statsRoutes(ctx));
  return router;
}
