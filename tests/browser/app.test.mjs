// The app on the bundled demo data, in headless Chromium: it loads cleanly and offline, the DAG
// opens any node's table, the as-of date re-runs the models, tables sort and page, findings
// show their rows, the run log lists nodes and tests in execution order.
//
// Expected values come from the native CLI on the same seeds (the oracle):
//   cargo run -- build --contacts seeds/contacts.csv --transactions seeds/transactions.csv \
//     --as-of 2026-11-26 --out /tmp/x

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import {
  APP_URL,
  cell,
  columnValues,
  dagNode,
  launch,
  mainTable,
  openApp,
  openNode,
  openTest,
  setAsOf,
  assertClean,
} from './helpers.mjs';

const CUSTOMERS = 'model.c360.customers';
const CATEGORY = 'model.c360.category';
const TRANSACTIONS = 'source.c360.web.transactions';
// Born 1974-06-05: 52 on 2026-11-26, 51 on 2026-06-01.
const RUBY = 'e775ea0e-9248-4606-99ec-6aac5322ae5e';
const SCREENSHOT = fileURLToPath(new URL('../../target/screenshot.png', import.meta.url));
const SEED_TRANSACTIONS = new URL('../../seeds/transactions.csv', import.meta.url);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


test('loads the demo data with no console error and no request off this machine', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await assert.doesNotReject(page.getByRole('heading', { name: 'c360' }).waitFor());
  const ids = await page
    .locator('.c360-dag [data-node]')
    .evaluateAll((nodes) => nodes.map((n) => n.dataset.node));
  assert.deepEqual(ids.toSorted(), [
    'model.c360.category',
    'model.c360.category_spend',
    'model.c360.contacts_joined_with_transactions',
    'model.c360.customer_segments',
    'model.c360.customers',
    'model.c360.recommendation_evaluation',
    'model.c360.recommendations',
    'model.c360.stg_sf__contacts',
    'model.c360.stg_web__transactions',
    'source.c360.salesforce.contacts',
    'source.c360.web.transactions',
  ]);
  // Every node carries its row count from the run.
  assert.match(await dagNode(page, TRANSACTIONS).textContent(), /100 rows/);
  assert.match(await dagNode(page, 'source.c360.salesforce.contacts').textContent(), /12 rows/);
  // The run log lists every node as OK, with the data tests in between (as dbt build runs them).
  const log = page.locator('[data-testid="run-summary"]');
  assert.equal(await log.locator('tbody tr[data-kind="source"], tbody tr[data-kind="model"]').count(), 11);
  assert.equal(await log.locator('.c360-status--success').count(), 11);
  const order = await log
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.dataset.result));
  assert.ok(order.length > 7, 'tests are logged too');
  assert.ok(
    order.indexOf('test.c360.unique_customers_id') > order.indexOf('model.c360.customers'),
    'a model’s tests run after it',
  );
  assert.ok(
    order.indexOf('test.c360.source_unique_salesforce_contacts_id') <
      order.indexOf('model.c360.stg_sf__contacts'),
    'a source’s tests run before the models that read it',
  );
  // The icon is one of the site's own files, served by this machine like the rest.
  const icon = await page.locator('link[rel="icon"]').evaluate((link) => link.href);
  assert.equal(new URL(icon).origin, new URL(APP_URL).origin);
  const served = await page.evaluate(async (href) => {
    const response = await fetch(href);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  }, icon);
  assert.equal(served.status, 200);
  assert.match(served.type, /^image\/svg\+xml/);
  assert.match(served.body, /^<svg /);
  assertClean(app);
  await app.context.close();
});

