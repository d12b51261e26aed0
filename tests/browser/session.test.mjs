// The session kept in the browser, in headless Chromium: the user's files, a policy and the
// as-of date come back after a reload (with a notice saying how old they are), Forget deletes
// everything c360 stored (OPFS, IndexedDB, localStorage: each checked empty) and a reload is
// the demo again. The same with OPFS taken away (the IndexedDB fallback); a storage quota
// error is shown and the run still is; a record that cannot be read is reported and the page
// opens on the demo.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { assertClean, dagNode, launch, mainTable, openApp, setAsOf } from './helpers.mjs';

const TRANSACTIONS = 'source.c360.web.transactions';
const DAY = '2026-11-20';

const seed = async (name) =>
  (await readFile(new URL(`../../seeds/${name}`, import.meta.url), 'utf8')).trim().split('\n');

// The user's two exports: the demo contacts under another name, and the first five
// transactions, so that the results differ from the demo's.
async function usersFiles() {
  const contacts = await seed('contacts.csv');
  const transactions = await seed('transactions.csv');
  return [
    { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(contacts.join('\n') + '\n') },
    {
      name: 'first-five.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(transactions.slice(0, 6).join('\n') + '\n'),
    },
  ];
}

// OPFS without `getDirectory`, as in a browser that lacks it; the test keeps a way in, to check
// that nothing was written there.
const WITHOUT_OPFS = `
  const getDirectory = StorageManager.prototype.getDirectory;
  delete StorageManager.prototype.getDirectory;
  window.__testOpfsRoot = () => getDirectory.call(navigator.storage);
`;

// Every OPFS write fails as a full disk does.
const QUOTA_EXCEEDED = `
  FileSystemWritableFileStream.prototype.write = function () {
    return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  };
`;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const dataset = (page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

/** Waits until more than `seq` runs have ended with a result and the last one is done. */
async function waitForRun(page, seq) {
  await page.waitForFunction(
    (seq) => {
      const d = document.documentElement.dataset;
      return d.c360Run === 'done' && Number(d.c360RunSeq) > seq;
    },
    seq,
    { timeout: 60_000 },
  );
}

/** Waits until storage has dealt with the last run's settings (kept them, or had nothing to keep). */
async function waitForStorage(page) {
  await page.waitForFunction(() => {
    const d = document.documentElement.dataset;
    return d.c360Run === 'done' && d.c360StorageSeq === d.c360RunSeq;
  });
}

/** What the origin has stored: OPFS's root and c360 directory, IndexedDB's databases and c360's
 * entries, localStorage's length. Opens nothing that does not exist. */
async function stored(page) {
  return page.evaluate(async () => {
    const root = await (window.__testOpfsRoot?.() ?? navigator.storage.getDirectory());
    const opfs = [];
    for await (const name of root.keys()) opfs.push(name);
    const c360 = [];
    if (opfs.includes('c360')) {
      for await (const name of (await root.getDirectoryHandle('c360')).keys()) c360.push(name);
    }
    const databases = (await indexedDB.databases()).map((d) => d.name);
    let entries = [];
    if (databases.includes('c360')) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('c360');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      entries = await new Promise((resolve, reject) => {
        const keys = db.transaction('entries').objectStore('entries').getAllKeys();
        keys.onsuccess = () => resolve(keys.result);
        keys.onerror = () => reject(keys.error);
      });
      db.close();
    }
    return { opfs, c360: c360.sort(), databases, entries: entries.sort(), local: localStorage.length };
  });
}

/** Each node's row count and each test's status, as the page shows them. */
async function results(page) {
  return page.evaluate(() => ({
    nodes: Object.fromEntries(
      [...document.querySelectorAll('.c360-dag [data-node]')].map((n) => [
        n.dataset.node,
        n.querySelector('.c360-dag__rows')?.textContent,
      ]),
    ),
    tests: Object.fromEntries(
      [...document.querySelectorAll('[data-testid="tests"] [data-test]')].map((t) => [
        t.dataset.test,
        t.dataset.status,
      ]),
    ),
  }));
}

const dropAll = (page) => page.locator('input[name="duplicate_contacts"][value="drop_all"]');

