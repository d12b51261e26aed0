// The c360 half of scripts/bench's browser runs: the built site (dist/) in headless Chromium,
// timed from the files being chosen to the run's Done, K times, each in a fresh browser.
//
//   node scripts/bench.d/c360-browser.mjs --url URL --contacts C --transactions T \
//        --runs K [--timeout SECONDS] > browser.json
//
// The page's contract (the Web Worker page): <html> carries data-c360-run ("loading" until the
// worker is ready, then "running" / "done" / "failed" / "cancelled"), data-c360-run-seq (+1
// each time a run's result is applied) and data-c360-worker-memory (the worker's wasm memory
// in bytes after the last run); `input[data-testid="files-input"]` takes both exports at once.
//
// One run: open the page, wait for the first (demo) run to be done, choose both files (the
// timed first run), then switch the duplicate-contacts policy to drop_all (its select, or its
// radio button where the page has a radio group) and set the as-of date to 2024-01-01, each
// timed to the next applied result. A run's time is measured in the page: from the control's
// first input or change event to the moment <html> says the next result is applied and done
// (a MutationObserver), so the driver's own latency is not in it.

import { fail, inChromium, longestTask, main, newPage, options, pageClock, rendererPeakRss } from './chromium.mjs';

const FILES_INPUT = 'input[data-testid="files-input"]';
const POLICY = 'select[data-testid="policy-duplicate_contacts"]';
// The same switch as the radio group the page has had (one radio per choice).
const POLICY_RADIO = 'input[type="radio"][name="duplicate_contacts"][value="drop_all"]';
const AS_OF = 'input[data-testid="as-of"]';

let opts;
let runs;
let timeout;

/** Installs the in-page stopwatch: window.__bench.arm() then an action, then .done. */
async function installStopwatch(page) {
  await page.evaluate(() => {
    const html = document.documentElement;
    const b = (window.__bench = { armed: false, done: false });
    b.arm = () => {
      Object.assign(b, {
        armed: true, done: false, t0: null, t1: null, state: null,
        seq0: Number(html.dataset.c360RunSeq), armedAt: performance.now(),
      });
    };
    const started = () => {
      if (b.armed && b.t0 === null) b.t0 = performance.now();
    };
    // Capture on window: before any of the page's own handlers see the event.
    window.addEventListener('input', started, true);
    window.addEventListener('change', started, true);
    const check = () => {
      if (!b.armed || b.done) return;
      const state = html.dataset.c360Run;
      const seq = Number(html.dataset.c360RunSeq);
      const applied = seq > b.seq0 && state === 'done';
      // Not "cancelled": a run superseded by the next one (fill, then change) is cancelled, and
      // the next one's result is what the user waits for.
      const ended = b.t0 !== null && state === 'failed';
      if (applied || ended) {
        Object.assign(b, { t1: performance.now(), state, done: true, armed: false });
      }
    };
    new MutationObserver(check).observe(html, {
      attributes: true,
      attributeFilter: ['data-c360-run', 'data-c360-run-seq'],
    });
  });
}

/** Runs `action`, then waits for the next applied result; returns its time in ms. */
async function timedRun(page, what, action) {
  await page.evaluate(() => window.__bench.arm());
  await action();
  try {
    await page.waitForFunction(() => window.__bench.done, null, { timeout, polling: 100 });
  } catch {
    const state = await page.evaluate(() => document.documentElement.dataset.c360Run);
    fail(`${what}: no result was applied within ${timeout / 1000}s (data-c360-run is "${state}")`);
  }
  const b = await page.evaluate(() => {
    const { t0, t1, armedAt, state } = window.__bench;
    return { t0, t1, armedAt, state };
  });
  if (b.state !== 'done') {
    const message = await page
      .locator('[data-testid="run-error"]')
      .textContent({ timeout: 1000 })
      .catch(() => '');
    fail(`${what}: the run ended "${b.state}"${message ? `: ${message.trim()}` : ''}`);
  }
  return b.t1 - (b.t0 ?? b.armedAt);
}