test('customers: 10 rows with the CLI’s age and total_expense as of 2026-11-26', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  await openNode(page, CUSTOMERS);
  const table = mainTable(page);
  assert.equal(await table.getAttribute('data-row-count'), '10');
  assert.equal(await table.getAttribute('data-node'), CUSTOMERS);
  assert.equal(await (await cell(table, RUBY, 'age')).textContent(), '52');
  assert.equal(await (await cell(table, RUBY, 'total_expense')).textContent(), '276.6');
  assert.equal(
    await (await cell(table, '0aebeb30-385a-43ff-bf50-8953b7e3e745', 'total_expense')).textContent(),
    '499.0',
  );
  // Numbers are right-aligned; headers name the type and carry the column's docs.
  assert.match(
    (await (await cell(table, RUBY, 'total_expense')).getAttribute('class')) ?? '',
    /c360-table__cell--numeric/,
  );
  const ageHeader = table.locator('th[data-column="age"]');
  assert.equal(await ageHeader.getAttribute('scope'), 'col');
  assert.match(await ageHeader.textContent(), /integer/);
  assert.ok((await ageHeader.getAttribute('title'))?.length > 0, 'age has a description');
  // The README's picture: the DAG, this table and the warnings with the orphan's nearest key.
  await page.locator('[data-testid="tests"] [data-filter="warn"]').click();
  await openTest(
    page,
    'test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts',
  );
  await mkdir(fileURLToPath(new URL('../../target/', import.meta.url)), { recursive: true });
  // From the header to the foot of the data tests: the navigation, the DAG, the table and the
  // open warning (the rest of the page is below the fold of any README).
  // (A bounding box is relative to the viewport, the clip to the page.)
  const tests = await page.getByTestId('tests').boundingBox();
  const scrolled = await page.evaluate(() => window.scrollY);
  const width = page.viewportSize().width;
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    clip: { x: 0, y: 0, width, height: Math.ceil(scrolled + tests.y + tests.height + 24) },
  });
  assertClean(app);
  await app.context.close();
});

test('changing the as-of date re-runs the DAG and changes ages', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  await openNode(page, CUSTOMERS);
  assert.equal(await (await cell(mainTable(page), RUBY, 'age')).textContent(), '52');
  await setAsOf(page, '2026-06-01');
  assert.equal(await (await cell(mainTable(page), RUBY, 'age')).textContent(), '51');
  await setAsOf(page, '2036-11-26');
  assert.equal(await (await cell(mainTable(page), RUBY, 'age')).textContent(), '62');
  assertClean(app);
  await app.context.close();
});

test('clicking a header sorts the rows, ascending then descending', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  await openNode(page, CUSTOMERS);
  const table = mainTable(page);
  const fileOrder = await columnValues(table, 'age');
  assert.deepEqual(fileOrder, ['52', '34', '28', '24', '68', '27', '64', '38', '62', '55']);

  await table.locator('th[data-column="age"] button').click();
  assert.equal(await table.locator('th[data-column="age"]').getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await columnValues(table, 'age'), ['24', '27', '28', '34', '38', '52', '55', '62', '64', '68']);

  await table.locator('th[data-column="age"] button').click();
  assert.equal(await table.locator('th[data-column="age"]').getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await columnValues(table, 'age'), ['68', '64', '62', '55', '52', '38', '34', '28', '27', '24']);

  // Decimals sort as numbers, and the sort survives a re-run.
  await table.locator('th[data-column="total_expense"] button').click();
  assert.equal(await table.locator('th[data-column="age"]').getAttribute('aria-sort'), 'none');
  await setAsOf(page, '2026-11-27');
  const totals = await columnValues(mainTable(page), 'total_expense');
  assert.deepEqual(totals.slice(0, 3), ['276.6', '287.2', '451.6']);
  assert.equal(
    await mainTable(page).locator('th[data-column="total_expense"]').getAttribute('aria-sort'),
    'ascending',
  );
  assertClean(app);
  await app.context.close();
});

