import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Browser, Locator, Page } from 'playwright-core';
import { ManualClock } from '../../src/clock';
import { seedDemo } from '../../scripts/seed-demo';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../support/service';
import { as, newClient, type Caller } from '../support/api';
import { dueDateOf } from '../../workflows/calendar';
import type { DeadlineRuleName } from '../../workflows/rules';
import { choose, cstDate, cstDaysFromToday, DESKTOP, launchChromium, newSession, pickDate, screenshot, WIDE, yesNo, type ConsoleLog } from './support/browser';

/**
 * The web console in a real browser against the real service on the real engine: a handler carries
 * a lead to closure through the generated event forms (one of them refused, with the reason shown),
 * a base manager publishes a project and the two sides confirm an allocation of escrowed money, and
 * the dashboard shows the API's own rates. Screenshots of the main screens go to docs/screenshots/.
 */

const webIndex = path.resolve(__dirname, '../../web/dist/index.html');

/** Pinned while the demo data is seeded at its own business times, then the real time. */
class DemoClock extends ManualClock {
  live = false;
  override now(): Date {
    return this.live ? new Date() : super.now();
  }
}

let svc: TestService;
let base: string;
let browser: Browser;
let handlerToken: string;
let managerToken: string;
let viewerToken: string;
let handler: Caller;
let baseId: string;
/** Every browser session's console, with the HTTP statuses a test provokes there on purpose. */
const sessions: { name: string; console: ConsoleLog; allowed: number[] }[] = [];

const title = `太湖大堤非法倾倒建筑垃圾 ${Date.now().toString(36)}`;
let caseId = '';
let projectId = '';
const projectName = '东山镇太湖湿地生态修复项目';

async function signedIn(token: string, viewport = DESKTOP): Promise<Page> {
  const s = await newSession(browser, viewport);
  sessions.push({ name: `session ${sessions.length + 1}`, console: s.console, allowed: [] });
  await s.page.goto(`${base}/login`);
  await s.page.getByLabel('访问令牌').fill(token);
  await s.page.getByRole('button', { name: '登 录' }).or(s.page.getByRole('button', { name: '登录' })).click();
  await s.page.getByTestId('whoami').waitFor();
  return s.page;
}

function dialog(page: Page): Locator {
  return page.locator('.ant-modal-content').filter({ has: page.getByTestId('event-form') });
}

/** Opens an event's form from the case page's action buttons. */
async function openEvent(page: Page, type: string): Promise<Locator> {
  await page.locator(`[data-event="${type}"]`).click();
  const d = dialog(page);
  await d.waitFor();
  // The dialog puts the keyboard in its first field once it has opened.
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { activeElement: { closest(selector: string): unknown } | null } }).document;
    return !!doc.activeElement?.closest('[data-testid=event-form]');
  });
  return d;
}

async function submitEvent(page: Page, d: Locator, expectedState: string): Promise<void> {
  await d.getByTestId('event-submit').click();
  // Either the dialog closes, or it shows why not (then the test fails with that reason).
  const refused = d.getByTestId('event-error').or(d.locator('.ant-form-item-explain-error')).first();
  await Promise.race([d.waitFor({ state: 'detached', timeout: 30_000 }), refused.waitFor({ timeout: 30_000 }).then(async () => {
    throw new Error(`the form was not accepted: ${await refused.textContent()}`);
  })]);
  await page.getByTestId('case-summary').getByText(expectedState, { exact: true }).first().waitFor();
}

async function stateOnApi(id: string): Promise<string> {
  return (await handler.get(`/cases/${id}`).expect(200)).body.state;
}

/**
 * What the case page must show for a deadline today, worked out the way the service does it: the
 * due date from the deadline's start by the rule's period over the service's own working-day
 * calendar (a period ending on a rest day runs to the next working day), then whole CST days from
 * today. Nothing here assumes which weekday or holiday today is.
 */
async function expectedDeadline(id: string, rule: DeadlineRuleName): Promise<{ startAt: string; dueAt: string; text: string; overdue: boolean }> {
  const deadline = (await handler.get(`/cases/${id}`).expect(200)).body.deadlines.find((d: { rule: string }) => d.rule === rule);
  if (!deadline) throw new Error(`the case has no ${rule} deadline`);
  const calendar = await svc.ctx.workflow.calendar.get();
  const dueAt = dueDateOf(deadline.startAt, svc.ctx.workflow.rules.periods[rule], calendar);
  expect(deadline.dueAt).toBe(dueAt);
  const left = cstDaysFromToday(dueAt);
  return { startAt: deadline.startAt, dueAt, text: left >= 0 ? `剩余 ${left} 天` : `已逾期 ${-left} 天`, overdue: left < 0 };
}

