// Shared setup for the browser tests: Debian's Chromium driven by playwright-core, one fresh
// page per test, with every console error and every request to another host recorded.
//
// The app's URL comes from C360_URL (scripts/test-browser builds dist/, serves it and sets it).

import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';

export const APP_URL = process.env.C360_URL;

/** The flags every headless Chromium here starts with (the benchmark's too). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium; never downloads a browser. */
export async function launch() {
  if (!APP_URL) {
    throw new Error('C360_URL is not set: run scripts/test-browser, which builds and serves the app');
  }
  return chromium.launch({
    executablePath: process.env.C360_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Whether a request stays on this machine (or never leaves the page: data:, blob:). */
function isLocal(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * Opens the app in a fresh context and waits for the first run's table. `initScript`, when
 * given, runs in the page before the app does, on every load (to take a browser API away);
 * `search`, a query for the app's address (`?c360-test-crash`, the test-only crash hook).
 * Returns the page, the console errors and uncaught exceptions seen, the non-local requests,
 * and every request the context made (the page's and its worker's), in order.
 */
export async function openApp(browser, { initScript, search = '' } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 1000 },
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  if (initScript) await context.addInitScript(initScript);
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors = [];
  const external = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    if (!isLocal(request.url())) external.push(request.url());
  });
  await page.goto(APP_URL + search);
  await mainTable(page).waitFor({ timeout: 30_000 });
  return { page, context, errors, external, requests };
}

/** The open node's table (findings' row tables carry no data-node). */
export function mainTable(page) {
  return page.locator('[data-testid="node-table"] table.c360-table[data-node]');
}

/** A DAG node, by unique id. */
export function dagNode(page, uniqueId) {
  return page.locator(`.c360-dag [data-node="${uniqueId}"]`);
}

/** Opens a node by clicking it in the DAG and waits for its table. */
export async function openNode(page, uniqueId) {
  await dagNode(page, uniqueId).click();
  await page
    .locator(`[data-testid="node-table"] table.c360-table[data-node="${uniqueId}"]`)
    .waitFor();
}

/** Sets the as-of date and waits for the run log to say the DAG ran as of that day. */
export async function setAsOf(page, day) {
  await page.locator('[data-testid="as-of"]').fill(day);
  await page.locator('[data-testid="run-summary"]', { hasText: `as of ${day}` }).waitFor();
}

/** The column names of a table, in order. */
export async function columns(table) {
  return table.locator('thead th').evaluateAll((ths) => ths.map((th) => th.dataset.column));
}

/** Every shown value of one column of a table, top to bottom. */
export async function columnValues(table, column) {
  const index = (await columns(table)).indexOf(column);
  if (index < 0) throw new Error(`no column ${column}`);
  return table
    .locator('tbody tr')
    .evaluateAll((rows, i) => rows.map((row) => row.cells[i]?.textContent.trim()), index);
}

/** The cell of `column` in the row whose text contains `rowKey`. */
export async function cell(table, rowKey, column) {
  const index = (await columns(table)).indexOf(column);
  if (index < 0) throw new Error(`no column ${column}`);
  return table.locator('tbody tr', { hasText: rowKey }).locator('td').nth(index);
}

/** A test's row in the test panel, by unique id. */
export function testRow(page, uniqueId) {
  return page.locator(`[data-testid="tests"] [data-test="${uniqueId}"]`);
}

/** Opens a test's detail by clicking its name, and returns the detail. */
export async function openTest(page, uniqueId) {
  await testRow(page, uniqueId).locator('button.c360-tests__name').click();
  const detail = page.locator(`[data-testid="test-detail"][data-test-detail="${uniqueId}"]`);
  await detail.waitFor();
  return detail;
}

/** The schema editor's text area. */
export function schemaEditor(page) {
  return page.getByTestId('schema-editor');
}

/** Replaces the schema editor's text as a user would: select all, then type the new text. */
export async function typeSchema(page, text) {
  await schemaEditor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/**
 * Edits a text by 1-based line numbers: `{ 17: '- not_nul', 42: null }` replaces line 17 and
 * deletes line 42. `expected` says what each edited line held, so a fixture cannot silently
 * drift from the shipped schema.
 */
export function editLines(text, edits, expected) {
  const lines = text.split('\n');
  for (const [line, was] of Object.entries(expected)) {
    if (lines[line - 1]?.trim() !== was) {
      throw new Error(`line ${line} is ${JSON.stringify(lines[line - 1])}, expected ${was}`);
    }
  }
  const out = [];
  lines.forEach((content, i) => {
    const edit = edits[i + 1];
    if (edit === undefined) out.push(content);
    else if (edit !== null) out.push(edit);
  });
  return out.join('\n');
}

/** The records of a CSV text (RFC 4180 quoting), each an array of fields. */
export function parseCsv(text) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

/** Fails the test if the page logged an error or reached for another host. */
export function assertClean({ errors, external }) {
  assert.deepEqual(errors, [], 'console errors');
  assert.deepEqual(external, [], 'requests to hosts other than localhost');
}
