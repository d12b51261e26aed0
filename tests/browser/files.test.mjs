// Bringing your own exports, in headless Chromium: a bad file gives a readable error naming the
// file, line and column and leaves no stale result on screen; good files, picked or dropped,
// re-run the DAG; "Back to demo data" restores the demo.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { cell, dagNode, launch, mainTable, openApp, openNode, setAsOf, assertClean } from './helpers.mjs';

const CUSTOMERS = 'model.c360.customers';
const TRANSACTIONS = 'source.c360.web.transactions';
const RUBY = 'e775ea0e-9248-4606-99ec-6aac5322ae5e';

const seed = async (name) =>
  (await readFile(new URL(`../../seeds/${name}`, import.meta.url), 'utf8')).trim().split('\n');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


test('a bad transactions.csv shows the file, line and column, and no stale result', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const [header, first, second] = await seed('transactions.csv');
  // Line 3 has a decimal comma in the amount column.
  const bad = second.replace(/,(\d+)\.(\d+),(\d+),/, ',"$1,$2",$3,');
  assert.notEqual(bad, second, 'the fixture really changed line 3');
  const amount = bad.match(/"(\d+,\d+)"/)[1];
  await page.getByTestId('transactions-file').setInputFiles({
    name: 'transactions.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([header, first, bad].join('\n') + '\n'),
  });

  const alert = page.locator('.c360-error[role="alert"]');
  await alert.waitFor();
  assert.match(
    await alert.textContent(),
    new RegExp(
      `transactions\\.csv line 3, column amount: expected a decimal number such as 12\\.5, found "${amount}"`,
    ),
  );
  // Beside the error, the file's own line 3, numbered.
  const excerpt = page.getByTestId('error-excerpt');
  assert.equal(await excerpt.locator('[data-line]').count(), 1);
  assert.equal(await excerpt.locator('[data-line]').getAttribute('data-line'), '3');
  assert.equal(await excerpt.textContent(), `3${bad}`);
  // Nothing from the previous run is left to pass for the current result.
  assert.equal(await page.locator('table.c360-table').count(), 0);
  assert.equal(await page.locator('[data-finding]').count(), 0);
  assert.match(await dagNode(page, CUSTOMERS).textContent(), /not run/);
  assert.doesNotMatch(await dagNode(page, CUSTOMERS).textContent(), /10 rows/);
  // Changing the date re-runs on the same bad file: still the error, still no table.
  await page.getByTestId('as-of').fill('2026-11-26');
  assert.match(await alert.textContent(), /line 3, column amount/);
  assert.equal(await page.locator('table.c360-table').count(), 0);

  await page.getByTestId('use-demo').click();
  await mainTable(page).waitFor();
  assert.equal(await alert.count(), 0);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');
  assert.ok(await page.getByTestId('use-demo').isDisabled());
  assertClean(app);
  await app.context.close();
});

test('picked files replace their source and re-run the DAG', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const lines = await seed('transactions.csv');
  await page.getByTestId('transactions-file').setInputFiles({
    name: 'first-five.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.slice(0, 6).join('\n') + '\n'),
  });
  await page.locator('.c360-source', { hasText: 'first-five.csv' }).waitFor();
  assert.match(await dagNode(page, TRANSACTIONS).textContent(), /5 rows/);
  await openNode(page, TRANSACTIONS);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '5');
  // The contacts are still the demo's.
  assert.match(await dagNode(page, 'source.c360.salesforce.contacts').textContent(), /12 rows/);
  assert.equal(await page.locator('[role="alert"]').count(), 0);

  await page.getByTestId('use-demo').click();
  await page.locator('[data-testid="node-table"] table[data-row-count="100"]').waitFor();
  assertClean(app);
  await app.context.close();
});

test('a dropped contacts export is recognised by its header; its missing birthdate is null', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const lines = await seed('contacts.csv');
  const withoutBirthdate = lines.map((line) =>
    line.startsWith(`"${RUBY}"`) ? line.replace(/,\d{4}-\d{2}-\d{2},/, ',,') : line,
  );
  assert.notDeepEqual(withoutBirthdate, lines, 'the fixture really blanked a birthdate');
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'crm-export.csv', { type: 'text/csv' }));
    const target = document.querySelector('.c360-app');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(
        new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }
  }, withoutBirthdate.join('\n') + '\n');
  await page.locator('.c360-source', { hasText: 'crm-export.csv' }).waitFor();

  await openNode(page, CUSTOMERS);
  const age = await cell(mainTable(page), RUBY, 'age');
  assert.equal(await age.textContent(), 'null');
  assert.match((await age.getAttribute('class')) ?? '', /c360-table__cell--null/);
  assert.equal(await (await cell(mainTable(page), RUBY, 'total_expense')).textContent(), '276.6');
  assertClean(app);
  await app.context.close();
});
