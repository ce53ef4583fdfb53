// Loads an exported members page in the system Chromium (headless, from
// file://) and checks it as a reader would meet it:
//   - the members rendered per tier are the members of api/v1/members.json;
//   - the growth chart and its table show the same numbers as growth.json;
//   - axe-core finds no accessibility violation, in the light and the dark theme;
//   - the filter works from the keyboard alone;
//   - with JavaScript off, every member is on the page;
//   - nothing from the ledger runs: no dialog, no element but the page's own,
//     no link but https:, no Content-Security-Policy violation.
// Screenshots of both themes are saved in the artifacts directory.
//
// node check.mjs SITE_DIR ARTIFACTS_DIR
// Prints one JSON line of what it found; exit 0 if every check passed.

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [site, artifacts] = process.argv.slice(2).map((p) => resolve(p));
if (!site || !artifacts) {
  console.error('usage: node check.mjs SITE_DIR ARTIFACTS_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const readJson = (path) => JSON.parse(readFileSync(join(site, path), 'utf8'));
const members = readJson('api/v1/members.json').members;
const growth = readJson('api/v1/growth.json');
const url = pathToFileURL(join(site, 'index.html')).href;

const failures = [];
const fail = (what) => failures.push(what);
const report = { url, checks: [] };

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on('dialog', async (dialog) => { problems.push(`dialog: ${dialog.message()}`); await dialog.dismiss(); });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') { problems.push(`console error: ${message.text()}`); }
    });
    await page.goto(url, { waitUntil: 'load' });

    // The script ran (the filter is shown) and nothing else did.
    const shape = await page.evaluate(() => ({
      filterShown: !document.getElementById('filter').hidden,
      scripts: [...document.scripts].map((s) => s.getAttribute('src')),
      foreign: document.querySelectorAll('img, iframe, object, embed, base, form:not(#filter)').length,
      links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '',
    }));
    if (!shape.filterShown) { fail(`${colorScheme}: the filter script did not run`); }
    if (shape.scripts.length !== 1 || shape.scripts[0] !== 'filter.js') {
      fail(`${colorScheme}: scripts on the page: ${JSON.stringify(shape.scripts)}`);
    }
    if (shape.foreign !== 0) { fail(`${colorScheme}: ${shape.foreign} element(s) the page does not write`); }
    const badLinks = shape.links.filter((href) => !/^(https:\/\/|#|[a-z0-9/._-]+\.(json|csv|html)$)/.test(href));
    if (badLinks.length) { fail(`${colorScheme}: links that are neither https: nor the site's own: ${badLinks}`); }
    if (!/script-src 'self'/.test(shape.csp) || /unsafe-inline/.test(shape.csp)) {
      fail(`${colorScheme}: the Content-Security-Policy allows inline script: ${shape.csp}`);
    }

    // Members per tier, as rendered, against the API.
    const rendered = await page.evaluate(() => {
      const counts = {};
      for (const list of document.querySelectorAll('ul.members[data-tier]')) {
        counts[list.dataset.tier] = list.querySelectorAll('li[data-name]').length;
      }
      return counts;
    });
    const expected = {};
    for (const m of members) { expected[m.tier] = (expected[m.tier] || 0) + 1; }
    if (JSON.stringify(Object.entries(rendered).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      fail(`${colorScheme}: members per tier on the page ${JSON.stringify(rendered)}, in members.json ${JSON.stringify(expected)}`);
    }

    // The chart, its table and growth.json agree.
    const chart = await page.evaluate(() => {
      const points = {};
      for (const series of document.querySelectorAll('svg.chart g.series')) {
        points[series.dataset.tier] = [...series.querySelectorAll('circle')].map((c) => [c.dataset.month, Number(c.dataset.count)]);
      }
      const table = {};
      for (const row of document.querySelectorAll('#growth-table tbody tr')) {
        for (const cell of row.querySelectorAll('td[data-tier]')) {
          (table[cell.dataset.tier] ||= []).push([row.dataset.month, Number(cell.textContent)]);
        }
      }
      return { points, table };
    });
    if (JSON.stringify(chart.points) !== JSON.stringify(chart.table)) {
      fail(`${colorScheme}: the chart and its table differ`);
    }
    for (const [tier, points] of Object.entries(chart.points)) {
      const fromApi = growth.months.map((m) => [m.month, m.totals[tier]]);
      if (JSON.stringify(points) !== JSON.stringify(fromApi)) { fail(`${colorScheme}: the chart's ${tier} is not growth.json's`); }
    }
    const seriesWithMembers = growth.tiers.filter((t) => growth.months.some((m) => m.totals[t] > 0));
    if (JSON.stringify(Object.keys(chart.points)) !== JSON.stringify(seriesWithMembers)) {
      fail(`${colorScheme}: the chart draws ${Object.keys(chart.points)}, growth.json has ${seriesWithMembers}`);
    }

    // Accessibility, with the chart's table open too.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'], preload: false }));
    for (const v of axe.violations) {
      fail(`${colorScheme}: axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
    await page.screenshot({ path: join(artifacts, `members-${colorScheme}.png`), fullPage: true });

    if (colorScheme === 'light') {
      // The filter from the keyboard alone: Tab to the name field, type,
      // Tab to the tier list and choose with the arrow keys.
      let focused = '';
      for (let i = 0; i < 60 && focused !== 'filter-name'; i += 1) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.id ?? '');
      }
      if (focused !== 'filter-name') { fail('the name filter cannot be reached with Tab'); }
      const target = members[0];
      if (target) {
        const word = target.name.split(/\s+/)[0].toLowerCase();
        await page.keyboard.type(word);
        const visible = await page.evaluate(() => [...document.querySelectorAll('li[data-name]')].filter((li) => !li.hidden).map((li) => li.dataset.name));
        const wanted = members.filter((m) => m.name.toLowerCase().includes(word)).map((m) => m.name.toLowerCase());
        if (JSON.stringify(visible.sort()) !== JSON.stringify(wanted.sort())) {
          fail(`typing "${word}" shows ${JSON.stringify(visible)}, expected ${JSON.stringify(wanted)}`);
        }
        const status = await page.textContent('#filter-status');
        if (!status.startsWith(`${wanted.length} of ${members.length}`)) { fail(`the filter's status says "${status}"`); }
        for (let i = 0; i < word.length; i += 1) { await page.keyboard.press('Backspace'); }
      }
      await page.keyboard.press('Tab');
      const onTier = await page.evaluate(() => document.activeElement?.id);
      if (onTier !== 'filter-tier') { fail(`Tab after the name reaches ${onTier}, not the tier filter`); }
      await page.keyboard.press('ArrowDown');
      const chosen = await page.evaluate(() => document.getElementById('filter-tier').value);
      const shownTiers = await page.evaluate(() => [...new Set([...document.querySelectorAll('li[data-name]')].filter((li) => !li.hidden).map((li) => li.dataset.tier))]);
      if (!chosen || JSON.stringify(shownTiers) !== JSON.stringify([chosen])) {
        fail(`choosing a tier with the arrow key shows tiers ${JSON.stringify(shownTiers)} (chose "${chosen}")`);
      }
      report.checks.push(`keyboard filter: typed a name, chose tier ${chosen}`);
    }
    if (problems.length) { fail(`${colorScheme}: ${problems.join('; ')}`); }
    report.checks.push(`${colorScheme}: ${Object.values(rendered).reduce((a, b) => a + b, 0)} members rendered, chart of ${growth.months.length} months, ${axe.violations.length} axe violations`);
    await context.close();
  }

  // Without JavaScript: every member is there, the filter stays hidden.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const off = await page.evaluate(() => ({
    items: document.querySelectorAll('li[data-name]').length,
    filterHidden: document.getElementById('filter').hidden,
  }));
  if (off.items !== members.length) { fail(`with JavaScript off, ${off.items} of ${members.length} members are on the page`); }
  if (!off.filterHidden) { fail('with JavaScript off, the filter (which needs it) is shown'); }
  report.checks.push(`JavaScript off: ${off.items} members on the page`);
  await context.close();
} finally {
  await browser.close();
}

report.failures = failures;
console.log(JSON.stringify(report));
process.exit(failures.length ? 1 : 0);