async function workerMemory(page) {
  const value = await page.evaluate(() => document.documentElement.dataset.c360WorkerMemory);
  return value === undefined || value === '' ? null : Number(value);
}

/**
 * The customers row count the DAG shows ("9,998 rows"), for the report to compare with
 * DuckDB's; null where the page shows no such node (it is not part of the contract).
 */
async function customersRows(page) {
  const node = page.locator('.c360-dag [data-node="model.c360.customers"]');
  if (!(await node.count())) return null;
  const rows = (await node.textContent()).match(/([\d,]+) rows?/);
  return rows ? Number(rows[1].replaceAll(',', '')) : null;
}

/** Fails, naming every part of the contract the page does not have. */
async function checkContract(page) {
  const missing = [];
  const state = await page.evaluate(() => document.documentElement.dataset.c360Run);
  if (state === undefined) missing.push('data-c360-run on <html>');
  if (!(await page.locator(FILES_INPUT).count())) missing.push('data-testid=files-input');
  if (missing.length) {
    fail(`the page does not expose ${missing.join(' or ')}: is dist/ current (the Web Worker page)?`);
  }
}

async function oneRun(index) {
  return inChromium(async (chrome) => {
    const { page, errors } = await newPage(chrome);
    await page.goto(opts.url);
    // The page says "loading" as soon as its own wasm runs; one without the contract never does.
    await page
      .waitForFunction(() => document.documentElement.dataset.c360Run, null, { timeout: 30_000 })
      .catch(() => {});
    await checkContract(page);
    await page
      .waitForFunction(() => document.documentElement.dataset.c360Run === 'done', null, { timeout })
      .catch(async () => {
        const state = await page.evaluate(() => document.documentElement.dataset.c360Run);
        fail(`the first (demo) run did not finish: data-c360-run is "${state}" after ${timeout / 1000}s`);
      });
    await installStopwatch(page);

    const result = {};
    const runsStart = await pageClock(page);
    result.first_ms = await timedRun(page, 'choosing both files', () =>
      page.locator(FILES_INPUT).setInputFiles([opts.contacts, opts.transactions]),
    );
    result.customers_rows = await customersRows(page);
    const memory = [await workerMemory(page)];

    const select = (await page.locator(POLICY).count()) > 0;
    if (!select && !(await page.locator(POLICY_RADIO).count())) {
      fail(`the page does not expose ${POLICY} (nor the radio ${POLICY_RADIO}): is dist/ current?`);
    }
    result.policy_ms = await timedRun(page, 'the drop_all policy', () =>
      select ? page.locator(POLICY).selectOption('drop_all') : page.locator(POLICY_RADIO).check(),
    );
    memory.push(await workerMemory(page));

    if (!(await page.locator(AS_OF).count())) fail('the page does not expose data-testid=as-of');
    result.as_of_ms = await timedRun(page, 'the as-of date 2024-01-01', async () => {
      await page.locator(AS_OF).fill('2024-01-01');
      await page.locator(AS_OF).dispatchEvent('change');
    });
    memory.push(await workerMemory(page));

    // wasm memory never shrinks: the last reading is the peak.
    result.worker_memory = memory.every((m) => m === null) ? null : Math.max(...memory);
    result.longest_task_ms = await longestTask(page, runsStart);
    result.longest_load_task_ms = await longestTask(page, runsStart, true);
    result.renderer_peak_rss = await rendererPeakRss(chrome.pid);
    result.errors = errors;
    result.chromium = chrome.browser.version();
    console.error(
      `bench: c360 in Chromium, run ${index + 1}/${runs}: ${(result.first_ms / 1000).toFixed(2)} s`,
    );
    return result;
  });
}

main(async () => {
  opts = options(process.argv.slice(2), ['url', 'contacts', 'transactions']);
  runs = Number(opts.runs ?? 3);
  timeout = Number(opts.timeout ?? 600) * 1000;
  const out = { runs: [] };
  for (let i = 0; i < runs; i++) out.runs.push(await oneRun(i));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
});
