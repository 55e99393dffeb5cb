// End-to-end test of the dashboard in headless Chromium against a running
// beamline server:
//
//   BEAMLINE_URL=http://127.0.0.1:5057 [ARTIFACTS=dir] node web/e2e/dashboard.test.mjs
//
// It opens / and every /dashboard tab, checks that every chart drew data,
// that KPI cards show the API's numbers, that paging, sorting and search
// change a table's rows the way the API does, and that the CSV export
// downloads the dataset's columns; it saves screenshots (desktop, every
// tab, phone width) in ARTIFACTS (default web/e2e/artifacts). Exit status:
// 0 all passed, 1 a check failed, 2 it could not run.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { integer, money } from '../src/format.js';
import { summary, parts } from '../src/status.js';
import { TABS, groupByTab } from '../src/datasets.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.BEAMLINE_URL || '').replace(/\/+$/, '');
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || path.join(here, 'artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 30000);
const PAGE_SIZE = 10; // the tables' default page size

if (!BASE) {
  console.error('BEAMLINE_URL is not set: start a server (go run ./cmd/beamline up --addr 127.0.0.1:5057) and set BEAMLINE_URL=http://127.0.0.1:5057');
  process.exit(2);
}

const failures = [];
const started = Date.now();

// step runs one check and records its failure; the next steps still run.
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name} (${Date.now() - t0} ms)\n     ${String(err && err.message ? err.message : err).split('\n').join('\n     ')}`);
  }
}

// api fetches JSON from the server, failing with the route and status.
async function api(route) {
  const res = await fetch(BASE + route);
  if (!res.ok) throw new Error(`GET ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// settle waits until nothing under root is loading: no spinner, no table
// in data-state=loading, no KPI card loading.
async function settle(page, root) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    return !el.querySelector('.spinner-border, table[data-state="loading"], [data-kpi][data-state="loading"]');
  }, root, { timeout: TIMEOUT });
}

// noErrors fails when root shows an error box or a table that failed to load.
async function noErrors(page, root) {
  const errors = await page.$$eval(`${root} .alert-danger, ${root} table[data-state="error"]`,
    (els) => els.map((e) => (e.dataset.dataset ? `table ${e.dataset.dataset}: ${e.textContent.trim().slice(0, 200)}` : e.textContent.trim())));
  assert.deepEqual(errors, [], `errors shown under ${root}`);
}

// charts checks every chart under root: data-rows > 0 and its Chart.js
// instance holds as many labels and at least one non-zero value.
async function charts(page, root) {
  const list = await page.$$eval(`${root} canvas`, (cs) => cs.map((c) => {
    const chart = window.beamline.chartOf(c);
    return {
      label: c.getAttribute('aria-label'),
      rows: Number(c.dataset.rows || 0),
      labels: chart ? chart.data.labels.length : -1,
      values: chart ? chart.data.datasets.flatMap((d) => d.data).filter((v) => Number.isFinite(Number(v)) && Number(v) !== 0).length : 0,
      width: c.clientWidth,
      height: c.clientHeight,
    };
  }));
  for (const c of list) {
    assert.ok(c.rows > 0, `chart "${c.label}" has data-rows=${c.rows}`);
    assert.equal(c.labels, c.rows, `chart "${c.label}": Chart.js has ${c.labels} labels, data-rows=${c.rows}`);
    assert.ok(c.values > 0, `chart "${c.label}" has no non-zero value`);
    assert.ok(c.width > 50 && c.height > 50, `chart "${c.label}" is ${c.width}x${c.height} px`);
  }
  return list.length;
}

// columnTexts reads one column's cells of a table.
function columnTexts(page, table, column) {
  return page.$$eval(`table[data-dataset="${table}"] tbody td[data-column="${column}"]`, (tds) => tds.map((td) => td.textContent));
}

// waitTable waits until a table is ready on the given page number.
async function waitTable(page, table, pageNo) {
  await page.waitForFunction(([t, p]) => {
    const el = document.querySelector(`table[data-dataset="${t}"]`);
    return el && el.dataset.state === 'ready' && (p === undefined || el.dataset.page === String(p));
  }, [table, pageNo], { timeout: TIMEOUT });
}

const number = (text) => Number(String(text).replace(/[$,\s]/g, ''));

