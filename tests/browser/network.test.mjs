// Nothing is sent over the network: every request the page and its worker make while the app
// loads, runs on the user's files, restores them after a reload and downloads a table as CSV
// is for one of the site's own static files (a file of dist/, from the server that serves it).
// blob: URLs (the worker's bootstrap script, the download) and data: URLs never leave the
// browser and are allowed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { APP_URL, assertClean, dagNode, launch, mainTable, openApp } from './helpers.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Why a URL is not one of the site's own files, or null when it is. */
function notOwn(url) {
  const parsed = new URL(url);
  if (parsed.protocol === 'blob:' || parsed.protocol === 'data:') return null;
  if (parsed.origin !== new URL(APP_URL).origin) return `${url}: another origin`;
  if (parsed.search) return `${url}: a query string carries data`;
  let path = decodeURIComponent(parsed.pathname).replace(/^\//, '');
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const file = DIST + path;
  if (!existsSync(file) || !statSync(file).isFile()) return `${url}: not a file of dist/`;
  return null;
}

test('load, a run on your files, a reload and a CSV download request only the site\'s own files', async () => {
  const app = await openApp(browser);
  const { page, requests } = app;
  const lines = (await readFile(new URL('../../seeds/transactions.csv', import.meta.url), 'utf8'))
    .trim()
    .split('\n');
  await page.getByTestId('files-input').setInputFiles({
    name: 'first-five.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.slice(0, 6).join('\n') + '\n'),
  });
  await dagNode(page, 'source.c360.web.transactions').filter({ hasText: '5 rows' }).waitFor();
  await page.waitForFunction(() => {
    const d = document.documentElement.dataset;
    return d.c360Run === 'done' && d.c360StorageSeq === d.c360RunSeq;
  });

  await page.reload();
  await page.getByTestId('session-notice').waitFor();
  await dagNode(page, 'source.c360.web.transactions').filter({ hasText: '5 rows' }).waitFor();
  await mainTable(page).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-csv').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^id,/, 'the customers table, as CSV');
  requests.push(download.url());

  const urls = requests.map((u) => new URL(u));
  const paths = urls.filter((u) => u.protocol === 'http:').map((u) => u.pathname);
  // What is recorded includes the worker's own requests (its script and its wasm), twice: once
  // per page load.
  assert.equal(paths.filter((p) => p === '/c360-worker_bg.wasm').length, 2, paths.join(' '));
  assert.equal(paths.filter((p) => p === '/c360-worker.js').length, 2, paths.join(' '));
  assert.equal(paths.filter((p) => p === '/').length, 2, paths.join(' '));
  assert.deepEqual(requests.map(notOwn).filter(Boolean), [], 'requests beyond the site\'s files');
  assert.equal(new URL(download.url()).protocol, 'blob:');

  await page.getByTestId('forget-data').click();
  await page.getByTestId('forget-data').waitFor({ state: 'detached' });
  assertClean(app);
  await app.context.close();
});
