// The DuckDB-WASM half of scripts/bench's browser runs: the bench's own page
// (duckdb-wasm/index.html, served with node_modules from the repository's root) in headless
// Chromium, K times, each in a fresh browser. One run: open the page, wait for DuckDB-WASM to
// be instantiated, choose both files in its file input (as a user gives them), and wait for
// the customers mart's row count. The time is the page's own, from the change event to the
// count.
//
//   node scripts/bench.d/duckdb-wasm.mjs --url URL --contacts C --transactions T \
//        --runs K [--timeout SECONDS] > duckdb-wasm.json

import { fail, inChromium, longestTask, main, newPage, options, pageClock, rendererPeakRss } from './chromium.mjs';

async function oneRun(opts, index, runs, timeout) {
  return inChromium(async (chrome) => {
    const { page, errors } = await newPage(chrome);
    await page.goto(opts.url);
    const state = () => page.evaluate(() => document.documentElement.dataset.benchState);
    await page
      .waitForFunction(() => document.documentElement.dataset.benchState !== 'loading', null, {
        timeout: 60_000,
      })
      .catch(() => {});
    if ((await state()) !== 'ready') {
      const text = await page.locator('[data-testid="status"]').textContent();
      fail(`DuckDB-WASM's page is not ready (${await state()}): ${text} ${errors.join(' ')}`);
    }
    const runsStart = await pageClock(page);
    await page.locator('[data-testid="files-input"]').setInputFiles([opts.contacts, opts.transactions]);
    await page
      .waitForFunction(() => document.documentElement.dataset.benchSeq === '1', null, {
        timeout,
        polling: 100,
      })
      .catch(() => fail(`DuckDB-WASM gave no result within ${timeout / 1000}s`));
    if ((await state()) !== 'done') {
      fail(`DuckDB-WASM failed: ${await page.locator('[data-testid="status"]').textContent()}`);
    }
    const result = await page.evaluate(() => {
      const d = document.documentElement.dataset;
      return { ms: Number(d.benchMs), rows: Number(d.benchRows), bundle: d.benchBundle, version: d.benchVersion };
    });
    result.longest_task_ms = await longestTask(page, runsStart);
    result.longest_load_task_ms = await longestTask(page, runsStart, true);
    result.renderer_peak_rss = await rendererPeakRss(chrome.pid);
    result.errors = errors;
    console.error(
      `bench: DuckDB-WASM in Chromium, run ${index + 1}/${runs}: ${(result.ms / 1000).toFixed(2)} s`,
    );
    return result;
  });
}

main(async () => {
  const opts = options(process.argv.slice(2), ['url', 'contacts', 'transactions']);
  const runs = Number(opts.runs ?? 3);
  const timeout = Number(opts.timeout ?? 600) * 1000;
  const out = { runs: [] };
  for (let i = 0; i < runs; i++) out.runs.push(await oneRun(opts, i, runs, timeout));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
});
