// Data tests like `dbt build`, in headless Chromium: the test panel (statuses, SQL, failing rows,
// the nearest existing key), the schema editor (apply, line-numbered errors that keep the last
// valid results, reset, a dropped schema.yml), the remediation policies and what they change,
// skipped models, and source freshness.
//
// Expected values come from the native CLI on the same seeds (the oracle):
//   cargo run -- build --contacts seeds/contacts.csv --transactions seeds/transactions.csv \
//     --as-of 2026-11-26 --out /tmp/x [--schema exercise.yml] [--duplicates drop-all] …

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import {
  cell,
  columns,
  dagNode,
  launch,
  mainTable,
  openApp,
  openNode,
  openTest,
  schemaEditor,
  setAsOf,
  testRow,
  typeSchema,
  assertClean,
} from './helpers.mjs';

const UNIQUE_CONTACTS = 'test.c360.source_unique_salesforce_contacts_id';
const RELATIONSHIPS =
  'test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts';
const ACCEPTED_CATEGORIES = 'test.c360.source_accepted_values_web_transactions_category';
// The seeds' orphan transaction: its contact_id is a near miss of a real contact's id.
const ORPHAN_CONTACT = '519aa94f-9102-480d-88e1-56be06de57c9';
const NEAREST_CONTACT = '519a796f-9802-480d-88e1-56be06de57c9';
const KITCHEN_TRANSACTION = 'd6e8de41-164e-4c51-aae2-79c79cdd6d82';
const MODELS = [
  'model.c360.stg_sf__contacts',
  'model.c360.stg_web__transactions',
  'model.c360.contacts_joined_with_transactions',
  'model.c360.customers',
  'model.c360.category',
  'model.c360.customer_segments',
  'model.c360.category_spend',
  'model.c360.recommendations',
  'model.c360.recommendation_evaluation',
];
const SOURCES = ['source.c360.salesforce.contacts', 'source.c360.web.transactions'];
const SCREENSHOT = fileURLToPath(new URL('../../target/screenshot-tests.png', import.meta.url));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/** Every test row's unique id and status, in the panel's order. */
async function statuses(page) {
  return page
    .locator('[data-testid="tests"] [data-test]')
    .evaluateAll((rows) => rows.map((r) => [r.dataset.test, r.dataset.status]));
}

/** Whether a test is attached to a source (its unique id says so, as in dbt). */
const isSourceTest = (id) => id.startsWith('test.c360.source_');

/**
 * The exercise's original setup: no Kitchen in the accepted categories, a category outside
 * them an error, and duplicate contact ids an error (the shipped schema relaxes both the
 * accepted list and the source's `unique` to warnings). The integration tests' fixture.
 */
const EXERCISE_SCHEMA = readFileSync(
  fileURLToPath(new URL('../data/schema/exercise_done_when.yml', import.meta.url)),
  'utf8',
);
function exerciseSchema(shipped) {
  assert.notEqual(EXERCISE_SCHEMA, shipped, 'the exercise schema is not the shipped one');
  return EXERCISE_SCHEMA;
}