/** The stored entries' names: the record and one per file, by slot. */
function assertEntries(names) {
  assert.equal(names.length, 3, `three entries: ${names}`);
  assert.match(names[0], /^contacts-\d+-\d+-[0-9a-f]{16}$/);
  assert.equal(names[1], 'session.json');
  assert.match(names[2], /^transactions-\d+-\d+-[0-9a-f]{16}$/);
}

/** Loads the user's files, a day and a policy; reloads; checks it all came back; forgets. */
async function keepReloadForget(app, backend) {
  const { page } = app;
  assert.equal(await page.getByTestId('forget-data').count(), 0, 'nothing kept on a first visit');
  assert.deepEqual((await stored(page)).databases, [], 'a first visit stores nothing');

  let seq = Number((await dataset(page)).c360RunSeq);
  await page.getByTestId('files-input').setInputFiles(await usersFiles());
  await waitForRun(page, seq);
  assert.match(await dagNode(page, TRANSACTIONS).textContent(), /5 rows/);
  await setAsOf(page, DAY);
  seq = Number((await dataset(page)).c360RunSeq);
  await dropAll(page).check();
  await waitForRun(page, seq);
  await waitForStorage(page);
  const before = await results(page);
  assert.match(before.nodes['model.c360.stg_sf__contacts'], /10 rows/, 'the policy dropped a duplicate');
  const rows = await mainTable(page).getAttribute('data-row-count');
  // Kept: the Forget button is offered in the data bar.
  await page.getByTestId('forget-data').waitFor();

  const kept = await stored(page);
  if (backend === 'opfs') {
    assert.deepEqual(kept.opfs, ['c360']);
    assertEntries(kept.c360);
    assert.ok(!kept.databases.includes('c360'), 'OPFS is used, not IndexedDB');
  } else {
    assert.deepEqual(kept.opfs, [], 'no OPFS: nothing written there');
    assert.ok(kept.databases.includes('c360'));
    assertEntries(kept.entries);
  }

  await page.reload();
  const notice = page.getByTestId('session-notice');
  await notice.waitFor();
  assert.match(
    await notice.textContent(),
    /Restored your session from (less than a minute ago|1 minute ago) \(files: crm\.csv, first-five\.csv\)/,
  );
  await waitForRun(page, 0);
  await mainTable(page).waitFor();
  assert.equal(await page.getByTestId('as-of').inputValue(), DAY);
  assert.ok(await dropAll(page).isChecked(), 'the policy came back');
  assert.equal(await page.locator('.c360-source', { hasText: 'crm.csv' }).count(), 1);
  assert.equal(await page.locator('.c360-source', { hasText: 'first-five.csv' }).count(), 1);
  assert.deepEqual(await results(page), before, 'the same results');
  assert.equal(await mainTable(page).getAttribute('data-row-count'), rows);
  assert.equal(await page.getByTestId('storage-error').count(), 0);

  seq = Number((await dataset(page)).c360RunSeq);
  await notice.getByTestId('forget-data').click();
  await page.getByTestId('forget-data').waitFor({ state: 'detached' });
  assert.equal(await notice.count(), 0);
  await waitForRun(page, seq);
  await waitForStorage(page);
  assert.equal(await page.locator('.c360-source', { hasText: 'crm.csv' }).count(), 0, 'the demo');
  assert.deepEqual(await stored(page), {
    opfs: [],
    c360: [],
    databases: [],
    entries: [],
    local: 0,
  });

  await page.reload();
  await waitForRun(page, 0);
  await mainTable(page).waitFor();
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10', 'the demo customers');
  assert.equal(await page.getByTestId('session-notice').count(), 0);
  assert.ok(await page.getByTestId('use-demo').isDisabled());
  assert.ok(!(await dropAll(page).isChecked()));
  assert.equal(await page.getByTestId('storage-error').count(), 0);
  assertClean(app);
}

test('a reload restores the files, policy and as-of date; Forget leaves OPFS empty', async () => {
  const app = await openApp(browser);
  await keepReloadForget(app, 'opfs');
  await app.context.close();
});