async function main() {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  try {
    const res = await fetch(`${BASE}/healthz`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    console.error(`${BASE}/healthz does not answer (${err.message}): is the server running?`);
    process.exit(2);
  }
  const catalogue = (await api('/api/results')).datasets;
  const groups = groupByTab(catalogue);
  console.log(`server ${BASE}: ${catalogue.length} datasets; artifacts in ${ARTIFACTS}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors = [];
  const watch = (page, label) => {
    page.on('pageerror', (err) => pageErrors.push(`${label}: ${err.message}`));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(`${label}: console: ${msg.text()}`); });
  };

  try {
    const desktop = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const page = await desktop.newPage();
    watch(page, 'desktop');

    await step('home: loads and settles without errors', async () => {
      await page.goto(`${BASE}/`);
      await settle(page, '#main');
      await noErrors(page, '#main');
      assert.equal(await page.title(), 'Overview · beamline');
    });

    await step('home: KPI cards show the API values', async () => {
      const kpi = (await api('/api/results/pig/sales_kpi_global')).rows[0];
      const employees = (await api('/api/results/pig/total_employees')).rows[0];
      const want = {
        revenue: money(kpi.total_revenue),
        transactions: integer(kpi.total_transactions),
        customers: integer(kpi.unique_customers),
        employees: integer(employees.total_count),
      };
      for (const [key, text] of Object.entries(want)) {
        const got = await page.textContent(`[data-kpi="${key}"] [data-role="value"]`);
        assert.equal(got.trim(), text, `KPI ${key}`);
      }
      const runs = (await api('/api/runs?limit=1')).runs;
      if (runs.length) assert.equal(await page.getAttribute('[data-kpi="last-run"]', 'data-run-id'), runs[0].id, 'last run card');
    });

    await step('home: revenue charts drew the API rows', async () => {
      const n = await charts(page, '#main');
      assert.ok(n >= 2, `home has ${n} charts, want the region and category charts`);
      const regions = await api('/api/sales/by-region');
      const rows = await page.$$eval('#main canvas', (cs) => cs.map((c) => Number(c.dataset.rows)));
      assert.equal(rows[0], regions.length, 'revenue by region points');
    });

    await step('home: recent transactions are the newest sales', async () => {
      const ds = ['spark/mongo_unified_sales', 'spark/cohort_analysis'].find((p) => catalogue.some((d) => d.path === p));
      assert.ok(ds, 'neither spark/mongo_unified_sales nor spark/cohort_analysis is published');
      await waitTable(page, ds);
      const want = await api(`/api/results/${ds}?sort=sale_date&order=desc&page=1&page_size=${PAGE_SIZE}`);
      const dates = await columnTexts(page, ds, 'sale_date');
      assert.deepEqual(dates, want.rows.map((r) => r.sale_date), `${ds} sale_date column`);
      const ids = await columnTexts(page, ds, 'transaction_id');
      assert.deepEqual(ids, want.rows.map((r) => r.transaction_id), `${ds} transaction ids`);
    });

    await step('home: health list and navbar badge match /api/system/status', async () => {
      const status = await api('/api/system/status');
      const names = await page.$$eval('[data-role="health"] [data-part]', (els) => els.map((e) => e.dataset.part));
      assert.deepEqual(names, parts(status).map((p) => p.name));
      await page.waitForFunction(() => document.getElementById('status-badge').dataset.level !== 'unknown' || document.getElementById('status-badge').textContent === 'status unavailable', null, { timeout: TIMEOUT });
      assert.equal((await page.textContent('#status-badge')).trim(), summary(status).text);
    });

    await step('home: desktop screenshot', async () => {
      await page.screenshot({ path: path.join(ARTIFACTS, 'home-desktop.png'), fullPage: true });
    });

    await step('dashboard: opens on the first tab', async () => {
      await page.click('a.nav-link[href="/dashboard"]');
      await page.waitForURL(`${BASE}/dashboard`);
      assert.equal(await page.getAttribute(`[data-tab="${TABS[0].id}"]`, 'aria-selected'), 'true');
    });

    for (const tab of TABS) {
      await step(`dashboard: ${tab.title} tab`, async () => {
        await page.click(`[data-tab="${tab.id}"]`);
        const root = `#panel-${tab.id}`;
        await page.waitForSelector(`${root}:not([hidden])`);
        await settle(page, root);
        await noErrors(page, root);
        const drawn = await charts(page, root);
        if (tab.id === 'runs') {
          const runs = (await api('/api/runs?limit=50')).runs;
          const shown = await page.$$eval(`${root} table[data-dataset="api/runs"] tbody tr`, (rs) => rs.length);
          assert.equal(shown, runs.length, 'runs listed');
          const latency = await page.$$eval(`${root} table[data-dataset="metrics/latency"] tbody tr`, (rs) => rs.length);
          assert.ok(latency > 0, 'API latency table is empty');
        } else {
          const want = groups[tab.id].map((d) => d.path);
          const cards = await page.$$eval(`${root} section[data-path]`, (els) => els.map((e) => e.dataset.path));
          assert.deepEqual(cards, want, 'dataset cards (from the catalogue)');
          for (const p of want) {
            const table = await page.$(`${root} table[data-dataset="${p}"]`);
            assert.ok(table, `no table for ${p}`);
            const total = Number(await table.getAttribute('data-total'));
            assert.equal(total, catalogue.find((d) => d.path === p).rows, `${p} total rows`);
          }
        }
        console.log(`     ${drawn} charts drawn`);
        await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${tab.id}.png`), fullPage: true });
      });
    }

    // A dataset with more rows than a page, and its first column.
    const paged = catalogue.filter((d) => d.rows > PAGE_SIZE * 2 && d.columns.length > 1).sort((a, b) => a.rows - b.rows)[0];
    await step(`table paging: ${paged ? paged.path : '(no dataset with more than 2 pages)'}`, async () => {
      assert.ok(paged, 'no dataset has more than 2 pages of rows');
      await openTableTab(page, groups, paged.path);
      const col = paged.columns[0].name;
      const first = await columnTexts(page, paged.path, col);
      const scope = `table[data-dataset="${paged.path}"]`;
      const wrap = page.locator('.data-table-wrap', { has: page.locator(scope) });
      await wrap.locator('[data-action="next"]').click();
      await waitTable(page, paged.path, 2);
      const second = await columnTexts(page, paged.path, col);
      assert.notDeepEqual(second, first, 'page 2 shows the same rows as page 1');
      const want = await api(`/api/results/${paged.path}?page=2&page_size=${PAGE_SIZE}`);
      assert.equal(second.length, want.rows.length);
      const label = await wrap.locator('[data-role="page-label"]').textContent();
      assert.equal(label, `Page 2 of ${integer(Math.ceil(paged.rows / PAGE_SIZE))}`);
      await wrap.locator('[data-action="prev"]').click();
      await waitTable(page, paged.path, 1);
      assert.deepEqual(await columnTexts(page, paged.path, col), first, 'back on page 1');
      await wrap.locator('select').selectOption('25');
      await page.waitForFunction((s) => document.querySelector(s).closest('.data-table-wrap').querySelector('[data-role="page-label"]').textContent.endsWith(`of ${Math.ceil(Number(document.querySelector(s).dataset.total) / 25)}`) && document.querySelector(s).dataset.state === 'ready', scope, { timeout: TIMEOUT });
      assert.equal(await page.$$eval(`${scope} tbody tr`, (r) => r.length), Math.min(25, paged.rows), 'rows at page size 25');
    });

    // Sorting: a numeric column of a multi-row dataset, ascending then descending.
    const sorted = catalogue.filter((d) => d.rows > 2 && d.columns.some((c) => c.type === 'money')).sort((a, b) => b.rows - a.rows)[0];
    await step(`table sorting: ${sorted ? sorted.path : '(no dataset with a money column)'}`, async () => {
      assert.ok(sorted, 'no dataset with a money column and more than 2 rows');
      const col = sorted.columns.find((c) => c.type === 'money').name;
      await openTableTab(page, groups, sorted.path);
      const scope = `table[data-dataset="${sorted.path}"]`;
      const before = (await columnTexts(page, sorted.path, col)).map(number);
      await page.click(`${scope} th[data-column="${col}"] button`);
      await page.waitForFunction(([s, c]) => document.querySelector(`${s} th[data-column="${c}"]`).getAttribute('aria-sort') === 'ascending' && document.querySelector(s).dataset.state === 'ready', [scope, col], { timeout: TIMEOUT });
      const asc = (await columnTexts(page, sorted.path, col)).map(number);
      assert.deepEqual(asc, [...asc].sort((a, b) => a - b), `${col} ascending`);
      const wantAsc = await api(`/api/results/${sorted.path}?sort=${col}&order=asc&page=1&page_size=${PAGE_SIZE}`);
      assert.deepEqual(asc, wantAsc.rows.map((r) => r[col]), 'ascending page equals the API');
      await page.click(`${scope} th[data-column="${col}"] button`);
      await page.waitForFunction(([s, c]) => document.querySelector(`${s} th[data-column="${c}"]`).getAttribute('aria-sort') === 'descending' && document.querySelector(s).dataset.state === 'ready', [scope, col], { timeout: TIMEOUT });
      const desc = (await columnTexts(page, sorted.path, col)).map(number);
      assert.deepEqual(desc, [...desc].sort((a, b) => b - a), `${col} descending`);
      assert.notDeepEqual(desc, asc, 'sorting did not change the order');
      assert.ok(JSON.stringify(before) !== JSON.stringify(asc) || JSON.stringify(before) !== JSON.stringify(desc), 'order never changed');
    });

    await step(`table search: ${sorted ? sorted.path : '-'}`, async () => {
      assert.ok(sorted);
      const text = sorted.columns.find((c) => c.type === 'string');
      assert.ok(text, `${sorted.path} has no text column`);
      const scope = `table[data-dataset="${sorted.path}"]`;
      const value = (await columnTexts(page, sorted.path, text.name))[0];
      const term = value.slice(0, Math.min(6, value.length));
      const want = await api(`/api/results/${sorted.path}?q=${encodeURIComponent(term)}&page_size=${PAGE_SIZE}`);
      const wrap = page.locator('.data-table-wrap', { has: page.locator(scope) });
      await wrap.locator('input[type="search"]').fill(term);
      await page.waitForFunction(([s, n]) => document.querySelector(s).dataset.state === 'ready' && document.querySelector(s).dataset.total === String(n), [scope, want.total], { timeout: TIMEOUT });
      assert.ok(want.total > 0 && want.total <= sorted.rows, `search "${term}" found ${want.total} rows`);
      const info = await wrap.locator('[aria-live="polite"]').textContent();
      assert.ok(info.includes(`matching “${term}”`), `pager says "${info}"`);
      await wrap.locator('input[type="search"]').fill('');
      await page.waitForFunction(([s, n]) => document.querySelector(s).dataset.state === 'ready' && document.querySelector(s).dataset.total === String(n), [scope, sorted.rows], { timeout: TIMEOUT });
    });

    await step(`CSV export: ${sorted ? sorted.path : '-'}`, async () => {
      assert.ok(sorted);
      const scope = `table[data-dataset="${sorted.path}"]`;
      const wrap = page.locator('.data-table-wrap', { has: page.locator(scope) });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), wrap.locator('a[data-format="csv"]').click()]);
      assert.equal(download.suggestedFilename(), `${sorted.name}.csv`);
      const file = path.join(ARTIFACTS, `export-${sorted.name}.csv`);
      await download.saveAs(file);
      const body = await fs.readFile(file, 'utf8');
      const lines = body.replace(/\r/g, '').split('\n').filter(Boolean);
      assert.equal(lines[0], sorted.columns.map((c) => c.name).join(','), 'CSV header');
      assert.equal(lines.length - 1, sorted.rows, 'CSV data lines (no quoted newlines expected in this dataset)');
      for (const [format, label] of [['json', 'JSON'], ['xlsx', 'Excel']]) {
        const href = await wrap.locator(`a[data-format="${format}"]`).getAttribute('href');
        assert.equal(href, `/api/export/${sorted.path}?format=${format}`, `${label} link`);
      }
    });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    watch(mobile, 'phone');
    await step('phone: home fits 390 px and renders', async () => {
      await mobile.goto(`${BASE}/`);
      await settle(mobile, '#main');
      await noErrors(mobile, '#main');
      await charts(mobile, '#main');
      const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page is ${width} px wide at a 390 px viewport (horizontal scrolling)`);
      await mobile.screenshot({ path: path.join(ARTIFACTS, 'home-phone.png'), fullPage: true });
    });
    await step('phone: dashboard fits 390 px', async () => {
      await mobile.goto(`${BASE}/dashboard#sales`);
      await settle(mobile, '#panel-sales');
      const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `dashboard is ${width} px wide at 390 px`);
      await mobile.screenshot({ path: path.join(ARTIFACTS, 'dashboard-sales-phone.png'), fullPage: false });
    });

    await step('SPA routes: /dashboard/ is the dashboard, an unknown page says so', async () => {
      await page.goto(`${BASE}/dashboard/`);
      await settle(page, '#main');
      assert.equal(await page.title(), 'Dashboard · beamline');
      const res = await page.goto(`${BASE}/no-such-page`);
      if (res.status() === 200) {
        await settle(page, '#main');
        assert.equal(await page.title(), 'Not found · beamline');
      } else {
        assert.equal(res.status(), 404, 'unknown page status');
        pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !e.includes('404')));
      }
    });

    await step('no JavaScript errors, CSP violations or failed loads in the console', async () => {
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    await browser.close();
  }
}

// openTableTab shows the dashboard tab holding a dataset and scrolls to its table.
async function openTableTab(page, groups, dsPath) {
  const tab = Object.keys(groups).find((t) => groups[t].some((d) => d.path === dsPath));
  if (!page.url().startsWith(`${BASE}/dashboard`)) await page.goto(`${BASE}/dashboard#${tab}`);
  await page.click(`[data-tab="${tab}"]`);
  await settle(page, `#panel-${tab}`);
  await page.locator(`table[data-dataset="${dsPath}"]`).scrollIntoViewIfNeeded();
  await waitTable(page, dsPath);
}

main().then(() => {
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length) {
    console.error(`\n${failures.length} check(s) failed in ${secs} s: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log(`\nall checks passed in ${secs} s; screenshots in ${ARTIFACTS}`);
}).catch((err) => {
  console.error(`e2e could not run: ${err.stack || err}`);
  process.exit(2);
});
