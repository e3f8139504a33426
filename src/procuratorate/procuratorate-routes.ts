import { Router } from 'express';
import type { AppContext } from '../context';

/** The procuratorate liaison's endpoints (lead transfers, its cases, the change feed). */
export function procuratorateRoutes(ctx: AppContext): Router {
  void ctx;
  return Router();
}
