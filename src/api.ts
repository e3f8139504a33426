import { Router } from 'express';
import type { AppContext } from './context';

/** Mounts every component's routes under /api/v1. */
export function apiRoutes(ctx: AppContext): Router {
  const router = Router();
  void ctx;
  return router;
}
