// The bench's own DuckDB-WASM page: the customers mart (../customers.sql) over the two files a
// user chooses, in DuckDB-WASM's worker, as the browser peer of c360's page. Its contract with
// scripts/bench.d/duckdb-wasm.mjs mirrors c360's: <html data-bench-state> is "loading" until
// the database is instantiated, then "ready" / "running" / "done" / "failed";
// data-bench-seq counts finished runs; data-bench-ms is the last run's time (from the files'
// change event to the materialised result's row count) and data-bench-rows its row count.
//
// The eh bundle (wasm exceptions, single-threaded) works offline in Chromium without
// cross-origin isolation; mvp is the fallback selectBundle takes where exceptions are missing.

import * as duckdb from '/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const html = document.documentElement;
const status = document.querySelector('[data-testid="status"]');
const input = document.querySelector('[data-testid="files-input"]');
const dist = '/node_modules/@duckdb/duckdb-wasm/dist';

function say(state, text) {
  html.dataset.benchState = state;
  status.textContent = text;
}

/** customers.sql's statements for the registered files, like duckdb_customers.py does. */
function statements(sql, asOf) {
  const text = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .replaceAll('{contacts}', 'contacts.csv')
    .replaceAll('{transactions}', 'transactions.csv')
    .replaceAll('{as_of}', asOf);
  return text.split(';\n').map((s) => s.trim()).filter(Boolean);
}

async function start() {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: `${dist}/duckdb-mvp.wasm`, mainWorker: `${dist}/duckdb-browser-mvp.worker.js` },
    eh: { mainModule: `${dist}/duckdb-eh.wasm`, mainWorker: `${dist}/duckdb-browser-eh.worker.js` },
  });
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker));
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const sql = await (await fetch('../customers.sql')).text();
  const asOf = new URL(location.href).searchParams.get('as_of') ?? '2023-05-09';
  html.dataset.benchBundle = bundle.mainModule.split('/').pop();
  html.dataset.benchVersion = `${duckdb.PACKAGE_VERSION} (DuckDB ${await db.getVersion()})`;
  html.dataset.benchSeq = '0';

  input.addEventListener('change', async () => {
    const t0 = performance.now();
    say('running', 'running');
    try {
      const files = [...input.files];
      for (const name of ['contacts.csv', 'transactions.csv']) {
        const file = files.find((f) => f.name === name);
        if (!file) throw new Error(`choose ${name} too (chosen: ${files.map((f) => f.name).join(', ')})`);
        await db.registerFileHandle(name, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
      }
      const conn = await db.connect();
      for (const statement of statements(sql, asOf)) await conn.query(statement);
      const result = await conn.query('SELECT count(*)::INTEGER AS n FROM customers');
      const rows = result.getChild('n').get(0);
      const ms = performance.now() - t0;
      await conn.close();
      html.dataset.benchMs = String(ms);
      html.dataset.benchRows = String(rows);
      html.dataset.benchSeq = String(Number(html.dataset.benchSeq) + 1);
      say('done', `customers: ${rows} rows in ${(ms / 1000).toFixed(2)} s`);
    } catch (error) {
      html.dataset.benchSeq = String(Number(html.dataset.benchSeq) + 1);
      say('failed', String(error?.message ?? error));
    }
  });
  say('ready', `DuckDB-WASM ${html.dataset.benchVersion}, ${html.dataset.benchBundle}: ready`);
}

start().catch((error) => say('failed', `DuckDB-WASM did not start: ${error?.message ?? error}`));
