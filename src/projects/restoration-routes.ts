import { Router } from 'express';
import type { AppContext } from '../context';

/** Restoration bases, projects, matching suggestions and plans, allocations, escrow. */
export function restorationRoutes(ctx: AppContext): Router {
  void ctx;
  return Router();
}
