// The dashboards, in headless Chromium on the demo data: the overview's figures equal the
// models they link to (the revenue is the sum of customers.total_expense), the segments page
// draws its charts with text alternatives and says the demo's quintiles are thin, a segment's
// bar lists its customers (the table filtered), the back button returns, a dashboard's URL
// opened cold lands on it, a chart item's tooltip shows on keyboard focus and on hover, the
// charts follow the as-of date, the weekly spend line chart is the category_spend model's
// weeks, and each page's screenshot is written for a person to look at.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  APP_URL,
  assertClean,
  columnValues,
  launch,
  mainTable,
  openApp,
  openNode,
  setAsOf,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const sum = (values) => values.reduce((a, v) => a + Number(v.replaceAll(',', '')), 0);

/** Waits until `check()` is true, polling; fails with `what` after `timeout` ms. */
async function until(check, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Every row of a node's table where `column` is `value`, as objects of the `wanted` columns:
 * the table opened through its URL with that filter, read page by page.
 */
async function modelRows(page, node, column, value, wanted) {
  const filter = encodeURIComponent(`${column}:${value}`);
  await page.evaluate((hash) => (location.hash = hash), `#/node/${node}?filter=${filter}`);
  const panel = page.getByTestId('node-table');
  const table = page.locator(`[data-testid="node-table"] table.c360-table[data-node="${node}"]`);
  await table.waitFor();
  await until(
    async () => (await columnValues(table, column)).every((v) => v === value),
    `${node} filtered on ${column} = ${value}`,
  );
  const rows = [];
  for (;;) {
    const range = (await panel.getByTestId('page-range').textContent()).trim();
    const values = await Promise.all(wanted.map((c) => columnValues(table, c)));
    values[0].forEach((_, i) => rows.push(Object.fromEntries(wanted.map((c, j) => [c, values[j][i]]))));
    const next = panel.getByTestId('next-page');
    if ((await next.count()) === 0 || (await next.isDisabled())) break;
    await next.click();
    await until(
      async () => (await panel.getByTestId('page-range').textContent()).trim() !== range,
      'the next page',
    );
  }
  assert.equal(rows.length, Number(await table.getAttribute('data-row-count')), 'every row was read');
  return rows;
}

/** A heat map's cells: `row/column` → the count it prints. */
async function heatCells(chart) {
  return Object.fromEntries(
    await chart
      .locator('[data-cell]')
      .evaluateAll((els) => els.map((e) => [e.dataset.cell, Number(e.querySelector('text').textContent)])),
  );
}

/** The run counter the page keeps on <html>, to wait for the next run. */
const runSeq = (page) => page.evaluate(() => Number(document.documentElement.dataset.c360RunSeq));

async function waitForRunAfter(page, seq) {
  await page.waitForFunction(
    (seq) =>
      Number(document.documentElement.dataset.c360RunSeq) > seq &&
      document.documentElement.dataset.c360Run === 'done',
    seq,
    { timeout: 60_000 },
  );
}

test('the overview figures are the models they link to', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await openNode(page, 'model.c360.customers');
  const expenses = await columnValues(mainTable(page), 'total_expense');
  const rows = Number(await mainTable(page).getAttribute('data-row-count'));

  await page.getByTestId('nav-overview').click();
  const overview = page.getByTestId('overview-page');
  await overview.getByTestId('figure-revenue').waitFor();
  assert.equal(await page.evaluate(() => location.hash), '#/overview');
  const revenue = Number((await overview.getByTestId('figure-revenue').textContent()).replaceAll(',', ''));
  assert.ok(Math.abs(revenue - sum(expenses)) < 1e-6, `${revenue} = Σ total_expense ${sum(expenses)}`);
  assert.equal(await overview.getByTestId('figure-customers').textContent(), String(rows));
  assert.equal(
    await overview.locator('[data-figure="revenue"]').getAttribute('href'),
    '#/node/model.c360.customers',
  );
  assert.match(await overview.getByTestId('overview-health').textContent(), /pass/i);
  await overview.screenshot({ path: 'target/screenshot-overview.png' });

  // A figure leads to its model's table; back returns to the overview.
  await overview.locator('[data-figure="contacts-without-purchases"]').click();
  await mainTable(page).waitFor();
  assert.equal(await mainTable(page).getAttribute('data-node'), 'model.c360.stg_sf__contacts');
  await page.goBack();
  await overview.waitFor();
  assertClean(app);
  await app.context.close();
});

