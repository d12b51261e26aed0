// Your own exports, in headless Chromium, as a newcomer meets them: files with other
// headers, semicolons, dollar amounts, another encoding and a ninth category are dropped on
// the page (a synthesised DataTransfer), the proposed mapping is shown, completed and
// confirmed, the run says which mapping it used, the categories panel accepts the data's
// categories, a file with a remembered header loads without asking, a reload restores it
// all, Forget my data goes back to the demo (and a reload stays there), and a file that is
// neither export asks which it is.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { assertClean, columns, launch, mainTable, openApp, openNode, parseCsv } from './helpers.mjs';

const CUSTOMERS = 'model.c360.customers';

const seed = async (name) =>
  parseCsv(await readFile(new URL(`../../seeds/${name}`, import.meta.url), 'utf8'));

/** `records` under another header, joined by `delimiter` (quoted where a field holds it). */
function reshape(records, header, delimiter) {
  const quote = (f) => (f.includes(delimiter) || f.includes('"') ? `"${f.replaceAll('"', '""')}"` : f);
  return [header, ...records.slice(1)].map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}

/** Drops files ({name, text} or {name, bytes}) on the page, as a user's drag would. */
async function drop(page, files) {
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) {
      const body = f.bytes ? new Uint8Array(f.bytes) : f.text;
      transfer.items.add(new File([body], f.name, { type: 'text/csv' }));
    }
    const target = document.querySelector('.c360-app');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, files);
}

const runSeq = (page) => page.evaluate(() => Number(document.documentElement.dataset.c360RunSeq));

async function waitForRunAfter(page, seq) {
  await page.waitForFunction(
    (seq) =>
      Number(document.documentElement.dataset.c360RunSeq) > seq ||
      ['failed', 'cancelled'].includes(document.documentElement.dataset.c360Run),
    seq,
  );
  const state = await page.evaluate(() => document.documentElement.dataset.c360Run);
  if (state !== 'done') {
    const alert = await page.locator('.c360-error[role="alert"]').allTextContents();
    throw new Error(`the run ended ${state}: ${alert.join(' | ')}`);
  }
  await page.waitForFunction(
    (seq) =>
      Number(document.documentElement.dataset.c360RunSeq) > seq &&
      document.documentElement.dataset.c360Run === 'done',
    seq,
  );
}

/** Waits until storage has kept the last run's settings. */
async function waitForStorage(page) {
  await page.waitForFunction(() => {
    const d = document.documentElement.dataset;
    return d.c360Run === 'done' && d.c360StorageSeq === d.c360RunSeq;
  });
}

