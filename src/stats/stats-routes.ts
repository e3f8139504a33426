import { Router } from 'express';
import type { AppContext } from '../context';

/** The bureau's figures: KPIs, CSV export, overdue work. */
export function statsRoutes(ctx: AppContext): Router {
  void ctx;
  return Router();
}