test('pages through the 100-row transactions source fifty rows at a time', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const seed = (await readFile(SEED_TRANSACTIONS, 'utf8')).trim().split('\n').slice(1);
  const seedIds = seed.map((line) => line.split(',')[1].replaceAll('"', ''));

  await openNode(page, TRANSACTIONS);
  const panel = page.locator('[data-testid="node-table"]');
  const table = mainTable(page);
  assert.equal(await table.getAttribute('data-row-count'), '100');
  assert.equal(await table.locator('tbody tr').count(), 50);
  assert.equal((await panel.getByTestId('page-range').textContent()).trim(), 'rows 1–50 of 100');
  assert.deepEqual(await columnValues(table, 'id'), seedIds.slice(0, 50));
  assert.ok(await panel.getByTestId('previous-page').isDisabled());

  await panel.getByTestId('next-page').click();
  assert.equal((await panel.getByTestId('page-range').textContent()).trim(), 'rows 51–100 of 100');
  assert.deepEqual(await columnValues(table, 'id'), seedIds.slice(50, 100));
  assert.ok(await panel.getByTestId('next-page').isDisabled());

  await panel.getByTestId('previous-page').click();
  assert.equal((await panel.getByTestId('page-range').textContent()).trim(), 'rows 1–50 of 100');

  // Sorting goes back to the first page of the new order.
  await panel.getByTestId('last-page').click();
  await table.locator('th[data-column="amount"] button').click();
  assert.equal((await panel.getByTestId('page-range').textContent()).trim(), 'rows 1–50 of 100');
  const amounts = (await columnValues(table, 'amount')).map(Number);
  assert.deepEqual(amounts, amounts.toSorted((a, b) => a - b));
  assertClean(app);
  await app.context.close();
});

test('findings show the duplicate contact and the orphan transaction with their rows', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const findings = page.getByTestId('findings');
  const duplicate = findings.locator('[data-finding="duplicate_contacts_removed"]');
  const orphan = findings.locator('[data-finding="orphan_transactions"]');
  await duplicate.waitFor();
  assert.equal(await duplicate.locator('table.c360-table').getAttribute('data-row-count'), '1');
  assert.match(await duplicate.locator('tbody').textContent(), /abb9f1b1-fce1-421f-8069-c83405000f40/);
  assert.equal(await orphan.locator('table.c360-table').getAttribute('data-row-count'), '1');
  assert.match(await orphan.locator('tbody').textContent(), /70609950-60f6-41d2-9921-48352856d85d/);
  assert.match(await orphan.textContent(), /matches no contact/);
  // The DAG flags the nodes that reported them.
  assert.match(await dagNode(page, 'model.c360.stg_sf__contacts').textContent(), /1 finding/);
  // A finding's model opens from the card.
  await orphan.getByRole('button', { name: 'contacts_joined_with_transactions' }).click();
  await page
    .locator('[data-testid="node-table"] table[data-node="model.c360.contacts_joined_with_transactions"]')
    .waitFor();
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '99');
  assertClean(app);
  await app.context.close();
});

test('numbers get thousands separators, nulls show as null, and the keyboard opens nodes', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  await dagNode(page, CATEGORY).focus();
  await page.keyboard.press('Enter');
  const table = page.locator(`[data-testid="node-table"] table.c360-table[data-node="${CATEGORY}"]`);
  await table.waitFor();
  assert.equal(await table.getAttribute('data-row-count'), '7');
  assert.equal(await (await cell(table, 'Apps & Games', 'total_amount')).textContent(), '1,026.2');
  assert.equal(await (await cell(table, 'Apps & Games', 'average_amount')).textContent(), '44.62');
  const kitchenMen = await cell(table, 'Kitchen', 'average_age_male_customers');
  assert.equal(await kitchenMen.textContent(), 'null');
  assert.match((await kitchenMen.getAttribute('class')) ?? '', /c360-table__cell--null/);
  assertClean(app);
  await app.context.close();
});

test('downloads the open table as the CLI writes it', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  await openNode(page, CUSTOMERS);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-csv').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'customers.csv');
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 11);
  assert.match(lines[0], /^id,gender,age,total_expense,first_purchase_date,last_purchase_date,/);
  assert.match(csv, new RegExp(`^${RUBY},F,52,276\\.6,2023-04-16 19:57:06\\.000,`, 'm'));
  assertClean(app);
  await app.context.close();
});
