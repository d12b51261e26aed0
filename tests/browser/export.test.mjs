// The partner export, in headless Chromium on the demo data, as a privacy officer uses it:
// read the classification, set a policy, choose to generalise further, generate a key, and
// export — then check the two files Chromium really downloaded: no contact id, e-mail or
// name in the CSV's bytes, the manifest's achieved k is a recount of the CSV, the key is in
// neither file nor in the browser's storage, a second export with the same key (the joined
// transactions) joins to the first on the pseudonym, and the saved policy file makes the
// same bytes through `c360 export`. Below k, the export needs the confirmation the manifest
// records. Nothing but the site's own files is requested.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { APP_URL, assertClean, launch, openApp, parseCsv, setAsOf } from './helpers.mjs';

const AS_OF = '2023-05-09';
const seedPath = (name) => new URL(`../../seeds/${name}`, import.meta.url).pathname;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Clicks `button` and returns the downloads it starts, once `count` have come. */
async function downloadsOf(page, button, count) {
  const downloads = [];
  const listener = (d) => downloads.push(d);
  page.on('download', listener);
  await button.click();
  for (let i = 0; i < 600 && downloads.length < count; i++) await page.waitForTimeout(100);
  page.off('download', listener);
  assert.equal(downloads.length, count, 'downloads started');
  const files = {};
  for (const d of downloads) files[d.suggestedFilename()] = await readFile(await d.path(), 'utf8');
  return files;
}