test('the test panel lists every test with its status; a warning shows its SQL, rows and the nearest key', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const tests = await statuses(page);
  // The panel and the run log list the same tests.
  assert.equal(
    tests.length,
    await page.locator('[data-testid="run-summary"] tr[data-kind="test"]').count(),
  );
  assert.ok(tests.length >= 15, `${tests.length} tests`);
  const status = Object.fromEntries(tests);
  assert.equal(status[UNIQUE_CONTACTS], 'warn');
  assert.equal(status[RELATIONSHIPS], 'warn');
  // Every other test passes: the other source tests, the model tests, singular and macro tests.
  for (const [id, s] of tests) {
    if (id !== UNIQUE_CONTACTS && id !== RELATIONSHIPS) assert.equal(s, 'pass', id);
  }
  assert.ok(tests.some(([id]) => id.startsWith('test.c360.assert_')), 'singular tests');
  assert.ok(tests.some(([id]) => id.startsWith('test.c360.test_macro_')), 'macro tests');
  assert.ok(tests.some(([id]) => id === 'test.c360.unique_customers_id'), 'model tests');
  const summary = await page.getByTestId('test-summary').textContent();
  assert.match(summary, new RegExp(`PASS=${tests.length - 2} WARN=2 FAIL=0 ERROR=0 SKIP=0`));

  // The source unique test: 1 failure (one repeated id), both of its rows kept.
  const unique = testRow(page, UNIQUE_CONTACTS);
  assert.match(await unique.textContent(), /Got 1 result, configured to warn if != 0/);
  const uniqueDetail = await openTest(page, UNIQUE_CONTACTS);
  assert.match(await uniqueDetail.locator('pre[data-testid="test-sql"]').textContent(), /having count\(\*\) > 1/);
  assert.equal(await uniqueDetail.locator('table.c360-table').getAttribute('data-row-count'), '2');

  // Opening another test closes the first; the relationships test names the nearest key.
  const detail = await openTest(page, RELATIONSHIPS);
  assert.equal(await page.getByTestId('test-detail').count(), 1);
  const sql = await detail.locator('pre[data-testid="test-sql"]').textContent();
  assert.match(sql, /left join parent on child\.from_field = parent\.to_field/);
  assert.match(sql, /source\('salesforce', 'contacts'\)/);
  const rows = detail.locator('table.c360-table');
  assert.equal(await rows.getAttribute('data-row-count'), '1');
  assert.ok((await columns(rows)).includes('nearest_existing_key'));
  assert.equal(await (await cell(rows, ORPHAN_CONTACT, 'contact_id')).textContent(), ORPHAN_CONTACT);
  assert.equal(
    await (await cell(rows, ORPHAN_CONTACT, 'nearest_existing_key')).textContent(),
    NEAREST_CONTACT,
  );
  assert.equal(await detail.getByTestId('nearest-key').textContent(), NEAREST_CONTACT);
  assert.match(await detail.textContent(), /3 characters differ/);

  // The summary counts filter by status.
  await page.locator('[data-testid="tests"] [data-filter="warn"]').click();
  assert.deepEqual(
    (await statuses(page)).map(([, s]) => s),
    ['warn', 'warn'],
  );
  await page.locator('[data-testid="tests"] [data-filter="warn"]').click();
  assert.equal((await statuses(page)).length, tests.length);

  // The DAG shows each node's tests.
  const contacts = await dagNode(page, 'source.c360.salesforce.contacts').textContent();
  assert.match(contacts, /✓ 1/);
  assert.match(contacts, /⚠ 1/);
  for (const id of [...SOURCES, ...MODELS]) {
    assert.equal(await dagNode(page, id).getAttribute('data-status'), 'success', id);
  }
  // A test opens from the run log too.
  await page
    .locator(`[data-testid="run-summary"] tr[data-result="test.c360.unique_customers_id"] button`)
    .click();
  await page.locator('[data-testid="test-detail"][data-test-detail="test.c360.unique_customers_id"]').waitFor();
  assertClean(app);
  await app.context.close();
});

test('the exercise’s own schema fails two source tests and skips every model, until a policy accepts Kitchen', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const shipped = await schemaEditor(page).inputValue();
  await typeSchema(page, exerciseSchema(shipped));
  assert.match(await page.getByTestId('schema-dirty').textContent(), /Not applied yet/);
  await page.getByTestId('schema-apply').click();

  await testRow(page, ACCEPTED_CATEGORIES).and(page.locator('[data-status="fail"]')).waitFor();
  assert.equal(await testRow(page, UNIQUE_CONTACTS).getAttribute('data-status'), 'fail');
  assert.equal(await testRow(page, RELATIONSHIPS).getAttribute('data-status'), 'warn');
  assert.match(
    await testRow(page, ACCEPTED_CATEGORIES).textContent(),
    /Got 1 result, configured to fail if != 0/,
  );
  // Its failing row is the Kitchen transaction.
  const detail = await openTest(page, ACCEPTED_CATEGORIES);
  const rows = detail.locator('table.c360-table');
  assert.equal(await rows.getAttribute('data-row-count'), '1');
  assert.equal(await (await cell(rows, KITCHEN_TRANSACTION, 'category')).textContent(), 'Kitchen');
  assert.match(await detail.textContent(), /Categories outside the accepted list/);

  // dbt build's skipping: every model, and every test on a model.
  for (const id of MODELS) {
    assert.equal(await dagNode(page, id).getAttribute('data-status'), 'skipped', id);
  }
  for (const id of SOURCES) {
    assert.equal(await dagNode(page, id).getAttribute('data-status'), 'success', id);
  }
  for (const [id, s] of await statuses(page)) {
    if (!isSourceTest(id) && !id.startsWith('test.c360.test_macro_')) assert.equal(s, 'skipped', id);
  }
  assert.equal(await testRow(page, 'test.c360.unique_customers_id').getAttribute('data-status'), 'skipped');
  assert.match(
    await page.getByTestId('test-summary').textContent(),
    /WARN=1 FAIL=2 ERROR=0 SKIP=\d+/,
  );
  // A skipped node says why instead of showing a stale table.
  await dagNode(page, 'model.c360.customers').click();
  const skipped = page.getByTestId('node-skipped');
  await skipped.waitFor();
  assert.match(await skipped.textContent(), /Not built in this run: upstream/);
  assert.match(await skipped.textContent(), /source_unique_salesforce_contacts_id/);
  assert.equal(await mainTable(page).count(), 0);
  assert.ok(await page.getByTestId('download-csv').isDisabled());
  await dagNode(page, 'model.c360.stg_web__transactions').click();
  assert.match(
    await page.getByTestId('node-skipped').textContent(),
    /upstream test source_accepted_values_web_transactions_category failed/,
  );

  // The categories policy adds Kitchen back to the accepted list: the editor shows the edit.
  await page.locator('input[name="outside_categories"][value="add_to_accepted_list"]').check();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="schema-editor"]').value.includes('- Kitchen'),
  );
  const changes = page.getByTestId('policy-changes');
  assert.match(await changes.textContent(), /Categories outside the accepted list: add them to the accepted list/);
  assert.match(await changes.textContent(), /the accepted categories gain Kitchen/);
  assert.match(await changes.textContent(), /customers gains kitchen_amount/);
  assert.match(await changes.textContent(), /source_accepted_values_web_transactions_category FAIL → PASS/);
  assert.equal(await testRow(page, ACCEPTED_CATEGORIES).getAttribute('data-status'), 'pass');
  assert.equal(await dagNode(page, 'model.c360.stg_web__transactions').getAttribute('data-status'), 'success');

  // Relax the source unique back to a warning: customers is built, with its Kitchen column.
  const accepted = await schemaEditor(page).inputValue();
  const relaxed = accepted.replace(
    /- unique\n/,
    '- unique:\n                  config:\n                    severity: warn\n',
  );
  assert.notEqual(relaxed, accepted);
  await typeSchema(page, relaxed);
  await page.keyboard.press('Control+Enter');
  await dagNode(page, 'model.c360.customers').and(page.locator('[data-status="success"]')).waitFor();
  await openNode(page, 'model.c360.customers');
  assert.ok((await columns(mainTable(page))).includes('kitchen_amount'));
  assertClean(app);
  await app.context.close();
});