test('segments: charts with text alternatives, a thin-quintiles note, a segment lists its customers', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await page.getByTestId('nav-segments').click();
  const segments = page.getByTestId('segments-page');
  const sizes = segments.getByTestId('chart-segment-sizes');
  await sizes.waitFor();
  await segments.getByTestId('thin-quintiles').waitFor();
  for (const id of ['chart-segment-sizes', 'chart-segment-revenue', 'chart-rf', 'chart-demographics', 'chart-states']) {
    const svg = segments.getByTestId(id).locator('svg');
    assert.match(await svg.getAttribute('aria-label'), /\S+: \d/, `${id} has a text alternative`);
    assert.equal(await svg.locator('title').first().count(), 1);
  }
  // The R×F map holds every customer once.
  const cells = await segments.getByTestId('chart-rf').locator('[data-cell] text').allTextContents();
  assert.equal(cells.length, 25);
  const customers = cells.reduce((a, c) => a + Number(c), 0);
  // "Show as table" shows the same numbers.
  await segments.getByTestId('chart-rf').getByRole('button', { name: 'Show as table' }).click();
  const tableCells = await segments.getByTestId('chart-rf').locator('tbody td').allTextContents();
  assert.equal(tableCells.reduce((a, c) => a + Number(c), 0), customers);
  await segments.screenshot({ path: 'target/screenshot-segments.png' });

  // The largest segment's bar lists its customers: customer_segments filtered on it.
  const bars = sizes.locator('[data-bar]');
  const counted = await bars.evaluateAll((els) =>
    els.map((e) => [e.dataset.bar, Number(e.getAttribute('aria-label').match(/: ([\d,]+) /)[1].replaceAll(',', ''))]),
  );
  const [bar, count] = counted.sort((a, b) => b[1] - a[1])[0];
  assert.ok(count > 0);
  await sizes.locator(`[data-bar="${bar}"] rect`).click();
  await mainTable(page).waitFor();
  assert.equal(await mainTable(page).getAttribute('data-node'), 'model.c360.customer_segments');
  const shown = await columnValues(mainTable(page), 'segment');
  assert.equal(shown.length, count);
  assert.ok(shown.every((s) => s === bar.replaceAll(' ', '_')), shown.join());
  assert.match(await page.evaluate(() => location.hash), /filter=segment%3A/);
  await page.goBack();
  await sizes.waitFor();
  assertClean(app);
  await app.context.close();
});

test('a chart item shows its tooltip on keyboard focus and on hover, and hides it on blur, leaving and Escape', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await page.getByTestId('nav-segments').click();
  const sizes = page.getByTestId('segments-page').getByTestId('chart-segment-sizes');
  await sizes.waitFor();
  const tooltip = sizes.getByTestId('chart-tooltip');
  assert.equal(await tooltip.isHidden(), true, 'no tooltip before a bar is reached');
  const bars = sizes.locator('[data-bar]');
  // What a bar prints: its label and, at its end, its value.
  const says = async (bar) => `${await bar.getAttribute('data-bar')}: ${await bar.locator('text').nth(1).textContent()} customers`;

  // Tab from the chart's toggle reaches the first bar, then the second.
  await sizes.getByRole('button', { name: 'Show as table' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await bars.first().evaluate((e) => e === document.activeElement), true, 'the first bar has focus');
  await tooltip.waitFor();
  assert.equal(await tooltip.getAttribute('role'), 'tooltip');
  assert.equal(await tooltip.textContent(), await says(bars.first()));
  const id = await tooltip.getAttribute('id');
  assert.equal(await bars.first().getAttribute('aria-describedby'), id);
  // It is drawn over its chart.
  const [tip, figure] = [await tooltip.boundingBox(), await sizes.boundingBox()];
  assert.ok(tip.width > 0 && tip.x < figure.x + figure.width && tip.x + tip.width > figure.x, 'over the chart');
  assert.ok(tip.y > figure.y - tip.height && tip.y < figure.y + figure.height, 'over the chart');

  await page.keyboard.press('Tab');
  assert.equal(await tooltip.textContent(), await says(bars.nth(1)));
  assert.equal(await bars.nth(1).getAttribute('aria-describedby'), id);
  assert.equal(await bars.first().getAttribute('aria-describedby'), null, 'only the described bar names it');

  // Escape dismisses it where focus stays; blur hides it and drops the reference.
  await page.keyboard.press('Escape');
  await tooltip.waitFor({ state: 'hidden' });
  assert.equal(await bars.nth(1).getAttribute('aria-describedby'), null);
  await page.keyboard.press('Shift+Tab');
  await tooltip.waitFor();
  assert.equal(await tooltip.textContent(), await says(bars.first()));
  await bars.first().blur();
  await tooltip.waitFor({ state: 'hidden' });
  assert.equal(await bars.first().getAttribute('aria-describedby'), null);

  // A heat map's cell, by hover: its row, column and count; leaving it hides the tooltip.
  const rf = page.getByTestId('segments-page').getByTestId('chart-rf');
  const cell = rf.locator('[data-cell="5/1"]');
  await cell.hover();
  const rfTooltip = rf.getByTestId('chart-tooltip');
  await rfTooltip.waitFor();
  assert.equal(await rfTooltip.textContent(), `R 5, F 1: ${await cell.locator('text').textContent()} customers`);
  assert.equal(await sizes.getByTestId('chart-tooltip').isHidden(), true, 'each chart its own tooltip');
  await page.mouse.move(0, 0);
  await rfTooltip.waitFor({ state: 'hidden' });
  assertClean(app);
  await app.context.close();
});

