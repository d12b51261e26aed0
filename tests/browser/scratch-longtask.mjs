import { launch, openApp } from './helpers.mjs';
const browser = await launch();
const app = await openApp(browser);
const { page } = app;
await page.getByTestId('use-sample').click();
await page.waitForFunction(() => document.documentElement.dataset.c360Run === 'done' && Number(document.documentElement.dataset.c360RunSeq) > 1, null, { timeout: 120000 });
await page.evaluate(() => {
  window.longTasks = [];
  window.stage = '';
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push([window.stage, Math.round(e.duration)]); }).observe({ type: 'longtask' });
});
for (const round of [1, 2]) {
  for (const [nav, view] of [['nav-overview', 'figure-revenue'], ['nav-segments', 'chart-segment-sizes'], ['nav-categories', 'chart-weekly'], ['nav-recommendations', 'evaluation-card'], ['nav-export', 'export-report']]) {
    await page.evaluate((n) => { window.stage = n; }, nav);
    await page.getByTestId(nav).click();
    await page.getByTestId(view).waitFor({ timeout: 60000 });
    await page.waitForTimeout(300);
  }
}
console.log(JSON.stringify(await page.evaluate(() => window.longTasks)));
await browser.close();