test('invalid YAML lists its errors by line and keeps the last valid results on screen', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const shipped = await schemaEditor(page).inputValue();
  const lines = shipped.split('\n');
  const notNull = lines.findIndex((l) => l.trim() === '- not_null') + 1;
  assert.ok(notNull > 0);

  // An unknown test name on a known line.
  const unknown = lines.map((l, i) => (i + 1 === notNull ? l.replace('not_null', 'not_nul') : l));
  await typeSchema(page, unknown.join('\n'));
  await page.getByTestId('schema-apply').click();
  const errors = page.getByTestId('schema-errors');
  await errors.waitFor();
  const first = errors.locator('li').first();
  assert.equal(await first.getAttribute('data-line'), String(notNull));
  assert.match(
    await first.textContent(),
    new RegExp(`line ${notNull}, column \\d+: unknown test \`not_nul\``),
  );
  assert.match(
    await page.getByTestId('schema-invalid').textContent(),
    /showing results of the last valid schema/,
  );
  assert.match(await page.getByTestId('schema-banner').textContent(), /last valid schema/);
  // The previous results stay: the table, the tests, the DAG.
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');
  assert.equal(await testRow(page, UNIQUE_CONTACTS).getAttribute('data-status'), 'warn');
  assert.equal(await dagNode(page, 'model.c360.customers').getAttribute('data-status'), 'success');
  // The gutter marks the line; clicking the error puts the caret on it.
  const marked = await page
    .locator('.c360-editor__number--error')
    .evaluateAll((numbers) => numbers.map((n) => n.textContent.trim()));
  assert.ok(marked.includes(String(notNull)), `${marked}`);
  await first.locator('button').click();
  const caretLine = await schemaEditor(page).evaluate(
    (area) => area.value.slice(0, area.selectionStart).split('\n').length,
  );
  assert.equal(caretLine, notNull);
  assert.ok(await schemaEditor(page).evaluate((area) => document.activeElement === area));

  // A YAML syntax error: a second `:` on line 11's mapping value.
  const nameLine = lines.findIndex((l) => l.trim() === '- name: id') + 1;
  const broken = lines.map((l, i) => (i + 1 === nameLine ? `${l}:` : l));
  await typeSchema(page, broken.join('\n'));
  await page.keyboard.press('Control+Enter');
  await errors.locator(`li[data-line="${nameLine}"]`).waitFor();
  assert.equal(await errors.locator('li').count(), 1);
  assert.match(await errors.textContent(), /mapping values are not allowed/);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');

  // Reset brings back the shipped schema, with no error left.
  await page.getByTestId('schema-reset').click();
  await page.getByTestId('schema-invalid').waitFor({ state: 'detached' });
  assert.equal(await schemaEditor(page).inputValue(), shipped);
  assert.equal(await page.getByTestId('schema-banner').count(), 0);
  assertClean(app);
  await app.context.close();
});