/** A CSV's header and its rows as objects. */
function table(text) {
  const [header, ...rows] = parseCsv(text);
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

/** The smallest number of distinct ids among rows equal on the quasi-identifiers. */
function recount(rows, qis) {
  const classes = new Map();
  for (const r of rows) {
    const key = JSON.stringify(qis.map((q) => r[q]));
    if (!classes.has(key)) classes.set(key, new Set());
    classes.get(key).add(r.id);
  }
  return Math.min(...[...classes.values()].map((s) => s.size));
}

/** The demo contacts' direct identifiers: ids, user names, full names, e-mails, streets. */
async function identifiers() {
  const { rows } = table(await readFile(seedPath('contacts.csv'), 'utf8'));
  const out = new Set();
  for (const c of rows) {
    for (const v of [c.id, c.name, c.mail, c.address.split(',')[0]]) if (v) out.add(v);
  }
  return out;
}

async function openExport(app) {
  const { page } = app;
  await setAsOf(page, AS_OF);
  await page.getByTestId('nav-export').click();
  assert.equal(await page.evaluate(() => location.hash), '#/export');
  const exportPage = page.getByTestId('export-page');
  await exportPage.getByTestId('export-report').waitFor();
  return exportPage;
}

test('set policies, generate a key, export: a masked CSV and its manifest, joinable, leaking nothing', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const ex = await openExport(app);

  // The classification is shown, with the default policies.
  const row = (name) => ex.locator(`tr[data-column="${name}"]`);
  assert.equal(await row('id').getByTestId('export-classification').textContent(), 'direct identifier');
  assert.equal(await row('id').getAttribute('data-policy'), 'pseudonymise');
  assert.equal(await row('age').getByTestId('export-classification').textContent(), 'quasi-identifier: age');
  assert.equal(await row('age').getAttribute('data-policy'), 'generalise to 10-year age bands');
  assert.equal(await row('segment').getAttribute('data-policy'), 'keep');
  assert.ok(await row('next_best_category_1').count(), 'customers carry their recommendations');

  // Round the amounts; generalise further rather than suppress.
  await row('total_expense').getByTestId('export-policy').selectOption({ label: 'generalise to 0 decimal places' });
  await ex.locator('tr[data-column="total_expense"][data-policy="generalise to 0 decimal places"]').waitFor();
  await ex.locator('[data-testid="export-small-classes"][value="generalise"]').check();
  const download = ex.getByTestId('export-download');
  assert.ok(await download.isDisabled(), 'no export without a key');
  // The key is not a password to keep: no password manager is invited to save or fill it.
  const marks = await ex.getByTestId('export-key').evaluate((input) => ({
    autocomplete: input.getAttribute('autocomplete'),
    onePassword: input.getAttribute('data-1p-ignore'),
    lastPass: input.getAttribute('data-lpignore'),
    bitwarden: input.getAttribute('data-bwignore'),
    dashlane: input.getAttribute('data-form-type'),
    inForm: input.closest('form') !== null,
  }));
  assert.deepEqual(marks, {
    autocomplete: 'off',
    onePassword: '',
    lastPass: 'true',
    bitwarden: '',
    dashlane: 'other',
    inForm: false,
  });
  await ex.getByTestId('export-key').fill('short');
  assert.match(await ex.getByTestId('export-key-problem').textContent(), /at least 16/);
  assert.ok(await download.isDisabled());

  await ex.getByTestId('generate-key').click();
  const key = (await ex.getByTestId('generated-key').textContent()).trim();
  assert.match(key, /^[0-9a-f]{64}$/);
  await page.waitForFunction(() => !document.querySelector('[data-testid="export-download"]').disabled);
  const label = await download.textContent();
  const shownK = Number(/k = (\d+)/.exec(label)[1]);
  const shownSuppressed = Number(
    (await ex.locator('[data-figure="rows_suppressed"] dd').textContent()).replaceAll(',', ''),
  );
  await ex.screenshot({ path: 'target/screenshot-export.png' });

  const files = await downloadsOf(page, download, 2);
  assert.deepEqual(Object.keys(files).sort(), ['customers.manifest.json', 'customers.masked.csv']);
  await ex.getByTestId('export-status').filter({ hasText: 'Saved customers.masked.csv' }).waitFor();
  const csv = files['customers.masked.csv'];
  const manifest = JSON.parse(files['customers.manifest.json']);

  // No direct identifier survives, and no column that held one is there.
  for (const v of await identifiers()) assert.ok(!csv.includes(v), `the CSV leaks ${v}`);
  const customers = table(csv);
  assert.ok(customers.rows.length > 0);
  for (const r of customers.rows) {
    assert.match(r.id, /^[0-9a-f]{16}$/, 'ids are 16-digit pseudonyms');
    assert.match(r.total_expense, /^-?\d+$/, 'amounts rounded to whole units');
  }

  // The manifest says what was done, and its k is a recount of the file.
  const k = manifest.k_anonymity;
  assert.equal(manifest.dataset, 'customers');
  assert.equal(manifest.as_of, AS_OF);
  assert.equal(manifest.exported_rows, customers.rows.length);
  assert.equal(k.k_achieved, recount(customers.rows, k.quasi_identifiers));
  assert.ok(k.k_achieved >= 5, `k = ${k.k_achieved}`);
  assert.equal(k.k_achieved, shownK, 'the button showed the achieved k');
  assert.equal(k.rows_suppressed, shownSuppressed, 'the report showed the rows suppressed');
  assert.equal(k.small_classes, 'generalise');
  const total = manifest.columns.find((c) => c.name === 'total_expense');
  assert.deepEqual(total.policy, { policy: 'generalise', to: 'round', places: 0 });
  assert.equal(manifest.pseudonym.algorithm, 'HMAC-SHA-256');
  assert.equal(manifest.pseudonym.length, 16);

  // The key is nowhere but in the user's hands.
  for (const text of Object.values(files)) assert.ok(!text.includes(key), 'the key is in a file');
  const stored = await page.evaluate(async () => {
    const local = JSON.stringify({ ...localStorage });
    const dbs = (await indexedDB.databases?.()) ?? [];
    return { local, url: location.href, dbs: dbs.map((d) => d.name) };
  });
  assert.ok(!stored.local.includes(key) && !stored.url.includes(key), 'the key is kept by the page');

  // A second export with the same key joins to the first on the pseudonym.
  await ex.getByTestId('export-dataset').selectOption('contacts_joined_with_transactions');
  await ex.locator('tr[data-column="transaction_id"]').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="export-download"]').disabled);
  const joinedFiles = await downloadsOf(page, download, 2);
  const joined = table(joinedFiles['contacts_joined_with_transactions.masked.csv']);
  for (const v of await identifiers()) {
    assert.ok(!joinedFiles['contacts_joined_with_transactions.masked.csv'].includes(v), `leaks ${v}`);
  }
  const customerIds = new Set(customers.rows.map((r) => r.id));
  const joinedIds = new Set(joined.rows.map((r) => r.id));
  const both = [...customerIds].filter((id) => joinedIds.has(id));
  assert.ok(both.length >= customerIds.size / 2, `${both.length} of ${customerIds.size} customers join`);

  // The policy file saved here makes the same bytes through the CLI, with the same key.
  await ex.getByTestId('export-dataset').selectOption('customers');
  await row('total_expense').getByTestId('export-policy').selectOption({ label: 'generalise to 0 decimal places' });
  await ex.locator('[data-testid="export-small-classes"][value="generalise"]').check();
  await ex.locator('tr[data-column="total_expense"][data-policy="generalise to 0 decimal places"]').waitFor();
  const saved = await downloadsOf(page, ex.getByTestId('save-policy'), 1);
  const dir = await mkdtemp(join(tmpdir(), 'c360-export-'));
  const policyPath = join(dir, 'policy.json');
  await writeFile(policyPath, saved['c360-policy-customers.json']);
  const bin = process.env.C360_BIN;
  if (!bin) throw new Error('C360_BIN is not set: run scripts/test-browser, which builds c360');
  execFileSync(bin, [
    'export', '--contacts', seedPath('contacts.csv'), '--transactions', seedPath('transactions.csv'),
    '--as-of', AS_OF, '--dataset', 'customers', '--policy', policyPath, '--key-env', 'C360_TEST_KEY',
    '--out', join(dir, 'out'),
  ], { env: { ...process.env, C360_TEST_KEY: key }, stdio: 'pipe' });
  assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['customers.manifest.json', 'customers.masked.csv']);
  const cli = await readFile(join(dir, 'out', 'customers.masked.csv'), 'utf8');
  assert.ok(cli === csv, 'the CLI with the saved policy and the same key writes the same CSV');

  // Only the site's own files were requested.
  const own = new URL(APP_URL).origin;
  const foreign = app.requests.filter((u) => !u.startsWith(own) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assertClean(app);
  await app.context.close();
});

