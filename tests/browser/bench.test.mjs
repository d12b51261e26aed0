// The benchmark panel, in headless Chromium: folded away until opened; it paints its running
// state while the benchmark runs in the worker, then shows the engine's four steps with their
// seconds and ratios to the peer, the browser's user agent and the report as text, which
// "Copy as text" puts on the clipboard or, when the page may not use it, selects.
//
// Only the smallest size runs here, and nothing asserts how fast: speed is measured by the
// benchmark itself (`cargo bench --bench build`, or this panel), never by a test.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { APP_URL, launch, openApp, assertClean } from './helpers.mjs';

const STEPS = [
  'peer: csv tokenise only',
  'c360 load (typed columns)',
  'c360 run (load + models)',
  'c360 build (load + models + tests)',
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/** Opens the panel, runs the smallest size once and waits for the result; returns the panel. */
async function runSmallest(page) {
  const panel = page.getByTestId('bench');
  assert.equal(await panel.getByTestId('bench-run').isVisible(), false, 'folded until opened');
  await panel.locator('summary').click();
  await panel.getByTestId('bench-size').selectOption('1k-10k');
  await panel.getByTestId('bench-runs').selectOption('1');
  // Records whether a frame ever showed the running state: the benchmark runs in the worker,
  // so the page keeps painting while it runs.
  await page.evaluate(() => {
    window.benchRunningPainted = false;
    const watch = () => {
      if (document.querySelector('[data-testid="bench-status"][data-state="running"]')) {
        window.benchRunningPainted = true;
      } else {
        requestAnimationFrame(watch);
      }
    };
    requestAnimationFrame(watch);
  });
  await panel.getByTestId('bench-run').click();
  await panel.getByTestId('bench-result').waitFor({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.benchRunningPainted), true, 'running state painted');
  return panel;
}

test('runs the smallest benchmark in the page: four steps, the peer at 1.00, copied as text', async () => {
  const app = await openApp(browser);
  const { page, context } = app;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(APP_URL).origin,
  });
  const panel = await runSmallest(page);

  const rows = panel.locator('[data-bench-step]');
  const steps = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.dataset.benchStep,
      seconds: Number(tr.dataset.seconds),
      ratio: tr.dataset.ratio,
      shown: tr.cells[2].textContent.trim(),
    })),
  );
  assert.deepEqual(
    steps.map((s) => s.name),
    STEPS,
  );
  for (const step of steps) {
    assert.ok(Number.isFinite(step.seconds) && step.seconds > 0, `${step.name}: ${step.seconds} s`);
  }
  assert.equal(steps[0].ratio, '1.00');
  assert.equal(steps[0].shown, '1.00×');
  assert.match(await panel.getByTestId('bench-data').textContent(), /^1,000 contacts and 10,000 transactions: [\d.]+ (kB|MB) of CSV/);
  assert.match(await panel.getByTestId('bench-status').textContent(), /^Done in .+, in the worker\.$/);
  assert.equal(
    await panel.getByTestId('bench-native').textContent(),
    'C360_BENCH_CONTACTS=1000 C360_BENCH_TRANSACTIONS=10000 C360_BENCH_RUNS=1 cargo bench --bench build',
  );

  // The user agent is shown, and is this browser's.
  const userAgent = await page.evaluate(() => navigator.userAgent);
  assert.equal(await panel.getByTestId('bench-user-agent').textContent(), userAgent);

  // The text is the native report's, plus the browser it ran in.
  const text = await panel.getByTestId('bench-text').textContent();
  assert.match(text, /^c360 bench: 1000 contacts, 10000 transactions, [\d.]+ MB of CSV, best of 1\n/);
  assert.match(text, /peer: csv tokenise only +[\d.]+ s +1\.00x peer\n/);
  assert.ok(text.includes(`\n  browser: ${userAgent}\n`), text);

  await panel.getByTestId('bench-copy').click();
  await panel.getByTestId('bench-copy-status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, text);
  assert.match(copied, /c360 bench/);
  assertClean(app);
  await app.context.close();
});

test('without the clipboard, "Copy as text" selects the text for the user to copy', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const panel = await runSmallest(page);
  const text = await panel.getByTestId('bench-text').textContent();
  const status = panel.getByTestId('bench-copy-status');

  // The browser refuses (as it does without permission or focus).
  await page.evaluate(() => {
    navigator.clipboard.writeText = () =>
      Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  await panel.getByTestId('bench-copy').click();
  await status.filter({ hasText: 'press Ctrl+C' }).waitFor();
  // (A selection's text leaves out the <pre>'s final line break.)
  const selected = () => page.evaluate(() => window.getSelection().toString().trimEnd());
  assert.equal(await selected(), text.trimEnd());
  assert.match(text, /c360 bench/);

  // No clipboard at all (a page served over plain http from another host).
  await page.evaluate(() => {
    window.getSelection().removeAllRanges();
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
  });
  await panel.getByTestId('bench-copy').click();
  await page.waitForFunction(() => window.getSelection().toString().length > 0);
  assert.equal(await selected(), text.trimEnd());
  assertClean(app);
  await app.context.close();
});