test('the duplicate and orphan policies re-run the DAG and say what they changed', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const changes = page.getByTestId('policy-changes');
  const checked = (name) => page.locator(`input[name="${name}"]:checked`).getAttribute('value');
  assert.equal(await checked('duplicate_contacts'), 'keep_latest_loaded');
  assert.equal(await checked('orphan_transactions'), 'exclude');
  assert.equal(await checked('outside_categories'), 'count_in_other');

  await page.locator('input[name="duplicate_contacts"][value="drop_all"]').check();
  await changes.getByText('stg_sf__contacts 11 → 10 rows').waitFor();
  assert.match(await changes.textContent(), /2 duplicate contact rows removed/);
  assert.match(await dagNode(page, 'model.c360.stg_sf__contacts').textContent(), /10 rows/);
  await openNode(page, 'model.c360.stg_sf__contacts');
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');
  // The removed rows are the duplicate finding's.
  assert.equal(
    await page
      .locator('[data-finding="duplicate_contacts_removed"] table.c360-table')
      .getAttribute('data-row-count'),
    '2',
  );

  await page.locator('input[name="duplicate_contacts"][value="keep_latest_loaded"]').check();
  await changes.getByText('stg_sf__contacts 10 → 11 rows').waitFor();

  await page.locator('input[name="orphan_transactions"][value="keep_with_null_contact"]').check();
  await changes.getByText(/contacts_joined_with_transactions 99 → 100 rows/).waitFor();
  assert.match(await dagNode(page, 'model.c360.contacts_joined_with_transactions').textContent(), /100 rows/);
  await openNode(page, 'model.c360.contacts_joined_with_transactions');
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '100');
  assertClean(app);
  await app.context.close();
});

test('freshness: years stale on the demo’s as-of date, fresh the day after the load', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const transactions = page.locator('[data-testid="freshness"] [data-freshness="source.c360.web.transactions"]');
  await setAsOf(page, '2026-11-26');
  assert.equal(await transactions.getAttribute('data-status'), 'error');
  assert.equal(
    (await transactions.getByTestId('freshness-message').textContent()).trim(),
    'last loaded 3 years 6 months ago: error after 2 days',
  );
  assert.match(await transactions.textContent(), /2023-05-09 10:05:28\.875 UTC/);
  // Compared with the start of the day, or with now when the day is today.
  assert.match(await transactions.textContent(), /compared against\s*2026-11-26 \d\d:\d\d:\d\d\.\d{3} UTC/);
  assert.match(await transactions.textContent(), /warn after\s*1 day/);
  const panel = await page.getByTestId('freshness').textContent();
  assert.match(panel, /Freshness never blocks the models/);
  assert.match(panel, /Run it right after each load/);
  // A stale source does not skip anything.
  assert.equal(await dagNode(page, 'model.c360.customers').getAttribute('data-status'), 'success');

  await setAsOf(page, '2023-05-10');
  assert.equal(await transactions.getAttribute('data-status'), 'pass');
  assert.match(await transactions.getByTestId('freshness-message').textContent(), /^last loaded 13 hours 54 minutes ago/);
  assertClean(app);
  await app.context.close();
});

test('a dropped schema.yml loads into the editor and runs', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await setAsOf(page, '2026-11-26');
  const mine = exerciseSchema(await schemaEditor(page).inputValue());
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'exercise.yml', { type: 'application/yaml' }));
    document
      .querySelector('.c360-app')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, mine);
  await testRow(page, ACCEPTED_CATEGORIES).and(page.locator('[data-status="fail"]')).waitFor();
  assert.equal(await schemaEditor(page).inputValue(), mine);
  assert.match(await page.locator('.c360-editor__summary').textContent(), /exercise\.yml, your file/);
  assert.match(await page.getByTestId('policy-changes').textContent(), /Loaded exercise\.yml/);
  assert.equal(await page.locator('[role="alert"]').count(), 0);

  // The page's picture of the failing tests, for the README.
  await page.locator('[data-testid="tests"] [data-filter="fail"]').click();
  await openTest(page, ACCEPTED_CATEGORIES);
  await mkdir(fileURLToPath(new URL('../../target/', import.meta.url)), { recursive: true });
  await page.getByTestId('tests').screenshot({ path: SCREENSHOT });
  assertClean(app);
  await app.context.close();
});