/** The header chosen for a required column in a file's draft. */
async function chosen(page, file, column) {
  return page
    .locator(`[data-testid="mapping-file-draft"][data-file="${file}"] tr[data-column="${column}"] select`)
    .inputValue();
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('exports with other headers, semicolons and a ninth category are mapped, confirmed and built', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await openNode(page, CUSTOMERS);
  const demoRows = await mainTable(page).getAttribute('data-row-count');
  const demoColumns = await columns(mainTable(page));

  const contacts = await seed('contacts.csv');
  const transactions = await seed('transactions.csv');
  const category = transactions[0].indexOf('category');
  const books = transactions.filter((r, i) => i > 0 && r[category] === 'Books').length;
  assert.ok(books > 0, 'the demo has Books to rename');
  const garden = transactions.map((r, i) => (i > 0 && r[category] === 'Books' ? r.with(category, 'Garden') : r));
  const crm = reshape(
    contacts,
    ['Contact ID', 'User Name', 'Full Name', 'Gender', 'Address', 'E-mail', 'Date of Birth', 'Loaded At'],
    ';',
  );
  // The shop writes its prices in dollars: read only once the user's mapping says so.
  const amount = transactions[0].indexOf('amount');
  const dollars = garden.map((r, i) => (i > 0 ? r.with(amount, `$${r[amount]}`) : r));
  const shop = reshape(
    dollars,
    ['customer_id', 'order_id', 'order_date', 'price', 'qty', 'Category', 'loaded_at'],
    ',',
  );

  const before = await runSeq(page);
  await drop(page, [
    { name: 'crm.csv', text: crm },
    { name: 'shop-orders.csv', text: shop },
  ]);
  const dialog = page.getByTestId('mapping-dialog');
  await dialog.waitFor();
  const crmDraft = dialog.locator('[data-testid="mapping-file-draft"][data-file="crm.csv"]');
  assert.match(await crmDraft.textContent(), /separated by semicolons/);
  // Recognised as the contacts export, with the proposal shown for each required column.
  assert.equal(await crmDraft.locator('input[data-testid="export-kind"][value="contacts"]').isChecked(), true);
  assert.equal(await chosen(page, 'crm.csv', 'mail'), 'E-mail');
  assert.equal(await chosen(page, 'crm.csv', 'birthdate'), 'Date of Birth');
  assert.equal(await chosen(page, 'crm.csv', 'id'), 'Contact ID');
  assert.equal(await chosen(page, 'shop-orders.csv', 'contact_id'), 'customer_id');
  assert.equal(await chosen(page, 'shop-orders.csv', 'amount'), 'price');
  assert.equal(await chosen(page, 'shop-orders.csv', 'item_count'), 'qty');
  const amountFormat = dialog.locator('[data-testid="mapping-file-draft"][data-file="shop-orders.csv"] [data-format="amount"]');
  await amountFormat.getByTestId('currency-symbol').fill('$');
  await amountFormat.getByTestId('currency-symbol').dispatchEvent('change');
  // Nothing ran yet: the user confirms first.
  assert.equal(await runSeq(page), before);

  // For a person to look at (the README shows it).
  await dialog.screenshot({ path: 'target/screenshot-mapping.png' });
  // The mapping saves as the JSON the CLI takes.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('save-mapping').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'c360-mapping.json');
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(saved.version, 1);
  assert.equal(saved.sources.contacts.columns.mail, 'E-mail');
  assert.equal(saved.sources.transactions.columns.amount, 'price');
  assert.equal(saved.sources.transactions.formats.amount.currency_symbol, '$');
  // ... and the CLI builds the same files with it: the customers the demo's headers build.
  const bin = process.env.C360_BIN;
  if (!bin) throw new Error('C360_BIN is not set: run scripts/test-browser, which builds c360');
  const dir = await mkdtemp(join(tmpdir(), 'c360-mapping-'));
  try {
    await writeFile(join(dir, 'crm.csv'), crm);
    await writeFile(join(dir, 'shop-orders.csv'), shop);
    const build = (extra) =>
      execFileSync(bin, [
        'build', '--contacts', join(dir, 'crm.csv'), '--transactions', join(dir, 'shop-orders.csv'),
        '--as-of', '2023-05-09', '--out', join(dir, 'out'), ...extra,
      ], { stdio: 'pipe' });
    build(['--mapping', await download.path()]);
    const built = (await readFile(join(dir, 'out', 'customers.csv'), 'utf8')).trim().split('\n');
    assert.equal(built.length - 1, Number(demoRows), 'the demo\'s customers, from the mapped files');
    // Without the mapping the CLI refuses the same files, naming a column it cannot find.
    assert.throws(() => build([]), (e) => /crm\.csv/.test(String(e.stderr)) && e.status !== 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  await dialog.getByTestId('confirm-mapping').click();
  await waitForRunAfter(page, before);
  assert.equal(await dialog.count(), 0);
  const read = await page.getByTestId('run-read').textContent();
  assert.match(read, /crm\.csv \(mapped: .*mail ← E-mail/);
  assert.match(read, /shop-orders\.csv \(mapped: .*amount ← price/);

  // The same customers and columns as the demo (one per accepted category): Books became
  // Garden, which is outside the list, a warn, its spend counted in other_amount.
  await openNode(page, CUSTOMERS);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), demoRows);
  assert.deepEqual(await columns(mainTable(page)), demoColumns);
  assert.ok(!demoColumns.includes('garden_amount'));
  const panel = page.getByTestId('categories-panel');
  const gardenRow = panel.locator('tr[data-category="Garden"]');
  assert.equal(await gardenRow.getAttribute('data-accepted'), 'false');
  assert.match(await gardenRow.textContent(), new RegExp(`Garden${books}`));
  assert.match(await panel.textContent(), /outside the accepted list \(Garden\)/);

  // One click accepts the data's categories: the schema grows, customers gains the column.
  const beforeAccept = await runSeq(page);
  await panel.getByTestId('accept-categories').click();
  await waitForRunAfter(page, beforeAccept);
  assert.equal(await panel.locator('tr[data-category="Garden"]').getAttribute('data-accepted'), 'true');
  assert.equal(await panel.getByTestId('accept-categories').count(), 0);
  await openNode(page, CUSTOMERS);
  assert.ok((await columns(mainTable(page))).includes('garden_amount'));

  // The same header again is mapped as before, without asking.
  const beforeAgain = await runSeq(page);
  await drop(page, [{ name: 'crm (2).csv', text: crm }]);
  await waitForRunAfter(page, beforeAgain);
  assert.equal(await dialog.count(), 0);
  assert.match(await page.getByTestId('run-read').textContent(), /crm \(2\)\.csv \(mapped:/);

  // A reload restores the session: the files, their mappings, the accepted categories.
  await waitForStorage(page);
  await page.reload();
  await page.getByTestId('session-notice').waitFor();
  await waitForRunAfter(page, 0);
  const restored = await page.getByTestId('run-read').textContent();
  assert.match(restored, /crm \(2\)\.csv \(mapped: .*mail ← E-mail/);
  assert.match(restored, /shop-orders\.csv \(mapped: .*amount ← price/);
  assert.equal(await panel.locator('tr[data-category="Garden"]').getAttribute('data-accepted'), 'true');
  // The remembered header too: the same contacts again load without asking.
  const afterReload = await runSeq(page);
  await drop(page, [{ name: 'crm (3).csv', text: crm }]);
  await waitForRunAfter(page, afterReload);
  assert.equal(await dialog.count(), 0);

  // Forget my data: back to the demo, and a reload stays there.
  await waitForStorage(page);
  const beforeForget = await runSeq(page);
  await page.getByTestId('forget-data').first().click();
  await waitForRunAfter(page, beforeForget);
  await waitForStorage(page);
  assert.match(await page.getByTestId('run-read').textContent(), /contacts\.csv \(the demo's\) and transactions\.csv \(the demo's\)/);
  await page.reload();
  await waitForRunAfter(page, 0);
  assert.equal(await page.getByTestId('session-notice').count(), 0);
  assert.match(await page.getByTestId('run-read').textContent(), /\(the demo's\) and transactions\.csv \(the demo's\)/);
  // And the mapping is forgotten with the rest: the same file asks again.
  await drop(page, [{ name: 'crm (4).csv', text: crm }]);
  await dialog.waitFor();
  assertClean(app);
  await app.context.close();
});

test('a Windows-1252 export separated by tabs is decoded, and the delimiter can be overridden', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const contacts = await seed('contacts.csv');
  const name = contacts[0].indexOf('name');
  const accented = contacts.map((r, i) => (i === 1 ? r.with(name, 'Zoë Müller') : r));
  const text = reshape(accented, accented[0], '\t');
  // Windows-1252: every character here is Latin-1, one byte each.
  const bytes = [...text].map((c) => c.charCodeAt(0));
  assert.ok(bytes.every((b) => b < 256));
  const before = await runSeq(page);
  await drop(page, [{ name: 'legacy.csv', bytes }]);
  // The exercise's own header, once decoded and split on tabs: no question to ask.
  await waitForRunAfter(page, before);
  await openNode(page, 'source.c360.salesforce.contacts');
  assert.match(await mainTable(page).textContent(), /Zoë Müller/);

  // Read with commas instead, the header is one column: nothing maps, the user is told.
  const list = await seed('transactions.csv');
  const tabbed = reshape(list, ['customer_id', 'id', 'transaction_date', 'amount', 'item_count', 'category', '_loaded_at_utc'], '\t');
  await drop(page, [{ name: 'tabbed.csv', text: tabbed }]);
  const dialog = page.getByTestId('mapping-dialog');
  await dialog.waitFor();
  const draft = dialog.locator('[data-testid="mapping-file-draft"]');
  assert.match(await draft.textContent(), /separated by tabs/);
  await draft.getByTestId('delimiter').selectOption(',');
  await draft.locator('text=separated by commas (your choice)').waitFor();
  await dialog.getByTestId('mapping-problem').waitFor();
  assert.equal(await dialog.getByTestId('confirm-mapping').isDisabled(), true);
  await draft.getByTestId('delimiter').selectOption('sniff');
  await draft.locator('text=separated by tabs.').waitFor();
  assert.equal(await chosen(page, 'tabbed.csv', 'contact_id'), 'customer_id');
  const beforeConfirm = await runSeq(page);
  await dialog.getByTestId('confirm-mapping').click();
  await waitForRunAfter(page, beforeConfirm);
  assertClean(app);
  await app.context.close();
});

test('a file that is neither export asks which it is, names what is missing, and changes nothing', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const rows = await mainTable(page).getAttribute('data-row-count');
  await drop(page, [{ name: 'notes.csv', text: 'a,b\n1,2\n' }]);
  const dialog = page.getByTestId('mapping-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Which export is this\?/);
  assert.equal(await dialog.getByTestId('confirm-mapping').isDisabled(), true);
  await dialog.locator('input[data-testid="export-kind"][value="transactions"]').check();
  const problem = dialog.getByTestId('mapping-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /notes\.csv|transactions/);
  assert.match(await problem.textContent(), /contact_id/);
  assert.equal(await dialog.getByTestId('confirm-mapping').isDisabled(), true);
  await dialog.getByTestId('cancel-mapping').click();
  assert.equal(await dialog.count(), 0);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), rows);
  assertClean(app);
  await app.context.close();
});
