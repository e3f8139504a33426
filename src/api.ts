import { Router } from 'express';
import type { AppContext } from './context';
import { authenticate } from './auth/authenticate';
import { calendarRoutes } from './calendar/calendar';
import { caseRoutes } from './cases/case-routes';
import { clientRoutes } from './clients/clients';
import { workflowRoutes } from './workflow/workflow-routes';

/** Mounts every component's routes under /api/v1; everything below needs a bearer token. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(authenticate(ctx));
  router.use(clientRoutes(ctx));
  router.use(caseRoutes(ctx));
  router.use(workflowRoutes(ctx));
  router.use(calendarRoutes(ctx, ctx.workflow.calendar));
  return router;
}
