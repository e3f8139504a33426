import { Router } from 'express';
import { requireAccess } from '../auth/permissions';
import type { AppContext } from '../context';
import { describeWorkflow, mermaidDiagram } from '../../workflows/case-catalogue';
import { MACHINE_VERSION } from '../../workflows/case-machine';

export function workflowRoutes(ctx: AppContext): Router {
  const r = Router();
  // Generated once: the machine does not change while the process runs.
  const description = describeWorkflow(ctx.workflow.machine, ctx.workflow.rules, MACHINE_VERSION);
  const diagram = mermaidDiagram(ctx.workflow.machine);
  r.get('/workflow', (req, res) => {
    requireAccess(req.principal, 'workflow.read');
    res.json(description);
  });
  r.get('/workflow/diagram', (req, res) => {
    requireAccess(req.principal, 'workflow.read');
    res.type('text/plain; charset=utf-8').send(diagram);
  });
  return r;
}