test('below k the export needs an explicit confirmation, which the manifest records', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const ex = await openExport(app);
  await ex.locator('[data-testid="export-small-classes"][value="keep"]').check();
  await ex.getByTestId('export-k').fill('1000');
  await ex.getByTestId('export-k').dispatchEvent('change');
  await ex.locator('[data-testid="export-report"][data-below-k="true"]').waitFor();
  assert.match(await ex.getByTestId('export-verdict').textContent(), /Below k/);
  await ex.getByTestId('export-key').fill('a secret long enough to key the pseudonyms');
  const download = ex.getByTestId('export-download');
  assert.ok(await download.isDisabled(), 'below k, no export without the confirmation');
  await ex.getByTestId('confirm-below-k').check();
  await page.waitForFunction(() => !document.querySelector('[data-testid="export-download"]').disabled);
  const files = await downloadsOf(page, download, 2);
  const manifest = JSON.parse(files['customers.manifest.json']);
  assert.equal(manifest.k_anonymity.allow_below_k, true);
  assert.equal(manifest.k_anonymity.below_k, true);
  assert.equal(manifest.k_anonymity.rows_suppressed, 0);
  assert.equal(manifest.exported_rows, manifest.source_rows);
  assert.equal(manifest.k_anonymity.k_achieved, recount(table(files['customers.masked.csv']).rows, manifest.k_anonymity.quasi_identifiers));

  // A policy file naming a column the dataset lacks is refused with the valid columns.
  const bad = JSON.stringify({ version: 1, dataset: 'customers', columns: { phone: { policy: 'drop' } } });
  await ex.getByTestId('load-policy').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  const problem = ex.getByTestId('export-problem');
  await problem.waitFor();
  assert.match(await problem.textContent(), /phone/);
  assert.match(await problem.textContent(), /total_expense/);
  assert.ok(await download.isDisabled(), 'no export while the policy file is wrong');
  assertClean(app);
  await app.context.close();
});