test('the segments charts follow the as-of date: age bands move with it and still equal customer_segments', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const SEGMENTS = 'model.c360.customer_segments';
  // Customers per gender and age band, counted from the model's own table.
  const modelBands = async () => {
    await page.getByTestId('nav-project').click();
    await openNode(page, SEGMENTS);
    const genders = await columnValues(mainTable(page), 'gender');
    const bands = await columnValues(mainTable(page), 'age_band');
    const counts = {};
    genders.forEach((g, i) => (counts[`${g}/${bands[i]}`] = (counts[`${g}/${bands[i]}`] ?? 0) + 1));
    return counts;
  };
  const filled = (cells) => Object.fromEntries(Object.entries(cells).filter(([, n]) => n > 0));
  const demographics = page.getByTestId('segments-page').getByTestId('chart-demographics');

  await setAsOf(page, '2026-11-26');
  const before = await modelBands();
  await page.getByTestId('nav-segments').click();
  await demographics.waitFor();
  const drawn = filled(await heatCells(demographics));
  assert.deepEqual(drawn, before, 'the map is customer_segments as of 2026-11-26');

  // Ten years on, from the control beside the dashboard: the run re-runs, the map redraws.
  const seq = await runSeq(page);
  await page.getByTestId('as-of').fill('2036-11-26');
  await waitForRunAfter(page, seq);
  await until(
    async () => JSON.stringify(filled(await heatCells(demographics))) !== JSON.stringify(drawn),
    'the age bands to move with the as-of date',
  );
  const redrawn = filled(await heatCells(demographics));
  assert.deepEqual(redrawn, await modelBands(), 'the map is customer_segments as of 2036-11-26');
  assert.notDeepEqual(redrawn, before);
  assertClean(app);
  await app.context.close();
});

test('a dashboard URL opened cold lands on it', async () => {
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  await page.goto(APP_URL + '#/segments');
  await page.getByTestId('segments-page').getByTestId('chart-rf').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.c360-project').isHidden(), true);
  assert.equal(await page.getByTestId('nav-segments').getAttribute('aria-current'), 'page');
  await context.close();
});

