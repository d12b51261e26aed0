// What both browser halves of scripts/bench share: Debian's headless Chromium (never a
// downloaded one), a check that nothing the pages asked for left this machine, the renderer's
// peak RSS, and the longest main-thread task.
//
// Chromium is started with a proxy on 127.0.0.1 that records and refuses every request sent
// to it (loopback bypasses a proxy in Chromium), so nothing reaches another host, whoever asks.
// What the pages and their workers request is also watched directly: a page's non-local
// request fails the run. Chromium's own background traffic (its component updater and account
// checks, which no page asked for and the test flags do not silence) is only reported: the
// proxy saw and refused it.

import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';

import { chromium } from 'playwright-core';
// The browser tests' flags; the bench adds the recording proxy.
import { CHROMIUM_ARGS } from '../../tests/browser/helpers.mjs';

export const CHROMIUM = process.env.C360_CHROMIUM ?? '/usr/bin/chromium';

/** Whether a request stays on this machine (or never leaves the page: data:, blob:). */
export function isLocal(url) {
  const { protocol, hostname } = new URL(url);
  if (['data:', 'blob:', 'about:', 'chrome:', 'chrome-extension:'].includes(protocol)) return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** A proxy that records and refuses every request sent to it. */
async function refusingProxy(seen) {
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Starts a fresh headless Chromium. Returns the browser, its process id, the pages' non-local
 * requests (`external`), every request the proxy refused (`proxied`), and close().
 */
export async function launchChromium() {
  const external = [];
  const proxied = [];
  const proxy = await refusingProxy(proxied);
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--proxy-server=http://127.0.0.1:${proxy.address().port}`],
  });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    pid: server.process().pid,
    external,
    proxied,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      proxy.close();
    },
  };
}

/** A new page whose requests (its workers' included) are checked and whose long tasks are kept. */
export async function newPage(chrome) {
  const context = await chrome.browser.newContext({ viewport: { width: 1360, height: 1000 } });
  context.on('request', (request) => {
    if (!isLocal(request.url())) chrome.external.push(request.url());
  });
  await context.addInitScript(() => {
    // Every main-thread task over 50 ms since the page started (Long Tasks API; buffered, so
    // tasks before this observer count too), as [start, duration]. null where the API is
    // missing.
    window.__benchLongTask = { entries: [] };
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          window.__benchLongTask.entries.push([entry.startTime, entry.duration]);
        }
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      window.__benchLongTask = null;
    }
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

/** The page's clock now (performance.now(), ms): where a measured window starts. */
export async function pageClock(page) {
  return page.evaluate(() => performance.now());
}

/**
 * The longest main-thread task that started at or after `since` (the page's clock, ms), or
 * before it when `before` is set; 0 when there was none, null without the Long Tasks API.
 */
export async function longestTask(page, since = 0, before = false) {
  return page.evaluate(
    ([since, before]) =>
      window.__benchLongTask &&
      Math.max(
        0,
        ...window.__benchLongTask.entries
          .filter(([start]) => (before ? start < since : start >= since))
          .map(([, duration]) => duration),
      ),
    [since, before],
  );
}

/** The largest VmHWM (bytes) of the renderer processes that the browser `pid` started. */
export async function rendererPeakRss(pid) {
  const parent = new Map();
  const cmdline = new Map();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // The comm field may hold spaces and parentheses: the ppid is the 2nd field after ')'.
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdline.set(Number(name), (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0'));
    } catch {
      // The process ended while we looked.
    }
  }
  const descends = (p) => {
    for (let q = p; q > 1; q = parent.get(q)) if (q === pid) return true;
    return false;
  };
  let peak = null;
  for (const [p, args] of cmdline) {
    if (!args.join(' ').includes('--type=renderer') || !descends(p)) continue;
    try {
      const status = await readFile(`/proc/${p}/status`, 'utf8');
      const kb = Number(status.match(/^VmHWM:\s+(\d+) kB/m)?.[1]);
      if (kb) peak = Math.max(peak ?? 0, kb * 1024);
    } catch {
      // Gone.
    }
  }
  return peak;
}

/** `--name value` pairs from argv. */
export function options(argv, required) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--')) fail(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const name of required) {
    if (out[name] === undefined) fail(`--${name} is required`);
  }
  return out;
}

/**
 * Runs `body(chrome)` in a fresh Chromium and closes it; fails if a page requested anything
 * off this machine. Returns body's result plus `background`: the hosts the proxy refused.
 */
export async function inChromium(body) {
  const chrome = await launchChromium();
  let result;
  try {
    result = await body(chrome);
  } catch (error) {
    if (chrome.external.length) error.message += `; and a page requested ${chrome.external.join(', ')}`;
    throw error;
  } finally {
    await chrome.close();
  }
  if (chrome.external.length) {
    fail(`a page requested something off this machine:\n  ${chrome.external.join('\n  ')}`);
  }
  const hosts = chrome.proxied.map((r) => {
    const target = r.split(' ')[1];
    return target.includes('://') ? new URL(target).host : target;
  });
  return { ...result, background: [...new Set(hosts)].sort() };
}

/** An error for the user: main() prints its message alone, without a stack. */
export class BenchError extends Error {}

/** Stops the bench with a message for the user (thrown, so that `finally` closes Chromium). */
export function fail(message) {
  throw new BenchError(message);
}

/**
 * Runs the driver. A failure becomes one line on stderr, `{"error": …}` on stdout (for the
 * report to quote) and exit status 1.
 */
export async function main(run) {
  try {
    await run();
  } catch (error) {
    const message = error instanceof BenchError ? error.message : error.stack;
    console.error(`bench: error: ${message}`);
    process.stdout.write(`${JSON.stringify({ error: message.split('\n')[0] })}\n`);
    process.exit(1);
  }
}