/**
 * The walk-through below is one story (sign in, register, advance, match, close), each step
 * building on the last. When a step fails, the steps after it say so and stop at once, instead of
 * failing one by one for the same reason further on.
 */
let failedStep: string | null = null;
function step(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (failedStep) throw new Error(`not run: this step continues from "${failedStep}", which failed (its error is the one to read)`);
    try {
      await fn();
    } catch (err) {
      failedStep = name;
      throw err;
    }
  });
}

beforeAll(async () => {
  if (!fs.existsSync(webIndex)) throw new Error('web/dist is missing: run `npm run build` before the browser tests.');
  const clock = new DemoClock(new Date());
  svc = await startTestService({ listen: true, clock });
  base = `http://127.0.0.1:${svc.port}`;
  // The demo data (npm run seed:demo): Suzhou's bases and projects, and cases in every stage.
  const demo = await seedDemo(svc.ctx, clock, { cases: 12, seed: 7, now: cstDate(0), concurrency: 4 });
  clock.live = true;
  if (demo.failures.length) throw new Error(`demo data: ${JSON.stringify(demo.failures.slice(0, 3))}`);
  const admin = as(svc.app, TEST_ADMIN_TOKEN);
  const baseRes = await admin.post('/bases', { name: '太湖东山生态修复基地', district: '吴中区', place: '东山镇' });
  if (baseRes.status !== 201) throw new Error(`base creation failed: ${baseRes.status} ${JSON.stringify(baseRes.body)}`);
  baseId = baseRes.body.id;
  handlerToken = (await newClient(svc.app, 'handler', { districts: ['*'] }, '王敏（市生态环境局法规处）')).token;
  managerToken = (await newClient(svc.app, 'baseManager', { baseIds: [baseId] }, '李强（东山修复基地）')).token;
  viewerToken = (await newClient(svc.app, 'viewer', { districts: ['*'] }, '市局统计员')).token;
  handler = as(svc.app, handlerToken);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

afterEach(() => {
  // No console errors, except the browser's note on the replies the tests provoke on purpose. Each
  // error is reported once, by the test in which it happened, not again by every test after it.
  const unexpected = sessions.map((s) => ({ session: s.name, errors: s.console.unexpected(s.allowed) }));
  for (const s of sessions) s.console.errors.length = 0;
  for (const u of unexpected) expect(u).toEqual({ session: u.session, errors: [] });
});

describe('the web console, in Chinese, in a real browser', () => {
  let page: Page;

  step('signs in with a pasted token and shows the role and districts', async () => {
    const s = await newSession(browser);
    // This session tries a wrong token (401), a stale version (409) and an event the service refuses (422).
    sessions.push({ name: 'handler', console: s.console, allowed: [401, 409, 422] });
    page = s.page;
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login$/);
    await page.getByText('生态环境损害赔偿案件办理系统').first().waitFor();
    await page.getByLabel('访问令牌').fill('not-a-valid-token');
    await page.getByRole('button', { name: /登\s?录/ }).click();
    await page.getByRole('alert').getByText('访问令牌无效或已被撤销，请重新登录').waitFor();
    await page.getByLabel('访问令牌').fill(handlerToken);
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: /登\s?录/ }).click();
    await page.waitForURL(/\/cases$/);
    await expect(page.getByTestId('role').textContent()).resolves.toBe('案件经办人');
    await expect(page.getByTestId('scope').textContent()).resolves.toBe('辖区：全部辖区');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
  });

  step('lists the cases with filters, counts and paging', async () => {
    const total = (await handler.get('/cases?count=true&limit=1').expect(200)).body.total as number;
    expect(total).toBeGreaterThan(10);
    await page.getByText(`共 ${total} 件`).first().waitFor();
    await screenshot(page, '02-case-list');
    // Each step waits for the list it asked for: a click while the previous page is still loading may be lost.
    const listed = (match: (url: URL) => boolean) =>
      page.waitForResponse((r) => {
        const url = new URL(r.url());
        return r.request().method() === 'GET' && url.pathname === '/api/v1/cases' && match(url);
      });
    await Promise.all([listed((u) => u.searchParams.get('limit') === '10'), choose(page, page, '每页件数', '每页 10 件')]);
    await page.getByRole('button', { name: '下一页' }).waitFor();
    await Promise.all([listed((u) => u.searchParams.has('cursor')), page.getByRole('button', { name: '下一页' }).click()]);
    await page.getByText('第 2 页').waitFor();
    await page.getByRole('button', { name: '上一页' }).click();
    await page.getByText('第 1 页').waitFor();

    const inWujiang = (await handler.get(`/cases?count=true&limit=1&district=${encodeURIComponent('吴江区')}`).expect(200)).body.total as number;
    await choose(page, page, '辖区', '吴江区');
    await page.getByRole('button', { name: /查\s?询/ }).click();
    await page.getByText(`共 ${inWujiang} 件`).first().waitFor();
    const districts = await page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(3)').allTextContents();
    expect(new Set(districts)).toEqual(new Set(['吴江区']));
    await page.getByRole('button', { name: /重\s?置/ }).click();
    await page.getByText(`共 ${total} 件`).first().waitFor();
  });

  step('registers a lead with the form', async () => {
    await page.getByRole('button', { name: '登记线索' }).first().click();
    await page.waitForURL(/\/cases\/new$/);
    // The title has the focus when the form appears: type it, then the rest.
    await page.getByLabel('案件名称').waitFor();
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('lead_title');
    await page.keyboard.type(title);
    await choose(page, page, '线索来源', '信访举报');
    await pickDate(page, '受理日期', cstDate(-45));
    await choose(page, page, '辖区', '吴中区');
    await page.getByLabel('地点').fill('吴中区东山镇太湖大堤');
    await page.getByLabel('受损环境要素').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: /^湿地$/ }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel('线索描述').fill('群众举报：太湖大堤外侧湿地被倾倒建筑垃圾约300立方米。');
    await page.getByLabel('当事人1 名称').fill('苏州某建材有限公司');
    await page.getByLabel('统一社会信用代码').fill('91320506MA1XXXXX0A');
    await page.getByRole('button', { name: /登\s?记/ }).last().click();
    await page.waitForURL(/\/cases\/(?!new$)[A-Za-z0-9_-]+$/);
    caseId = page.url().split('/').pop()!;
    await page.getByTestId('case-summary').getByText('线索登记', { exact: true }).waitFor();
    expect(await stateOnApi(caseId)).toBe('lead');
  });

  step('advances the case through generated forms and shows the deadline overdue in red', async () => {
    let d = await openEvent(page, 'SCREENED');
    await choose(page, d, '筛查结论', '转入初步核查');
    await submitEvent(page, d, '初步核查');
    // Received 45 days ago: the 30-day verification period runs from the lead's receipt and is over
    // whatever today is (a holiday moves its end by at most a few working days), shown in red with
    // the days overdue as the service's calendar counts them.
    const verification = page.getByTestId('deadlines').locator('[data-rule="verification_30d"]');
    const expected = await expectedDeadline(caseId, 'verification_30d');
    expect(cstDaysFromToday(expected.startAt)).toBe(-45);
    expect(expected.overdue).toBe(true);
    await expect(verification.getAttribute('data-overdue')).resolves.toBe('true');
    await expect(verification.textContent()).resolves.toContain(expected.text);
    expect(await page.evaluate("getComputedStyle(document.querySelector('[data-rule=verification_30d] .text-overdue')).color")).toBe('rgb(207, 19, 34)');

    d = await openEvent(page, 'DAMAGE_CONFIRMED');
    await d.getByLabel('核查认定的损害事实').fill('现场倾倒建筑垃圾约300立方米，占用湿地约1.2亩');
    await submitEvent(page, d, '启动索赔决定');

    // Keyboard only: the first field has the focus and Enter submits.
    d = await openEvent(page, 'CLAIM_STARTED');
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });
    await page.getByTestId('case-summary').getByText('损害调查', { exact: true }).waitFor();
    const notice = page.getByTestId('deadlines').locator('[data-rule="procuratorate_notice_15d"]');
    await expect(notice.textContent()).resolves.toContain((await expectedDeadline(caseId, 'procuratorate_notice_15d')).text);

    d = await openEvent(page, 'PROCURATORATE_NOTIFIED');
    await page.keyboard.type('苏州市吴中区人民检察院');
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });
    await notice.getByText('已办结').waitFor();

    d = await openEvent(page, 'INVESTIGATION_CONCLUDED');
    await choose(page, d, '调查结论', '转入鉴定评估');
    await yesNo(d, '是否已确定赔偿义务人', true);
    await submitEvent(page, d, '鉴定评估');
  });

  step('shows the reason when the service refuses an event, and accepts the corrected one', async () => {
    const d = await openEvent(page, 'ASSESSMENT_COMPLETED');
    await choose(page, d, '评估方式', '专家意见（简易评估）');
    await d.getByLabel('评估认定的损害数额').fill('500000');
    await choose(page, d, '可修复性', '无法修复');
    await d.getByTestId('event-submit').click();
    const refusal = d.getByTestId('event-error');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('简易评估仅适用于损害不超过 300000 元的案件');
    // Money is entered in yuan, with thousands separators.
    await expect(d.getByLabel('评估认定的损害数额').inputValue()).resolves.toMatch(/^500,000(\.00)?$/);
    await screenshot(page, '04-event-form-refused');
    expect(await stateOnApi(caseId)).toBe('assessment');

    await choose(page, d, '评估方式', '委托鉴定评估');
    await submitEvent(page, d, '磋商·送达磋商通知');
  });

  step('carries the case through consultation, agreement and an escrow deposit', async () => {
    let d = await openEvent(page, 'CONSULTATION_NOTICE_SERVED');
    await pickDate(d, '送达日期', cstDate(0));
    await pickDate(d, '答复期限', cstDate(14));
    await submitEvent(page, d, '磋商·磋商进行中');

    // Someone else records the obligor's reply while this form is open: the service refuses the
    // stale version (409) and the form says so plainly.
    d = await openEvent(page, 'CONSULTATION_AGREED');
    await choose(page, d, '义务类型', '公证提存');
    await d.getByLabel('金额').fill('107873');
    await handler.post(`/cases/${caseId}/events`, { type: 'OBLIGOR_REPLIED', reply: 'agree_to_consult' }).expect(200);
    await d.getByTestId('event-submit').click();
    await d.getByTestId('event-error').getByText('该案件已被他人更新，请刷新后重试').waitFor();
    await d.getByRole('button', { name: '关闭并刷新' }).click();
    await d.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: '办理记录（9）' }).waitFor();

    d = await openEvent(page, 'CONSULTATION_AGREED');
    await choose(page, d, '义务类型', '公证提存');
    await d.getByLabel('金额').fill('107873');
    await choose(page, d, '赔偿义务人', '苏州某建材有限公司（企业）');
    await submitEvent(page, d, '赔偿协议·协议起草');

    d = await openEvent(page, 'AGREEMENT_SIGNED');
    await pickDate(d, '签订日期', cstDate(0));
    await submitEvent(page, d, '赔偿协议·协议已签署');

    d = await openEvent(page, 'JUDICIAL_CONFIRMATION_WAIVED');
    await submitEvent(page, d, '履行');

    d = await openEvent(page, 'ESCROW_DEPOSITED');
    await choose(page, d, '赔偿义务', 'O1 公证提存 107,873.00 元（待履行）');
    await d.getByLabel('提存金额').fill('107873');
    await d.getByLabel('公证机构').fill('苏州市姑苏公证处');
    await d.getByLabel('提存公证书编号').fill('（2026）苏姑证字第1024号');
    await pickDate(d, '提存日期', cstDate(0));
    await submitEvent(page, d, '修复效果评估·待评估');

    await page.getByRole('tab', { name: /赔偿义务/ }).click();
    await page.getByRole('cell', { name: '已履行', exact: true }).waitFor();
    await page.getByRole('tab', { name: '流程图' }).click();
    await page.getByTestId('statechart').locator('svg').waitFor();
    await expect(page.getByTestId('statechart').getAttribute('data-current')).resolves.toBe('evaluation.pending');
    await page.getByTestId('statechart').scrollIntoViewIfNeeded();
    await screenshot(page, '03-case-page-diagram');
    await screenshot(page, '03-case-page-full', { fullPage: true });
  });

  step('shows the full timeline from the history', async () => {
    await page.getByRole('tab', { name: /办理记录/ }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const history = (await handler.get(`/cases/${caseId}/history`).expect(200)).body.items as unknown[];
    await expect(timeline.locator('.timeline-entry').count()).resolves.toBe(history.length);
    await timeline.getByText('鉴定评估完成').waitFor();
    await timeline.getByText('评估方式：委托鉴定评估').waitFor();
    await timeline.getByText('提存金额：107,873.00 元').waitFor();
    await screenshot(page, '09-case-timeline');
  });

  step('lets a base manager create, edit and publish a project', async () => {
    const mgr = await signedIn(managerToken);
    await expect(mgr.getByTestId('role').textContent()).resolves.toBe('修复基地管理人');
    await mgr.waitForURL(/\/projects$/);
    await mgr.getByRole('button', { name: '新建项目' }).click();
    const drawer = mgr.locator('.ant-drawer-content');
    await drawer.getByLabel('项目名称').fill(projectName);
    await choose(mgr, drawer, '修复方式', '湿地修复');
    await drawer.getByLabel('修复的环境要素').click();
    await mgr.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: /^湿地$/ }).click();
    await mgr.keyboard.press('Escape');
    await drawer.getByLabel('乡镇（街道）').fill('东山镇');
    // A budget the escrowed money fills exactly: the best money fit for the case.
    await drawer.getByLabel('项目预算').fill('107873');
    const start = cstDate(10);
    const end = cstDate(400);
    // Each end of the range is typed and committed with Enter (a click elsewhere may drop a typed value).
    const zhDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
    const range = drawer.locator('.ant-picker-range input');
    await range.first().click();
    await range.first().fill(zhDate(start));
    await range.first().press('Enter');
    await range.last().fill(zhDate(end));
    await range.last().press('Enter');
    expect([await range.first().inputValue(), await range.last().inputValue()]).toEqual([zhDate(start), zhDate(end)]);
    await drawer.getByLabel('验收标准').fill('湿地植被覆盖率达到80%以上，水质达到III类');
    const [created] = await Promise.all([
      mgr.waitForResponse((r) => r.request().method() === 'POST' && /\/bases\/[^/]+\/projects$/.test(r.url())),
      drawer.getByTestId('project-save').click(),
    ]);
    expect(created.status()).toBe(201);
    expect(await created.json()).toMatchObject({ startDate: start, endDate: end });
    await mgr.waitForURL(/\/projects\/[A-Za-z0-9_-]+$/);
    projectId = mgr.url().split('/').pop()!;
    await mgr.getByText('草稿').first().waitFor();

    await mgr.getByRole('button', { name: /编\s?辑/ }).click();
    await mgr.locator('.ant-drawer-content').getByLabel('公益效益').fill('恢复太湖东岸滨水湿地约50亩，向公众开放');
    await mgr.locator('.ant-drawer-content').getByTestId('project-save').click();
    await mgr.getByText('恢复太湖东岸滨水湿地约50亩，向公众开放').waitFor();

    await mgr.locator('[data-action="publish"]').click();
    const [published] = await Promise.all([
      mgr.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/projects/${projectId}/publish`)),
      mgr.locator('.ant-modal-content').getByRole('button', { name: /确\s?定/ }).click(),
    ]);
    expect(published.status()).toBe(200);
    await mgr.getByText(/已发布/).first().waitFor();
    // Two-way matching from the project's side: the case's escrowed money is suggested, with reasons.
    const forProject = mgr.getByTestId('case-suggestions');
    await forProject.locator('tr.ant-table-row').filter({ hasText: title }).getByTestId('score-reasons').getByText('资金', { exact: true }).waitFor();
    await mgr.getByRole('link', { name: '修复项目库' }).click();
    await mgr.getByRole('link', { name: projectName }).waitFor();
    await screenshot(mgr, '05-project-library');
    await mgr.context().close();
  });

  step('matches the case with the project (scores with reasons) and confirms the allocation from both sides', async () => {
    await page.reload();
    await page.getByRole('tab', { name: '替代修复匹配' }).click();
    const suggestions = page.getByTestId('project-suggestions');
    await suggestions.getByRole('link', { name: projectName }).waitFor();
    await suggestions.getByTestId('score-reasons').first().getByText('生态要素').waitFor();
    await suggestions.getByRole('button', { name: '提议分配' }).first().click();
    const modal = page.locator('.ant-modal-content').filter({ hasText: '提议分配' });
    await modal.getByRole('button', { name: '提出分配' }).click();
    await modal.waitFor({ state: 'detached' });
    await page.getByText('案件方待确认').waitFor();
    await page.locator('[data-action="accept"]').click();
    await page.getByText('案件方已确认').waitFor();

    const mgr = await signedIn(managerToken);
    await mgr.getByRole('link', { name: '资金分配' }).click();
    await mgr.getByText('项目方待确认').waitFor();
    await screenshot(mgr, '06-allocations');
    await mgr.locator('[data-action="accept"]').click();
    await mgr.getByText('双方均已确认，分配生效').waitFor();
    await mgr.getByText(/已确认/).first().waitFor();
    await mgr.context().close();

    const allocations = (await handler.get(`/allocations?caseId=${caseId}`).expect(200)).body.items;
    expect(allocations).toEqual([expect.objectContaining({ status: 'confirmed', amountFen: 10_787_300, projectId })]);
  });

  step('shows the escrow ledger with the deposit, its allocation and its age', async () => {
    await page.getByRole('link', { name: '提存台账' }).click();
    const ledger = page.getByTestId('escrow-ledger');
    await ledger.getByText(title).waitFor();
    const row = ledger.locator('tr.ant-table-row').filter({ hasText: title });
    await row.getByText('107,873.00 元').first().waitFor();
    await page.getByTestId('escrow-totals').waitFor();
    await row.locator('.ant-table-row-expand-icon').click();
    await page.getByText('（2026）苏姑证字第1024号').waitFor();
    await screenshot(page, '07-escrow-ledger');
  });

  step('closes the case in the browser', async () => {
    await page.goto(`${base}/cases/${caseId}`);
    let d = await openEvent(page, 'EVALUATION_EXEMPTED');
    await choose(page, d, '免于评估的理由', '无修复义务（仅赔偿金、费用或提存）');
    await submitEvent(page, d, '修复效果评估·免于评估');
    d = await openEvent(page, 'CASE_CLOSED');
    await d.getByLabel('档案号').fill('吴环赔档〔2026〕12号');
    await submitEvent(page, d, '已结案');
    await page.getByText('案件已结案，无待办事项。').waitFor();
    const view = (await handler.get(`/cases/${caseId}`).expect(200)).body;
    expect(view).toMatchObject({ state: 'closed', outcome: 'completed', liabilityStatus: 'discharged' });
  });

  step('shows the dashboard with the same rates as the API, the charts and the CSV download', async () => {
    const viewer = await signedIn(viewerToken);
    await viewer.getByRole('link', { name: '统计看板' }).click();
    const kpis = (await request(svc.app).get('/api/v1/stats/kpis').set('Authorization', `Bearer ${viewerToken}`).expect(200)).body;
    for (const key of ['initiationRate', 'closureRate', 'restorationRate']) {
      const card = viewer.locator(`[data-kpi="${key}"]`);
      await card.locator('[data-part="numerator"]').waitFor();
      await expect(card.locator('[data-part="numerator"]').textContent()).resolves.toBe(String(kpis[key].numerator));
      await expect(card.locator('[data-part="denominator"]').textContent()).resolves.toBe(String(kpis[key].denominator));
      const shown = await card.locator('.ant-statistic-content-value').textContent();
      expect(shown).toBe(kpis[key].value === null ? '—' : `${(kpis[key].value * 100).toFixed(1)}%`);
    }
    await viewer.getByTestId('chart-state').locator('canvas').waitFor();
    await viewer.getByTestId('chart-district').locator('canvas').waitFor();
    const [download] = await Promise.all([viewer.waitForEvent('download'), viewer.getByTestId('download-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    await screenshot(viewer, '08-dashboard');
    await viewer.context().close();
  });

  step('fits 1366×768 and 1920×1080 without horizontal scrolling', async () => {
    for (const viewport of [DESKTOP, WIDE]) {
      const p = await signedIn(handlerToken, viewport);
      const routes = viewport === DESKTOP ? ['/cases', `/cases/${caseId}`, '/projects', '/allocations', '/escrow', '/dashboard'] : ['/cases', `/cases/${caseId}`, '/dashboard'];
      for (const route of routes) {
        await p.goto(`${base}${route}`);
        await p.getByTestId('whoami').waitFor();
        await p.waitForLoadState('networkidle');
        const overflow = await p.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect({ route, viewport: viewport.width, overflow }).toEqual({ route, viewport: viewport.width, overflow: 0 });
      }
      await p.context().close();
    }
  });

  step('signs out', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.goto(`${base}/cases`);
    await page.waitForURL(/\/login$/);
  });
});
