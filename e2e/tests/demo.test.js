// Browser tests of the demo page served by the gateway at GET /.
// Run against a running server: QUOTECAST_URL=http://127.0.0.1:18080 node --test tests/
// (e2e/run.sh starts the built jar on free ports and does exactly that.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.QUOTECAST_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const DEFAULT_WATCHLIST = ['600519.SH', '000001.SZ', '300750.SZ', '601318.SH', '600036.SH', '000858.SZ',
  '688981.SH', '002594.SZ', '601398.SH', '000333.SZ', '920077.BJ', '000078.SZ'];

let browser;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh page (own context: no stored watchlist) that records console errors and failed requests. */
async function openPage(query = '') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => {
    // SockJS may abort its own long-polling requests on close; anything else is a problem
    if (!/\/sockjs\//.test(r.url())) problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(`${BASE}/${query}`, { waitUntil: 'domcontentloaded' });
  return { context, page, problems };
}

async function waitConnected(page, transport) {
  await page.waitForFunction(() => document.body.dataset.state === 'connected', null, { timeout: 20000 });
  assert.equal(await page.locator('#conn-state').textContent(), 'connected');
  assert.equal(await page.evaluate(() => document.body.dataset.transport), transport);
  assert.match(await page.locator('#conn-transport').textContent(), new RegExp('^' + transport));
  const id = (await page.locator('#conn-id').textContent()).trim();
  assert.ok(id && id !== '–', `connectionId shown, got ${JSON.stringify(id)}`);
  return id;
}

/** Text of every board row's last and volume cells, keyed by symbol. */
function boardSnapshot(page) {
  return page.$$eval('#board tbody tr[data-symbol]', (rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.symbol, `${r.querySelector('.last').textContent}|${r.querySelector('.vol').textContent}`])));
}

async function assertBoardMoves(page) {
  // rows appear and get prices
  // every default symbol gets a row with a price
  await page.waitForFunction((syms) => syms.every((s) => /\d/.test(
    document.querySelector(`#board tbody tr[data-symbol="${s}"] .last`)?.textContent || '')), DEFAULT_WATCHLIST, { timeout: 20000 });
  const first = await boardSnapshot(page);
  assert.deepEqual(Object.keys(first), DEFAULT_WATCHLIST, 'board rows in watchlist order');
  const names = await page.$$eval('#board tbody tr[data-symbol] td.name', (tds) => tds.map((td) => td.textContent));
  assert.ok(names.some((n) => n.includes('贵州茅台')), `board shows 贵州茅台: ${names.join(', ')}`);
  const tags = await page.$$eval('#board tbody tr[data-symbol] .tag', (t) => t.map((x) => x.textContent));
  assert.ok(tags.includes('ST') && tags.includes('北交所'), `ST and BJ names are tagged: ${tags.join(', ')}`);
  for (const [sym, v] of Object.entries(first)) assert.match(v, /^\d+\.\d{2}\|/, `${sym} last price has 2 decimals: ${v}`);
  // the market moves: some price or volume on the board changes within ~10 s
  const deadline = Date.now() + 10000;
  let changed = [];
  while (Date.now() < deadline && !changed.length) {
    await page.waitForTimeout(250);
    const now = await boardSnapshot(page);
    changed = Object.keys(first).filter((s) => now[s] && now[s] !== first[s]);
  }
  assert.ok(changed.length > 0, 'at least one board price/volume changed within 10 s');
  return changed;
}

test('page loads, connects over WebSocket and the board moves', async () => {
  const { context, page, problems } = await openPage();
  try {
    await waitConnected(page, 'websocket');
    assert.notEqual((await page.locator('#conn-node').textContent()).trim(), '–');
    const changed = await assertBoardMoves(page);
    // RTT comes from the {"op":"ping"} sent right after welcome
    await page.waitForFunction(() => /\d+ ms/.test(document.querySelector('#conn-rtt').textContent), null, { timeout: 10000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'board-websocket.png') });
    assert.deepEqual(problems, [], `no page errors (changed: ${changed.join(', ')})`);
  } finally {
    await context.close();
  }
});

test('search gzmt, select 贵州茅台: order book, trades and K-line chart', async () => {
  const { context, page, problems } = await openPage();
  try {
    await waitConnected(page, 'websocket');
    await page.locator('#search').fill('gzmt');
    const option = page.locator('#search-results li[data-symbol="600519.SH"]');
    await option.waitFor({ timeout: 10000 });
    assert.match(await option.textContent(), /贵州茅台/);
    await option.click();
    await page.waitForFunction(() => document.querySelector('#sel-name').textContent.includes('贵州茅台'), null, { timeout: 10000 });
    assert.match(await page.locator('#sel-symbol').textContent(), /600519\.SH/);
    assert.equal(await page.locator('#board tbody tr.selected').getAttribute('data-symbol'), '600519.SH');

    // 5-level book: 5 bids and 5 asks, fewer only when the price sits at a limit
    await page.waitForFunction(() => document.querySelectorAll('#book .level:not(.empty)').length > 0, null, { timeout: 15000 });
    const book = await page.evaluate(() => ({
      bids: document.querySelectorAll('#book .level.bid:not(.empty)').length,
      asks: document.querySelectorAll('#book .level.ask:not(.empty)').length,
      order: [...document.querySelectorAll('#book .level')].map((l) => l.classList.contains('ask') ? 'a' : 'b').join(''),
      q: window.quotecast.state.quotes.get('600519.SH'),
    }));
    assert.equal(book.order, 'aaaaabbbbb', 'asks above bids');
    const atLimit = book.q && (book.q.last >= book.q.limitUp || book.q.last <= book.q.limitDown);
    if (!atLimit) {
      assert.equal(book.bids, 5, '5 bid levels');
      assert.equal(book.asks, 5, '5 ask levels');
    } else {
      assert.ok(book.bids + book.asks >= 1, 'at a limit, one side of the book is shown');
    }

    // trades appear
    await page.waitForFunction(() => document.querySelectorAll('#trades li').length > 0, null, { timeout: 15000 });
    const trade = await page.locator('#trades li').first().textContent();
    assert.match(trade, /\d{2}:\d{2}:\d{2}\d+\.\d{2}\d+/);

    // the K-line chart drew at least one bar
    await page.waitForFunction(() => Number(document.querySelector('#kline').dataset.bars) >= 1, null, { timeout: 15000 });
    const bars = Number(await page.locator('#kline').getAttribute('data-bars'));
    assert.ok(bars >= 1, `bars drawn: ${bars}`);
    await page.waitForTimeout(1500); // let a few live updates land for the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, 'selected-600519.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('with ?transport=sockjs the page connects over SockJS and the board moves', async () => {
  const { context, page, problems } = await openPage('?transport=sockjs');
  try {
    await waitConnected(page, 'sockjs');
    assert.equal(await page.evaluate(() => typeof window.SockJS), 'function', 'SockJS client loaded from the gateway');
    await assertBoardMoves(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'board-sockjs.png') });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('SockJS over plain HTTP (xhr-streaming, as behind a proxy without WebSocket) also moves the board', async () => {
  const { context, page, problems } = await openPage('?transport=sockjs&sockjsTransports=xhr-streaming');
  try {
    await waitConnected(page, 'sockjs');
    assert.match(await page.locator('#conn-transport').textContent(), /xhr-streaming/);
    await assertBoardMoves(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
