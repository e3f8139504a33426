import { Router } from 'express';
import { serviceVersion } from '../project';
import { buildOpenApi } from './registry';

const docsPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档 · 生态环境损害赔偿案件办理</title>
<style>body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}code,pre{background:#f6f6f6;border-radius:3px}
pre{padding:.6rem;overflow:auto;max-height:24rem}.op{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #1677ff;background:#fafcff}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}</style></head>
<body><h1>生态环境损害赔偿案件办理 API (v1)</h1><p>Generated from the service's zod schemas. Machine-readable: <a href="openapi.json">openapi.json</a>.</p><div id="ops">Loading…</div>
<script>
fetch('openapi.json').then(r=>r.json()).then(doc=>{const byTag={};for(const [p,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push([m,p,op]);
const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
document.getElementById('ops').innerHTML=Object.entries(byTag).map(([t,ops])=>'<h2>'+esc(t)+'</h2>'+ops.map(([m,p,op])=>'<div class="op"><span class="m">'+m+'</span><code>'+esc(p)+'</code> — '+esc(op.summary)+(op.description?'<br><small>'+esc(op.description)+'</small>':'')+(op.requestBody?'<details><summary>body schema</summary><pre>'+esc(JSON.stringify(op.requestBody.content['application/json'].schema,null,2))+'</pre></details>':'')+'</div>').join('')).join('');});
</script></body></html>`;

/** Public: the OpenAPI document and a readable page for it. */
export function openApiRoutes(): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi(serviceVersion));
  });
  r.get('/docs', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'").type('html').send(docsPage);
  });
  return r;
}
