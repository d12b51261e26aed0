// A worker that dies is recovered: the page hears the worker's crash (a wasm `unreachable`
// trap, as `panic = "abort"` or memory the worker cannot get would cause), says what happened,
// starts a new worker and runs again from the files it holds; when the re-run crashes too it
// stops, keeps the last results on screen marked stale, and says so.
//
// The crash is the protocol's test-only `Crash` request, sent through the hook the page
// installs only when its address carries the `c360-test-crash` flag:
// `window.__c360_test_crash(times)` crashes the worker now and after each of the next
// `times - 1` run requests.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, mainTable, openApp, openNode, setAsOf } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const FLAG = '?c360-test-crash';

/** Where the runs stand, as the page writes it on <html>. */
function runs(page) {
  return page.evaluate(() => {
    const d = document.documentElement.dataset;
    return { state: d.c360Run, seq: Number(d.c360RunSeq), stale: d.c360Stale !== undefined };
  });
}

test('a crashed worker is restarted and the run is made again: a message, a new run, the tables back', async () => {
  const { page, context } = await openApp(browser, { search: FLAG });
  await page.waitForFunction(() => document.documentElement.dataset.c360Run === 'done');
  const before = await runs(page);
  assert.equal(before.stale, false);

  await page.evaluate(() => window.__c360_test_crash(1));

  const notice = page.getByTestId('worker-crash');
  await notice.waitFor();
  assert.equal(await notice.getAttribute('data-c360-gave-up'), 'false');
  const text = await notice.textContent();
  assert.match(text, /crashed and was restarted/);
  assert.match(text, /a test's deliberate crash/, 'what the worker was doing');
  assert.match(text, /unreachable|abort/i, "the browser's word on it");
  assert.match(text, /started a new worker/);

  // The new worker ran the DAG again, and holds the tables: the open one and another's pages.
  await page.waitForFunction(
    (seq) => {
      const d = document.documentElement.dataset;
      return d.c360Run === 'done' && Number(d.c360RunSeq) > seq;
    },
    before.seq,
    { timeout: 60_000 },
  );
  assert.equal((await runs(page)).stale, false);
  await mainTable(page).waitFor();
  assert.ok((await mainTable(page).locator('tbody tr').count()) > 0, 'rows are back');
  await openNode(page, 'source.c360.web.transactions');
  assert.ok((await mainTable(page).locator('tbody tr').count()) > 0, 'a page from the new worker');
  assert.match(await notice.textContent(), /nothing was lost/);
  await context.close();
});

test('a crash that repeats on the re-run stops re-running and keeps the last results, marked stale', async () => {
  const { page, context } = await openApp(browser, { search: FLAG });
  await page.waitForFunction(() => document.documentElement.dataset.c360Run === 'done');
  const before = await runs(page);
  const rows = await mainTable(page).locator('tbody tr').count();
  assert.ok(rows > 0);

  // The worker crashes, and the re-run in the new worker crashes too.
  await page.evaluate(() => window.__c360_test_crash(2));

  const notice = page.locator('[data-testid="worker-crash"][data-c360-gave-up="true"]');
  await notice.waitFor({ timeout: 60_000 });
  const text = await notice.textContent();
  assert.match(text, /crashed again: c360 stopped re-running/);
  assert.match(text, /the run of “Ran again after the worker crashed”/, 'which step: the re-run');
  assert.match(text, /stale/);
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-c360-stale'));
  const stopped = await runs(page);
  assert.deepEqual(stopped, { state: 'crashed', seq: before.seq, stale: true });
  // The last results stay on screen.
  await mainTable(page).waitFor();
  assert.equal(await mainTable(page).locator('tbody tr').count(), rows);

  // No loop: nothing runs on its own.
  await page.waitForTimeout(1500);
  assert.deepEqual(await runs(page), stopped);

  // The user's next change runs again, in a worker that works.
  await setAsOf(page, '2026-06-30');
  await page.waitForFunction(() => document.documentElement.dataset.c360Run === 'done');
  const after = await runs(page);
  assert.equal(after.stale, false);
  assert.ok(after.seq > before.seq);
  assert.equal(await page.getByTestId('worker-crash').count(), 0, 'the crash is history');
  await context.close();
});
