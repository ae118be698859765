// Browser tests of the operations dashboard (/dashboard/ on the monitor's port), against a server this file starts
// itself (tests/helpers/server.mjs: its own free ports, short alert and staleness thresholds, the dev profile's admin
// token read from its log), so the faults it injects never reach the server the other tests use.
//
//   QUOTECAST_JAR=../app/target/quotecast.jar node --test tests/dashboard.test.js      (from e2e/)
//
// With QUOTECAST_OPS_URL and QUOTECAST_ADMIN_TOKEN (run.sh exports both for its server) it also opens the dashboard
// of that server with the token the server printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Server, ARTIFACTS, stopAll } from './helpers/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const USER = 'e2e-dash';
const WATCHED = ['600519.SH', '000001.SZ', '300750.SZ'];

const server = new Server('dashboard-server', {
  props: {
    // a symbol without updates for 2 s is stale (default 60 s)
    'quotecast.quality.staleMs': 2000,
    // a data source down for 1 s fires its alert, up again for 1 s resolves it (defaults: 10 s each)
    'quotecast.alerts.sourceDown.forMs': 1000,
    'quotecast.alerts.sourceDown.clearMs': 1000,
  },
});
let browser;
let adminToken;
let available = {}; // admin route -> whether this server has it
let clients; // the browser context of the client pages that make the traffic
let dash; // the dashboard page shared by the tests below, in order

before(async () => {
  server.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await server.ready();
  adminToken = await server.adminToken();
  for (const route of ['/admin/stats', '/admin/quality', '/admin/alerts', '/admin/connections', '/admin/traces',
    '/admin/subscriptions']) {
    const r = await ops('GET', route);
    available[route] = r.status !== 404;
  }
});

after(async () => {
  await dash?.context.close().catch(() => {});
  await clients?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await stopAll();
});

// ---- helpers -------------------------------------------------------------------------------------------------------

