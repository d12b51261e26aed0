// Every view has a URL, in headless Chromium, served by a plain static server (no rewrites):
// opening a node, sorting and paging its table and opening a test write the address; the
// back button returns through them; and a deep link opened cold lands on its view.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { APP_URL, assertClean, launch, mainTable, openApp, openNode, openTest } from './helpers.mjs';

const TRANSACTIONS = 'source.c360.web.transactions';
const UNIQUE_ID = 'test.c360.source_unique_web_transactions_id';

const hash = (page) => page.evaluate(() => location.hash);

/** The open node's table, its sort and its page range, as the page shows them. */
async function view(page) {
  const table = mainTable(page);
  await table.waitFor();
  const sorted = await table
    .locator('th[aria-sort="ascending"], th[aria-sort="descending"]')
    .evaluateAll((ths) => ths.map((th) => `${th.dataset.column} ${th.getAttribute('aria-sort')}`));
  return {
    node: await table.getAttribute('data-node'),
    sorted,
    range: (await page.locator('[data-testid="node-table"]').getByTestId('page-range').textContent()).trim(),
  };
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('opening, sorting and paging write the address, and the back button returns', async () => {
  const app = await openApp(browser);
  const { page } = app;
  assert.equal(await hash(page), '', 'a bare address stays bare');

  await openNode(page, TRANSACTIONS);
  assert.equal(await hash(page), `#/node/${TRANSACTIONS}`);
  const panel = page.locator('[data-testid="node-table"]');
  await mainTable(page).locator('th[data-column="amount"] button').click();
  await mainTable(page).locator('th[data-column="amount"] button').click();
  await panel.getByTestId('next-page').click();
  assert.equal(await hash(page), `#/node/${TRANSACTIONS}?sort=-amount&offset=50`);
  const sortedPage = await view(page);
  assert.deepEqual(sortedPage, {
    node: TRANSACTIONS,
    sorted: ['amount descending'],
    range: 'rows 51–100 of 100',
  });

  await openTest(page, UNIQUE_ID);
  assert.equal(await hash(page), `#/node/${TRANSACTIONS}?sort=-amount&offset=50&test=${UNIQUE_ID}`);

  // Back: the test closes, the sorted second page stays (sorting and paging replaced the
  // node's entry rather than adding their own).
  await page.goBack();
  await page.locator('[data-testid="test-detail"]').waitFor({ state: 'detached' });
  assert.deepEqual(await view(page), sortedPage);
  // Back again: the customers the app opened on.
  await page.goBack();
  await page.waitForFunction(() => location.hash === '');
  assert.equal((await view(page)).node, 'model.c360.customers');
  // Forward: the transactions again, as they were.
  await page.goForward();
  await page.waitForFunction((t) => location.hash.startsWith(`#/node/${t}`), TRANSACTIONS);
  assert.deepEqual(await view(page), sortedPage);
  assertClean(app);
  await app.context.close();
});

test('a deep link opened cold lands on its view once the data is loaded', async () => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const link = `#/node/${TRANSACTIONS}?sort=-amount&offset=50&test=${UNIQUE_ID}`;
  await page.goto(APP_URL + link);
  await page
    .locator(`[data-testid="node-table"] table.c360-table[data-node="${TRANSACTIONS}"]`)
    .waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid="test-detail"][data-test-detail="${UNIQUE_ID}"]`).waitFor();
  assert.deepEqual(await view(page), {
    node: TRANSACTIONS,
    sorted: ['amount descending'],
    range: 'rows 51–100 of 100',
  });
  assert.equal(await hash(page), link, 'the address is left as it was');

  // A link to something that is not there opens the app as usual.
  await page.goto(APP_URL + '#/node/model.c360.nothing?offset=lots');
  await mainTable(page).waitFor({ timeout: 30_000 });
  assert.equal(await mainTable(page).getAttribute('data-node'), 'model.c360.customers');
  assert.deepEqual(errors, []);
  await context.close();
});
