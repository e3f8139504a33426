import { Router } from 'express';
import { requireAccess } from '../auth/permissions';
import type { AppContext } from '../context';
import { describeWorkflow, mermaidDiagram } from '../../workflows/case-catalogue';
import { MACHINE_VERSION } from '../../workflows/case-machine';
import { describeRoute } from '../openapi/registry';

describeRoute({ method: 'get', path: '/workflow', tag: 'Workflow', summary: 'States (zh/en labels, deadline rules) and events (payload JSON schemas, roles, where accepted)', errors: [401] });
describeRoute({ method: 'get', path: '/workflow/diagram', tag: 'Workflow', summary: 'A Mermaid stateDiagram-v2 of the procedure (text/plain)', errors: [401] });

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