async function ops(method, route, body, token = adminToken) {
  const r = await fetch(server.opsBase + route, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

async function devToken(sub, tier = 'pro') {
  const r = await fetch(`${server.base}/api/v1/auth/dev-token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub, tier, ttlSeconds: 600 }),
  });
  assert.equal(r.status, 200, 'dev token');
  return (await r.json()).token;
}

/** A page of its own context that records page errors, console errors and failed requests. */
async function openPage(url, { allow = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  const allowed = (text) => allow.some((re) => re.test(text));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allowed(m.text())) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('requestfailed', (r) => {
    // SockJS may abort its own long-polling requests on close; anything else is a problem
    if (!/\/eventbus\//.test(r.url())) problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { context, page, problems };
}

/** Console 404s of the routes this server lacks (before every piece of issue 6 is merged): allowed, and reported. */
function missingRouteNoise() {
  const missing = Object.entries(available).filter(([, ok]) => !ok).map(([r]) => r);
  if (missing.length) console.log(`# routes not on this server yet (their panels say "not available"): ${missing.join(', ')}`);
  return missing.length ? [/status of 404/] : [];
}

const kpi = (page, name) => page.$eval(`.kpi[data-kpi="${name}"]`, (el) => ({
  value: el.dataset.value === undefined ? null : Number(el.dataset.value), text: el.querySelector('.value').textContent,
}));

async function shot(page, name, fullPage = true) {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
}

// ---- tests ---------------------------------------------------------------------------------------------------------

test('without an admin token the dashboard asks for one and its bridge refuses to open', async () => {
  const user = await devToken('e2e-not-admin');
  const { context, page, problems } = await openPage(`${server.opsBase}/dashboard/`, { allow: [/status of 40[13]/, ...missingRouteNoise()] });
  try {
    await page.waitForFunction(() => document.body.dataset.auth === 'required', null, { timeout: 10000 });
    assert.equal(await page.locator('#login').isVisible(), true, 'the token prompt is shown');
    // the bridge itself: no token 401, a token without the admin scope 403 (SockJS starts at /info)
    const statuses = await page.evaluate(async (t) => [
      (await fetch('/dashboard/eventbus/info')).status,
      (await fetch('/dashboard/eventbus/info?token=' + encodeURIComponent(t))).status,
      (await fetch('/dashboard/eventbus/info?token=not.a.jwt')).status,
    ], user);
    assert.deepEqual(statuses, [401, 403, 401]);
    // a user's token is refused by the page too, and nothing streams
    await page.locator('#login-token').fill(user);
    await page.locator('#login-form button[type=submit]').click();
    await page.waitForFunction(() => /admin scope/.test(document.querySelector('#login-error').textContent), null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => document.body.dataset.bus), 'idle', 'no live feed without an admin token');
    await shot(page, 'dashboard-login.png', false);
    // the admin token opens it
    await page.locator('#login-token').fill(adminToken);
    await page.locator('#login-form button[type=submit]').click();
    await page.waitForFunction(() => document.body.dataset.bus === 'live', null, { timeout: 15000 });
    assert.equal(await page.locator('#login').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the bridge also works over SockJS\'s HTTP fallback (xhr-streaming)', async () => {
  const { context, page, problems } = await openPage(`${server.opsBase}/dashboard/?sockjsTransports=xhr-streaming&token=${adminToken}`,
    { allow: missingRouteNoise() });
  try {
    await page.waitForFunction(() => document.body.dataset.bus === 'live', null, { timeout: 15000 });
    assert.match(await page.textContent('#bus-state'), /xhr-streaming/);
    const heard = Number(await page.evaluate(() => document.body.dataset.figures || 0));
    await page.waitForFunction((n) => Number(document.body.dataset.figures) >= n + 2, heard, { timeout: 10000 });
    assert.doesNotMatch(page.url(), /token=/);
    assert.match(page.url(), /sockjsTransports=xhr-streaming/, 'other parameters stay');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the dashboard loads with the admin token and its numbers move with the traffic', async () => {
  dash = await openPage(`${server.opsBase}/dashboard/?token=${adminToken}`, { allow: missingRouteNoise() });
  const { page } = dash;
  await page.waitForFunction(() => document.body.dataset.bus === 'live', null, { timeout: 15000 });
  assert.doesNotMatch(page.url(), /token=/, 'the token leaves the address bar');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('quotecast.ops.token')), adminToken);
  // the node's figures arrive every second over the bridge
  await page.waitForFunction(() => Number(document.body.dataset.figures) >= 2, null, { timeout: 10000 });
  await page.waitForSelector('#nodes tbody tr[data-name="node-1"][data-state="up"]', { timeout: 10000 });
  assert.equal(await page.textContent('#cluster-state'), 'Healthy');
  const before = await kpi(page, 'connections');

  // traffic: three realtime clients of one user on the demo page
  const token = await devToken(USER);
  clients = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  for (let i = 0; i < 3; i++) {
    const p = await clients.newPage();
    await p.goto(`${server.base}/?token=${token}&freq=realtime&symbols=${WATCHED.join(',')}`, { waitUntil: 'domcontentloaded' });
  }
  await page.waitForFunction((n) => Number(document.querySelector('.kpi[data-kpi="connections"]').dataset.value) >= n,
    before.value + 3, { timeout: 15000 });
  await page.waitForFunction(() => Number(document.querySelector('.kpi[data-kpi="messagesOut"]').dataset.value) > 0
    && Number(document.querySelector('.kpi[data-kpi="latency"]').dataset.value) >= 0
    && Number(document.querySelector('.kpi[data-kpi="subscriptions"]').dataset.value) >= 9, null, { timeout: 15000 });
  // the numbers keep moving: the charts gain points and the throughput changes from second to second
  const pointsBefore = Number(await page.getAttribute('#chart-messages canvas', 'data-points'));
  const rates = new Set();
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline && rates.size < 3) {
    rates.add((await kpi(page, 'messagesOut')).value);
    await page.waitForTimeout(700);
  }
  assert.ok(rates.size >= 2, `messages out/s changed over time: ${[...rates].join(', ')}`);
  const pointsAfter = Number(await page.getAttribute('#chart-messages canvas', 'data-points'));
  assert.ok(pointsAfter > pointsBefore, `the throughput chart grows: ${pointsBefore} -> ${pointsAfter}`);
  const after = await kpi(page, 'connections');
  console.log(`# connections ${before.value} -> ${after.value}, messages out/s seen: ${[...rates].join(', ')}`);
  const row = await page.$eval('#nodes tbody tr[data-name="node-1"]', (tr) => tr.textContent);
  assert.match(row, /simulator: up/, 'the node row shows its data source');
  if (available['/admin/subscriptions']) {
    await page.waitForSelector(`#channels .chan[data-ch="quote:${WATCHED[0]}"]`, { timeout: 10000 });
  }
  await shot(page, 'dashboard.png');
  assert.deepEqual(dash.problems, []);
});

test('an injected data-source fault raises an alert that appears live, then resolves', async () => {
  assert.ok(dash, 'the dashboard page of the previous test');
  const { page } = dash;
  if (!available['/admin/alerts']) {
    assert.fail('GET /admin/alerts must be served (the alerts panel needs it)');
  }
  const r = await ops('POST', '/admin/source/fault', { mode: 'down', durationMs: 5000 });
  assert.equal(r.status, 202, r.text);
  await page.waitForSelector('#alerts li[data-rule="sourceDown"][data-state="firing"]', { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('#cluster-state').dataset.state === 'critical', null, { timeout: 5000 });
  assert.ok(Number(await page.getAttribute('.kpi[data-kpi="alerts"]', 'data-value')) >= 1);
  await shot(page, 'dashboard-alert.png');
  // the source comes back after 5 s; the alert resolves 1 s later
  await page.waitForSelector('#alerts li[data-rule="sourceDown"][data-state="resolved"]', { timeout: 25000 });
  assert.deepEqual(dash.problems, []);
});

test('the quality table shows an injected stale symbol', async () => {
  const { page } = dash;
  // a busy symbol (the simulator's activity is random per start): stale 2 s after its last update, not 10x its interval
  const all = await ops('GET', '/admin/quality?sort=symbol&limit=10000');
  assert.equal(all.status, 200, all.text);
  const STALE_SYMBOL = all.json.rows.filter((row) => !WATCHED.includes(row.symbol) && !row.stale)
    .sort((a, b) => b.updates - a.updates)[0].symbol;
  const r = await ops('POST', '/admin/source/fault', { mode: 'stale', symbol: STALE_SYMBOL, durationMs: 60000 });
  assert.equal(r.status, 202, r.text);
  try {
    const row = `#quality tbody tr[data-symbol="${STALE_SYMBOL}"]`;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      await page.click('#quality-refresh');
      await page.waitForTimeout(1000);
      const flags = await page.$eval(row, (tr) => tr.dataset.flags).catch(() => null);
      if (flags && flags.split(' ').includes('stale')) break;
    }
    assert.match(await page.$eval(row, (tr) => tr.dataset.flags), /\bstale\b/, `${STALE_SYMBOL} flagged stale`);
    await shot(page, 'dashboard-quality.png');
    assert.deepEqual(dash.problems, []);
  } finally {
    await ops('POST', '/admin/source/fault', { mode: 'stale', symbol: STALE_SYMBOL, durationMs: 0 });
  }
});

test('connection search: a user\'s connections, one in detail with its subscriptions, closed with 4100', async () => {
  const { page } = dash;
  if (!available['/admin/connections']) {
    assert.fail('GET /admin/connections must be served');
  }
  await page.fill('#conn-user', USER);
  await page.click('#conn-search button[type=submit]');
  await page.waitForFunction((u) => document.querySelectorAll(`#connections tbody tr[data-user="${u}"]`).length === 3,
    USER, { timeout: 10000 });
  const id = await page.getAttribute(`#connections tbody tr[data-user="${USER}"]`, 'data-id');
  await page.click(`#connections tbody tr[data-id="${id}"]`);
  await page.waitForSelector(`#conn-detail[data-id="${id}"] tr[data-ch]`, { timeout: 10000 });
  const channels = await page.$$eval('#conn-detail tr[data-ch]', (rows) => rows.map((r) => r.dataset.ch));
  for (const s of WATCHED) assert.ok(channels.includes(`quote:${s}`), `quote:${s} in ${channels.join(', ')}`);
  await shot(page, 'dashboard-connection.png');
  await page.click('#conn-close');
  await page.click('#conn-close-confirm');
  await page.waitForFunction(() => /closed with 4100/.test(document.querySelector('#conn-close-status')?.textContent || ''),
    null, { timeout: 10000 });
  // gone from the list; the other two stay
  await page.waitForFunction(({ u, gone }) => !document.querySelector(`#connections tbody tr[data-id="${gone}"]`)
    && document.querySelectorAll(`#connections tbody tr[data-user="${u}"]`).length === 2, { u: USER, gone: id }, { timeout: 10000 });
  assert.equal((await ops('GET', `/admin/connections/${id}`)).status, 404, 'the connection is closed');
  assert.deepEqual(dash.problems, []);
});

test('a trace of a user streams its messages live into the trace view', async () => {
  const { page } = dash;
  if (!available['/admin/traces']) {
    assert.fail('POST /admin/traces must be served');
  }
  await page.selectOption('#trace-kind', 'user');
  await page.fill('#trace-target', USER);
  await page.fill('#trace-seconds', '20');
  await page.click('#trace-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#trace').dataset.state === 'active', null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('#trace tbody tr[data-direction="out"]').length >= 5, null, { timeout: 15000 });
  const rows = await page.$$eval('#trace tbody tr[data-direction]', (trs) => trs.slice(0, 20).map((tr) => tr.textContent));
  assert.ok(rows.some((r) => /quote:(600519\.SH|000001\.SZ|300750\.SZ)/.test(r)), `quote messages traced: ${rows[0]}`);
  await shot(page, 'dashboard-trace.png');
  await page.click('#trace-stop');
  await page.waitForFunction(() => document.querySelector('#trace').dataset.state === 'ended', null, { timeout: 10000 });
  assert.match(await page.textContent('#trace-status'), /stopped/);
  assert.deepEqual(dash.problems, []);
});

test('Drain and Undrain from the nodes table', async () => {
  const { page } = dash;
  if (!available['/admin/connections']) {
    assert.fail('POST /admin/drain must be served');
  }
  const button = '#nodes tbody tr[data-name="node-1"] button';
  const action = () => page.$eval(button, (b) => `${b.dataset.action}|${b.textContent}`);
  await page.click(button);
  assert.equal(await action(), 'drain|Drain node-1?', 'asks for a confirmation first');
  await page.click(button);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.action === 'undrain', button, { timeout: 10000 });
  let ready = await fetch(`${server.opsBase}/health/ready`);
  assert.equal(ready.status, 503, 'a drained node is not ready');
  assert.equal((await ready.json()).draining, true);
  await page.click(button);
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.action === 'drain', button, { timeout: 10000 });
  ready = await fetch(`${server.opsBase}/health/ready`);
  assert.equal((await ready.json()).draining, false, 'undrained');
  assert.deepEqual(dash.problems, []);
});

test('the server run.sh started serves its dashboard to the admin token it printed', async () => {
  const opsUrl = process.env.QUOTECAST_OPS_URL;
  const token = process.env.QUOTECAST_ADMIN_TOKEN;
  // Like the demo tests' QUOTECAST_URL, these come from run.sh, which runs every e2e test: never skip silently.
  assert.ok(opsUrl && token, 'QUOTECAST_OPS_URL and QUOTECAST_ADMIN_TOKEN must be set (bash e2e/run.sh sets them)');
  const { context, page, problems } = await openPage(`${opsUrl.replace(/\/$/, '')}/dashboard/?token=${token}`,
    { allow: missingRouteNoise() });
  try {
    await page.waitForFunction(() => document.body.dataset.bus === 'live' && Number(document.body.dataset.figures) >= 1,
      null, { timeout: 15000 });
    await page.waitForSelector('#nodes tbody tr[data-state="up"]', { timeout: 10000 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