test('without OPFS the session is kept in IndexedDB, and Forget deletes the database', async () => {
  const app = await openApp(browser, { initScript: WITHOUT_OPFS });
  assert.equal(await app.page.evaluate(() => 'getDirectory' in navigator.storage), false);
  await keepReloadForget(app, 'indexeddb');
  await app.context.close();
});

test('a storage quota error is shown, names the quota, and the run still shows', async () => {
  const app = await openApp(browser, { initScript: QUOTA_EXCEEDED });
  const { page } = app;
  const seq = Number((await dataset(page)).c360RunSeq);
  await page.getByTestId('files-input').setInputFiles(await usersFiles());
  const alert = page.getByTestId('storage-error');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /Your session could not be kept in this browser/);
  assert.match(text, /storage quota for this site is exceeded: storing (crm|first-five)\.csv \(\d/);
  assert.match(text, /QuotaExceededError: The quota has been exceeded/);
  assert.match(text, /this site uses .* of the .* the browser allows it/);
  assert.match(text, /a reload will not bring this session back/);
  await waitForRun(page, seq);
  await waitForStorage(page);
  assert.match(await dagNode(page, TRANSACTIONS).textContent(), /5 rows/, 'the run shows');
  await mainTable(page).waitFor();
  // No record, and no stored file holds a byte. (The emptied entry a failed write leaves may
  // stay a moment while the browser releases its lock: c360 tries to remove it, and the next
  // record written, or Forget, deletes it.)
  const left = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('c360');
    const out = {};
    for await (const [name, handle] of dir.entries()) out[name] = (await handle.getFile()).size;
    return out;
  });
  assert.ok(!('session.json' in left), 'no record');
  assert.deepEqual(Object.values(left).filter((size) => size > 0), [], 'no stored bytes');

  await page.reload();
  await waitForRun(page, 0);
  assert.equal(await page.getByTestId('session-notice').count(), 0, 'nothing to restore');
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');
  assertClean(app);
  await app.context.close();
});

test('a record that cannot be read is reported, and the page opens on the demo', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('c360', {
      create: true,
    });
    const file = await (await dir.getFileHandle('session.json', { create: true })).createWritable();
    await file.write('{"version": 1, "saved_at": ');
    await file.close();
  });
  await page.reload();
  const alert = page.getByTestId('storage-error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Your last session could not be restored/);
  assert.match(await alert.textContent(), /the saved session is not readable: EOF/);
  assert.match(await alert.textContent(), /opened on the demo data instead/);
  await waitForRun(page, 0);
  assert.equal(await mainTable(page).getAttribute('data-row-count'), '10');
  assert.equal(await page.getByTestId('session-notice').count(), 0);
  // The demo on its first visit's settings has nothing to keep: the broken record is deleted,
  // and the next reload says nothing.
  await waitForStorage(page);
  assert.deepEqual((await stored(page)).opfs, []);
  await page.reload();
  await waitForRun(page, 0);
  assert.equal(await page.getByTestId('storage-error').count(), 0);
  assertClean(app);
  await app.context.close();
});

test('a browser that can store nothing says so when files are loaded; a reload is a first visit', async () => {
  const app = await openApp(browser, {
    initScript: `
      delete StorageManager.prototype.getDirectory;
      delete window.indexedDB;
    `,
  });
  const { page } = app;
  assert.equal(await page.evaluate(() => typeof indexedDB), 'undefined');
  assert.equal(await page.getByTestId('storage-error').count(), 0, 'a first visit is no failure');
  const seq = Number((await dataset(page)).c360RunSeq);
  await page.getByTestId('files-input').setInputFiles(await usersFiles());
  const alert = page.getByTestId('storage-error');
  await alert.waitFor();
  assert.match(
    await alert.textContent(),
    /Storing (crm|first-five)\.csv \(.*\) failed: Error: this browser has neither the origin private file system nor IndexedDB/,
  );
  await waitForRun(page, seq);
  await waitForStorage(page);
  assert.match(await dagNode(page, TRANSACTIONS).textContent(), /5 rows/, 'the run shows');

  await page.reload();
  await waitForRun(page, 0);
  assert.equal(await page.getByTestId('storage-error').count(), 0);
  assert.equal(await page.getByTestId('session-notice').count(), 0);
  assertClean(app);
  await app.context.close();
});