test('category spend and its weekly lines equal the category and category_spend models; the recommendations card compares with both baselines', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await openNode(page, 'model.c360.category');
  const names = await columnValues(mainTable(page), 'category');
  const totals = await columnValues(mainTable(page), 'total_amount');
  const byCategory = Object.fromEntries(names.map((n, i) => [n, Number(totals[i].replaceAll(',', ''))]));
  const weekRows = await modelRows(page, 'model.c360.category_spend', 'dimension', 'week', [
    'dimension_value',
    'category',
    'spend',
  ]);

  await page.getByTestId('nav-categories').click();
  const chart = page.getByTestId('categories-page').getByTestId('chart-category-spend');
  await chart.waitFor();
  const bars = await chart
    .locator('[data-bar]')
    .evaluateAll((els) => els.map((e) => [e.dataset.bar, e.getAttribute('aria-label')]));
  assert.ok(bars.length > 0);
  for (const [category, label] of bars) {
    const value = Number(label.match(/: ([\d,.]+) /)[1].replaceAll(',', ''));
    assert.ok(Math.abs(value - byCategory[category]) < 1e-6, `${category}: ${value} = ${byCategory[category]}`);
  }

  // Spend per week is a line per category, a point per week from the first to the last: the
  // category_spend model's week rows, and 0 in a week the category sold nothing.
  const weekly = page.getByTestId('categories-page').getByTestId('chart-weekly');
  await weekly.waitFor();
  // Each week is one focusable column that reads every line's value that week.
  const columnLabels = await weekly
    .locator('[data-point]')
    .evaluateAll((els) => els.map((e) => [e.dataset.point, e.getAttribute('aria-label')]));
  const points = columnLabels.flatMap(([week, label]) => {
    const [, at, values] = label.match(/^week of (\d{4}-\d{2}-\d{2}), spend \(\$\): (.+)$/);
    assert.equal(at, week);
    return values.split('; ').map((v) => {
      const space = v.lastIndexOf(' ');
      return { category: v.slice(0, space), week, spend: Number(v.slice(space + 1).replaceAll(',', '')) };
    });
  });
  const key = (category, week) => `${category} | ${week}`;
  const shown = new Map(points.map((p) => [key(p.category, p.week), p.spend]));
  assert.equal(shown.size, points.length, 'one point per category and week');
  const dated = weekRows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.dimension_value));
  assert.ok(dated.length > 0, 'the demo has weeks');
  for (const r of dated) {
    const at = shown.get(key(r.category, r.dimension_value));
    const spend = Number(r.spend.replaceAll(',', ''));
    assert.ok(Math.abs(at - spend) < 1e-6, `${r.category}, week of ${r.dimension_value}: ${at} = ${spend}`);
  }
  const inModel = new Set(dated.map((r) => key(r.category, r.dimension_value)));
  for (const p of points.filter((p) => !inModel.has(key(p.category, p.week)))) {
    assert.equal(p.spend, 0, `${p.category} sold nothing in the week of ${p.week}`);
  }
  const categories = [...new Set(points.map((p) => p.category))].toSorted();
  assert.deepEqual(categories, bars.map(([c]) => c).toSorted(), 'a line per category');
  const weeks = [...new Set(points.map((p) => p.week))].toSorted();
  assert.equal(points.length, weeks.length * categories.length);
  assert.ok(
    weeks.every((w, i) => i === 0 || Date.parse(w) - Date.parse(weeks[i - 1]) === 7 * 86_400_000),
    `consecutive weeks: ${weeks}`,
  );
  // Told apart without colour: every line has its own (dash, marker); the axes name the unit
  // and print a few dates, not every week.
  const legend = await weekly
    .locator('[data-legend]')
    .evaluateAll((els) => els.map((e) => [e.dataset.legend, `${e.dataset.dash} ${e.dataset.marker}`]));
  assert.deepEqual(legend.map(([name]) => name).toSorted(), categories);
  assert.equal(new Set(legend.map(([, look]) => look)).size, legend.length, legend.join(' | '));
  const texts = await weekly.locator('svg text').allTextContents();
  assert.ok(texts.includes('spend ($)'), 'the value axis names its unit');
  const dates = texts.filter((t) => /^\d{4}-\d{2}-\d{2}$/.test(t) && !legend.some(([n]) => n === t));
  assert.ok(dates.length > 0 && dates.length <= Math.min(6, weeks.length), `x labels: ${dates}`);
  assert.match(await weekly.locator('svg').getAttribute('aria-label'), /: highest [\d,.]+ \(week of \d{4}-/);
  assert.equal(await weekly.locator('svg > title').count(), 1);
  // A week says every category's spend on focus.
  const point = weekly.locator('[data-point]').first();
  await point.focus();
  const tooltip = weekly.getByTestId('chart-tooltip');
  await tooltip.waitFor();
  assert.equal(await tooltip.textContent(), await point.getAttribute('aria-label'));
  assert.match(await tooltip.textContent(), /^week of \d{4}-\d{2}-\d{2}, spend \(\$\): .+ [\d,.]+(; .+ [\d,.]+)*$/);
  await page.getByTestId('categories-page').screenshot({ path: 'target/screenshot-categories.png' });
  await point.blur();
  await tooltip.waitFor({ state: 'hidden' });
  // The same numbers as a table: a row per week.
  await weekly.getByRole('button', { name: 'Show as table' }).click();
  assert.equal(await weekly.locator('tbody tr').count(), weeks.length);
  const hidden = (selector) => weekly.locator(selector).evaluate((e) => e.classList.contains('c360-visually-hidden'));
  assert.deepEqual([await hidden('table'), await hidden('.c360-chart__plot')], [false, true]);

  await page.getByTestId('nav-recommendations').click();
  const card = page.getByTestId('evaluation-card');
  await card.waitFor();
  const methods = await card.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.method));
  assert.deepEqual(methods.toSorted(), ['c360', 'global_popularity', 'personal_most_frequent']);
  const verdicts = await card.getByTestId('evaluation-verdicts').locator('li').allTextContents();
  assert.equal(verdicts.length, 2, 'one verdict per baseline');
  for (const v of verdicts) assert.match(v, /c360's model (beats|does not beat) (global popularity|personal most frequent) on hit rate @3/);
  assert.match(await card.getByTestId('recommendation-formula').textContent(), /\S/);
  await page.getByTestId('recommendations-page').screenshot({ path: 'target/screenshot-recommendations.png' });
  assertClean(app);
  await app.context.close();
});

test('the 5,000-customer sample is made in the browser, and its segments are not thin', async () => {
  const app = await openApp(browser);
  const { page } = app;
  const seq = await runSeq(page);
  await page.getByTestId('use-sample').click();
  await waitForRunAfter(page, seq);
  assert.match(await page.getByTestId('run-read').textContent(), /a generated sample of 5000 contacts/);
  await page.getByTestId('nav-segments').click();
  const segments = page.getByTestId('segments-page');
  await segments.getByTestId('chart-rf').waitFor();
  assert.equal(await segments.getByTestId('thin-quintiles').count(), 0);
  const sizes = await segments
    .getByTestId('chart-segment-sizes')
    .locator('[data-bar]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-label').match(/: ([\d,]+) /)[1].replaceAll(',', ''))));
  const customers = sizes.reduce((a, n) => a + n, 0);
  assert.ok(customers > 500, `${customers} customers in segments`);
  assert.ok(sizes.filter((n) => n > 0).length >= 8, `most segments are filled: ${sizes}`);
  await segments.screenshot({ path: 'target/screenshot-segments-sample.png' });
  await page.getByTestId('nav-recommendations').click();
  await page.getByTestId('evaluation-card').waitFor();
  await page.getByTestId('recommendations-page').screenshot({ path: 'target/screenshot-recommendations-sample.png' });
  assertClean(app);
  await app.context.close();
});

test('a customer is found by name as you type, and their profile shows their recommendations', async () => {
  const app = await openApp(browser);
  const { page } = app;
  await openNode(page, 'model.c360.customers');
  const ids = await columnValues(mainTable(page), 'id');
  const expenses = await columnValues(mainTable(page), 'total_expense');
  await openNode(page, 'model.c360.stg_sf__contacts');
  const contactIds = await columnValues(mainTable(page), 'id');
  const names = await columnValues(mainTable(page), 'name');
  const name = names[contactIds.indexOf(ids[0])];

  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customer-search').fill(name.slice(0, 5).toLowerCase());
  await page.getByTestId('customer-results').locator(`[data-match="${ids[0]}"]`).click();
  const profile = page.locator(`[data-testid="profile"][data-customer="${ids[0]}"]`);
  await profile.waitFor();
  assert.equal(await page.evaluate(() => location.hash), `#/customer/${ids[0]}`);
  const recs = await profile.getByTestId('profile-recommendations').locator('li').allTextContents();
  assert.equal(recs.length, 3);
  assert.ok(recs.every((r) => /\(score [\d.]+\): \S/.test(r)), recs.join(' | '));
  const spend = await profile
    .getByTestId('profile-spend')
    .locator('[data-bar]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-label').match(/: ([\d,.]+) /)[1].replaceAll(',', ''))));
  assert.ok(Math.abs(spend.reduce((a, n) => a + n, 0) - Number(expenses[0].replaceAll(',', ''))) < 1e-6);
  await page.getByTestId('profile-page').screenshot({ path: 'target/screenshot-profile.png' });

  // The profile's URL opened cold lands on it.
  const context = await browser.newContext();
  const cold = await context.newPage();
  await cold.goto(APP_URL + `#/customer/${ids[0]}`);
  await cold.locator(`[data-testid="profile"][data-customer="${ids[0]}"]`).waitFor({ timeout: 30_000 });
  await context.close();
  assertClean(app);
  await app.context.close();
});
