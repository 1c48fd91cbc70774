// search-page.test.mjs - drives lanternd's search page in headless Chromium
// and asserts on the DOM, the URL and the history, the way a person uses it.
//
//   node search-page.test.mjs BASE_URL SCREENSHOT_DIR
//
// Normally started by run.sh, which indexes corpus/, starts lanternd and sets:
//   LANTERN_NODE_MODULES  where playwright-core is installed (default: ./node_modules)
//   LANTERN_CHROMIUM      the browser binary (default: /usr/bin/chromium)
//   LANTERN_PROFILE_DIR   where to make the fresh user-data-dir (default: $TMPDIR)
//
// Every check is a step of its own: a failing step is reported (with a
// screenshot) and the others still run. Exit status 0 when all passed, 1
// when one failed, 77 when the browser cannot be started.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.LANTERN_NODE_MODULES || path.join(here, 'node_modules');
const require = createRequire(path.join(modules, 'noop.js'));
const { chromium } = require('playwright-core');

const [base, shotDir] = process.argv.slice(2);
if (!base || !shotDir) {
  console.error('usage: node search-page.test.mjs BASE_URL SCREENSHOT_DIR');
  process.exit(2);
}
const BASE = base.endsWith('/') ? base : base + '/';
mkdirSync(shotDir, { recursive: true });

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const XSS = '"><img src=x onerror=alert(1)>';

// ------------------------------------------------------------------ tiny harness

let passed = 0;
const failures = [];
const screenshots = [];

class CheckFailed extends Error {}

function check(condition, message, detail) {
  if (!condition) {
    throw new CheckFailed(message + (detail === undefined ? '' : `\n      got: ${JSON.stringify(detail)}`));
  }
  passed++;
  console.log(`    ok - ${message}`);
}

function equal(actual, expected, message) {
  check(actual === expected, `${message} (expected ${JSON.stringify(expected)})`, actual);
}

async function shot(page, name, options = {}) {
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  screenshots.push(file);
  return file;
}

// ------------------------------------------------------------------ page helpers

const search = (page) => new URL(page.url()).searchParams;

// Waits for the answer to the next /api/search request whose parameters
// satisfy `predicate` (URLSearchParams -> bool).
function nextSearch(page, predicate = () => true) {
  return page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/search' && predicate(url.searchParams);
  });
}

// The page replaces every <li> of #hits on each render. Marking the current
// ones lets a step wait for the render that follows an action.
async function markHits(page) {
  await page.evaluate(() => {
    for (const item of document.querySelectorAll('#hits li')) item.dataset.stale = '1';
    document.getElementById('status').dataset.stale = document.getElementById('status').textContent;
  });
}

async function waitForFreshHits(page) {
  await page.waitForFunction(() => {
    const items = document.querySelectorAll('#hits li');
    return items.length > 0 && !document.querySelector('#hits li[data-stale]');
  });
}

async function hitTitles(page) {
  return page.$$eval('#hits li h3 a', (links) => links.map((a) => a.textContent));
}

async function statusText(page) {
  return (await page.textContent('#status')) || '';
}

// { value: {count, checked, label} } for one facet field, read from the DOM.
async function facetCounts(page, field) {
  return page.$$eval(`#facets input[name="${field}"]`, (boxes) => {
    const out = {};
    for (const box of boxes) {
      const label = box.closest('label');
      out[box.value] = {
        count: Number(label.querySelector('.count').textContent),
        checked: box.checked,
        label: label.textContent,
      };
    }
    return out;
  });
}

async function load(page, query) {
  const answered = nextSearch(page);
  await page.goto(BASE + (query ? '?' + query : ''));
  await answered;
  await page.waitForSelector('#facets fieldset', { state: 'attached' });
}

async function suggestionsOpen(page) {
  await page.waitForSelector('#suggestions:not([hidden]) li[role="option"]');
  return page.$$eval('#suggestions li[role="option"]', (items) => items.map((li) => li.firstChild.textContent));
}

// Types `text` into #q one key at a time (as a person does, so that every
// keystroke may ask for suggestions) and waits for the answer to the last.
async function typeSlowly(page, text, delay = 140) {
  const last = page.waitForResponse((response) => {
    const url = new URL(response.url());
    return url.pathname === '/api/suggest' && url.searchParams.get('q') === text;
  });
  await page.click('#q');
  await page.fill('#q', '');
  await page.type('#q', text, { delay });
  await last;
}

// ------------------------------------------------------------------ the steps

const steps = [];
// Predicates (URL, status) for error answers a step provokes on purpose.
let expectedHttpErrors = [];
const step = (name, run) => steps.push({ name, run });

step('the empty page', async (page) => {
  await load(page, '');
  equal(await page.title(), 'Lantern — resource library search', 'the page title');
  check(await page.isVisible('#q'), 'the search box is visible');
  equal(await page.getAttribute('#q', 'role'), 'combobox', '#q is a combobox');
  equal(await page.getAttribute('#q', 'aria-expanded'), 'false', 'the listbox starts closed');
  check(await page.isHidden('#suggestions'), '#suggestions is hidden');
  const fields = await page.$$eval('#facets fieldset legend', (legends) => legends.map((l) => l.textContent));
  check(fields.length === 6, 'six facet groups are listed', fields);
  // With no query and no filter the page lists the whole library.
  const all = await page.evaluate(async () => (await (await fetch('/api/search?q=&limit=0')).json()).totalHits);
  check((await page.locator('#hits li').count()) > 0, 'the library is listed before a search');
  check((await statusText(page)).startsWith(`${all} result`), 'the status gives the library size', await statusText(page));
  check((await page.textContent('#access')).startsWith('Access: public'), 'the access line says public',
    await page.textContent('#access'));
  await shot(page, 'desktop-start');
});

step('suggestions as you type, picked with ArrowDown + Enter', async (page) => {
  await load(page, '');
  await typeSlowly(page, 'traff');
  const options = await suggestionsOpen(page);
  check(options.length > 0, 'the suggestion listbox shows options', options);
  equal(await page.getAttribute('#q', 'aria-expanded'), 'true', 'aria-expanded is true while open');
  await shot(page, 'desktop-suggestions');
  await page.keyboard.press('ArrowDown');
  equal(await page.getAttribute('#suggestion-0', 'aria-selected'), 'true', 'ArrowDown selects the first option');
  equal(await page.getAttribute('#q', 'aria-activedescendant'), 'suggestion-0', 'aria-activedescendant follows');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  equal(await page.getAttribute('#q', 'aria-activedescendant'), 'suggestion-0', 'ArrowUp moves back');
  const answered = nextSearch(page);
  await page.keyboard.press('Enter');
  await answered;
  await waitForFreshHits(page);
  equal(search(page).get('q'), options[0], 'Enter searches the chosen title (URL q)');
  equal(await page.inputValue('#q'), options[0], 'the search box holds the title');
  check(await page.isHidden('#suggestions'), 'the listbox closes after the pick');
  const hits = await page.locator('#hits li').count();
  check(hits > 0, 'ol#hits has results', hits);
  check(/\d+ results?/.test(await statusText(page)), 'the status says how many results', await statusText(page));
  const titles = await hitTitles(page);
  check(titles.includes(options[0]), 'the picked resource is among the hits', titles);
});

step('suggestions picked with the mouse; Escape closes the listbox', async (page) => {
  await load(page, '');
  await typeSlowly(page, 'traff');
  let options = await suggestionsOpen(page);
  await page.keyboard.press('Escape');
  check(await page.isHidden('#suggestions'), 'Escape closes the listbox');
  await typeSlowly(page, 'traff');
  options = await suggestionsOpen(page);
  check(options.length > 1, 'more than one option', options);
  const answered = nextSearch(page);
  await page.click('#suggestions li[role="option"]:nth-child(2)');
  await answered;
  await waitForFreshHits(page);
  equal(search(page).get('q'), options[1], 'a click searches that title (URL q)');
  check((await page.locator('#hits li').count()) > 0, 'ol#hits has results');
  check(/\d+ results?/.test(await statusText(page)), 'the status mentions results', await statusText(page));
});

step('the listbox stays closed after a quick submit', async (page) => {
  // Typing and pressing Enter before the suggestion delay: the suggestions
  // asked for (or in flight) must not reopen the listbox over the results.
  await load(page, '');
  await page.click('#q');
  const answered = nextSearch(page, (p) => p.get('q') === 'trafficking');
  await page.keyboard.type('trafficking', { delay: 20 });
  await page.keyboard.press('Enter');
  await answered;
  await page.waitForTimeout(700);
  check(await page.isHidden('#suggestions'), 'no listbox over the results after submitting');
  equal(await page.getAttribute('#q', 'aria-expanded'), 'false', 'aria-expanded is false');
});

step('a facet filter is disjunctive within its field', async (page) => {
  await load(page, 'q=trafficking');
  await waitForFreshHits(page);
  const before = await facetCounts(page, 'agency_type');
  const totalBefore = await statusText(page);
  check(Object.keys(before).length === 4, 'four agency types listed', before);
  await markHits(page);
  const answered = nextSearch(page, (p) => p.getAll('agency_type').includes('rural'));
  await page.check('#f-agency_type-rural');
  const response = await (await answered).json();
  await waitForFreshHits(page);
  equal(search(page).getAll('agency_type').join(','), 'rural', 'the URL gets agency_type=rural');
  equal(search(page).get('q'), 'trafficking', 'the URL keeps q');
  const after = await facetCounts(page, 'agency_type');
  check(after.rural && after.rural.checked, 'the rural box stays ticked after the re-render', after);
  for (const value of ['suburban', 'urban', 'tribal']) {
    check(after[value] && after[value].count > 0 && !after[value].checked,
      `the ${value} count is still shown (${after[value] && after[value].count})`, after[value]);
  }
  equal(after.rural.count, response.totalHits, 'the rural count equals the number of results');
  check((await statusText(page)) !== totalBefore && (await statusText(page)).includes(String(response.totalHits)),
    'the status shows the filtered total', await statusText(page));
  const metas = await page.$$eval('#hits li .meta', (items) => items.map((p) => p.textContent));
  check(metas.every((m) => /Agencies: [^·]*(Rural|all)/.test(m)), 'every hit is for rural agencies (or all)', metas);
  // The other fields are conjunctive: a second filter in another field narrows.
  await markHits(page);
  const second = nextSearch(page, (p) => p.getAll('agency_size').includes('small'));
  await page.check('#f-agency_size-small');
  const narrowed = await (await second).json();
  await waitForFreshHits(page);
  check(narrowed.totalHits <= response.totalHits, 'a second field narrows the results',
    [narrowed.totalHits, response.totalHits]);
  check(await page.isVisible('#clear-filters'), '"Clear all filters" is offered');
  await markHits(page);
  const cleared = nextSearch(page, (p) => !p.has('agency_type') && !p.has('agency_size'));
  await page.click('#clear-filters');
  await cleared;
  await waitForFreshHits(page);
  check(!search(page).has('agency_type') && !search(page).has('agency_size'), 'Clear all filters empties the URL filters');
});

step('sort, pagination and the back button', async (page) => {
  await load(page, 'q=trafficking&agency_type=rural');
  await waitForFreshHits(page);
  await markHits(page);
  const sorted = nextSearch(page, (p) => p.get('sort') === 'date');
  await page.selectOption('#sort', 'date');
  await sorted;
  await waitForFreshHits(page);
  equal(search(page).get('sort'), 'date', 'the URL gets sort=date');
  equal(search(page).get('agency_type'), 'rural', 'the filter survives the sort change');
  const dates = await page.$$eval('#hits li .meta', (items) =>
    items.map((p) => (p.textContent.match(/Published (\d{4}(?:-\d\d){0,2})/) || [])[1]).filter(Boolean));
  check(dates.length > 1 && dates.every((d, i) => i === 0 || dates[i - 1] >= d), 'hits are newest first', dates);
  const page1 = await hitTitles(page);
  const status1 = await statusText(page);
  check(/showing 1–10/.test(status1), 'the status says 1–10', status1);
  check(await page.isVisible('nav#pages a[aria-current="page"]'), 'nav#pages marks the current page');

  await markHits(page);
  const second = nextSearch(page, (p) => p.get('offset') === '10');
  await page.click('nav#pages a:text-is("2")');
  await second;
  await waitForFreshHits(page);
  equal(search(page).get('page'), '2', 'the URL gets page=2');
  equal(await page.textContent('nav#pages a[aria-current="page"]'), '2', 'page 2 is current');
  check(/showing 11–/.test(await statusText(page)), 'the status says 11–', await statusText(page));
  const page2 = await hitTitles(page);
  check(page2.every((t) => !page1.includes(t)), 'page 2 shows other hits', { page1, page2 });
  await shot(page, 'desktop-page2');

  await markHits(page);
  const back = nextSearch(page, (p) => p.get('offset') === '0');
  await page.goBack();
  await back;
  await waitForFreshHits(page);
  check(!search(page).has('page'), 'back: the URL has no page parameter', page.url());
  equal(search(page).get('sort'), 'date', 'back: sort=date is still in the URL');
  equal(await page.inputValue('#sort'), 'date', 'back: the sort select says date');
  check(await page.isChecked('#f-agency_type-rural'), 'back: the rural box is ticked');
  equal(JSON.stringify(await hitTitles(page)), JSON.stringify(page1), 'back: page 1 hits are restored');
  equal(await statusText(page), status1, 'back: the status is restored');

  await markHits(page);
  const forward = nextSearch(page, (p) => p.get('offset') === '10');
  await page.goForward();
  await forward;
  await waitForFreshHits(page);
  equal(JSON.stringify(await hitTitles(page)), JSON.stringify(page2), 'forward: page 2 again');
});

step('"did you mean" for a misspelling', async (page) => {
  await load(page, '');
  await page.fill('#q', 'trafficing');
  const answered = nextSearch(page, (p) => p.get('q') === 'trafficing');
  await page.press('#q', 'Enter');
  await answered;
  await page.waitForSelector('#suggestion:not([hidden]) a');
  equal(await page.textContent('#suggestion a'), 'trafficking', 'the did-you-mean link offers "trafficking"');
  check(/^Did you mean trafficking\?$/.test((await page.textContent('#suggestion')).trim()), 'the sentence reads well',
    await page.textContent('#suggestion'));
  await shot(page, 'desktop-did-you-mean');
  await markHits(page);
  const corrected = nextSearch(page, (p) => p.get('q') === 'trafficking');
  await page.click('#suggestion a');
  await corrected;
  await waitForFreshHits(page);
  equal(search(page).get('q'), 'trafficking', 'clicking it searches "trafficking"');
  equal(await page.inputValue('#q'), 'trafficking', 'the search box is corrected');
  check(await page.isHidden('#suggestion'), 'no did-you-mean for the corrected query');
  check((await page.locator('#hits li').count()) > 0, 'results for the corrected query');
});

step('markup in the query is shown as text', async (page) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => { dialogs++; dialog.dismiss().catch(() => {}); });
  await load(page, '');
  await page.fill('#q', XSS);
  const answered = nextSearch(page, (p) => p.get('q') === XSS);
  await page.press('#q', 'Enter');
  await answered;
  await page.waitForFunction(() => document.getElementById('status').textContent !== '');
  await page.waitForTimeout(500); // let any suggestion answer arrive too
  equal(search(page).get('q'), XSS, 'the query round-trips through the URL');
  equal(await page.inputValue('#q'), XSS, 'the search box shows it verbatim');
  equal(await page.locator('img').count(), 0, 'no <img> element in the DOM');
  equal(await page.locator('[onerror]').count(), 0, 'no element with an onerror attribute');
  equal(await page.title(), `${XSS} — Lantern`, 'the document title holds it as text');
  // The same from a fresh load of the URL (the state comes from the URL).
  // From a fresh load of the URL, with markup in a filter value too (which
  // the server rejects as an unknown value, and the page says so).
  expectedHttpErrors.push((url, status) => status === 400 && url.searchParams.get('agency_type') === '<b>x</b>');
  await load(page, 'q=' + encodeURIComponent(XSS) + '&agency_type=' + encodeURIComponent('<b>x</b>'));
  await page.waitForFunction(() => document.getElementById('status').textContent !== '');
  await page.waitForTimeout(300);
  equal(await page.locator('img, b').count(), 0, 'no <img>/<b> after loading it from the URL');
  check((await statusText(page)).includes("unknown agency_type '<b>x</b>'"), 'the error is shown as text',
    await statusText(page));
  const box = page.locator('#facets input[name="agency_type"][value="<b>x</b>"]');
  check(await box.isChecked(), 'the rejected filter is listed, ticked, as text');
  check(await page.isVisible('#clear-filters'), '"Clear all filters" is offered');
  const recovered = nextSearch(page, (p) => !p.has('agency_type'));
  await box.click(); // not uncheck(): the box is gone after the re-render
  await recovered;
  await page.waitForFunction(() => !document.getElementById('status').textContent.startsWith('The search failed'));
  check(!search(page).has('agency_type'), 'unticking it drops the filter from the URL', page.url());
  equal(dialogs, 0, 'no dialog fired');
});

step('keyboard: Tab reaches the search box, the facets and the result links', async (page) => {
  await load(page, 'q=trafficking');
  await waitForFreshHits(page);
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const order = [];
  for (let i = 0; i < 160; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return 'body';
      if (e.id === 'q') return '#q';
      if (e.closest('#facets') && e.type === 'checkbox') return 'facet:' + e.id;
      if (e.closest('#hits')) return 'hit';
      if (e.closest('#pages')) return 'pages';
      if (e.classList.contains('skip')) return 'skip';
      return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
    });
    order.push(where);
    if (where === 'pages') break;
  }
  const first = (predicate) => order.findIndex(predicate);
  equal(order[0], 'skip', 'the first Tab reaches the skip link');
  const q = first((w) => w === '#q');
  const facet = first((w) => w.startsWith('facet:'));
  const hit = first((w) => w === 'hit');
  check(q >= 0, 'Tab reaches the search box', order.slice(0, 12));
  check(facet > q, 'then the facet checkboxes', order.slice(0, 12));
  check(hit > facet, 'then the result links', order.slice(facet, facet + 5));
  check(order.includes('select#sort'), 'the sort select is reachable', order.filter((w) => !w.startsWith('facet:')));
  // A focused checkbox toggles with Space.
  await page.focus('#f-agency_type-tribal');
  const ticked = nextSearch(page, (p) => p.get('agency_type') === 'tribal');
  await page.keyboard.press('Space');
  await ticked;
  equal(search(page).get('agency_type'), 'tribal', 'Space on a facet checkbox filters');
  // The focused element shows a focus ring.
  await page.focus('#q');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const outline = await page.$eval('#q', (e) => getComputedStyle(e).outlineStyle);
  check(outline !== 'none', 'the focused search box has a visible outline', outline);
});

step('desktop screenshot', async (page) => {
  await load(page, 'q=trafficking&agency_type=rural');
  await waitForFreshHits(page);
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  check(overflow <= 0, 'no horizontal scroll on the desktop', overflow);
  console.log('    screenshot: ' + await shot(page, 'desktop', { fullPage: true }));
});

step('phone viewport (390x844)', async (page) => {
  await page.setViewportSize(PHONE);
  await load(page, 'q=trafficking&agency_type=rural');
  await waitForFreshHits(page);
  const sizes = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }));
  check(sizes.scroll <= sizes.inner, 'no horizontal scroll with results', sizes);
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
    .map((e) => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')).slice(0, 5));
  equal(wide.length, 0, 'no element sticks out to the right');
  const box = await page.locator('#q').boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= PHONE.width, 'the search box fits the screen', box);
  // On a phone the filters come first, folded, so the results stay in view.
  const folded = await page.evaluate(() => !document.getElementById('filters').open);
  check(folded, 'the filters are folded on a phone', folded);
  const resultsTop = (await page.locator('#results').boundingBox()).y;
  check(resultsTop < 844, 'the first results are on the first screen', { resultsTop });
  console.log('    screenshot: ' + await shot(page, 'phone', { fullPage: true }));
  console.log('    screenshot: ' + await shot(page, 'phone-top'));
  const facets = path.join(shotDir, 'phone-facets.png');
  await page.locator('#filters summary').click();
  await page.locator('aside.facets').screenshot({ path: facets });
  screenshots.push(facets);
  console.log('    screenshot: ' + facets);
  await typeSlowly(page, 'traff');
  await suggestionsOpen(page);
  const open = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  check(open <= 0, 'no horizontal scroll with the suggestions open', open);
  console.log('    screenshot: ' + await shot(page, 'phone-suggestions'));
  await load(page, 'q=' + encodeURIComponent('trafficing'));
  const misspelt = await page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
  check(misspelt <= 0, 'no horizontal scroll with did-you-mean', misspelt);
  // A resource whose title or text holds a long URL or word (none in corpus/
  // today) must wrap, not widen the page: put such words into rendered hits.
  await waitForFreshHits(page);
  const longWords = await page.evaluate(() => {
    const url = ' https://www.example.org/a/very/long/path/to/a/resource/with/no/spaces/at/all/in/it.pdf ';
    document.querySelector('#hits li .snippet').append(url);
    document.querySelector('#hits li h3 a').append(' Supercalifragilisticexpialidociousandlongerstill');
    document.querySelector('#hits li .where').textContent = 'folder/' + 'x'.repeat(120) + '.md';
    return document.scrollingElement.scrollWidth - innerWidth;
  });
  check(longWords <= 0, 'long words in a hit wrap instead of scrolling sideways', longWords);
  await page.setViewportSize(DESKTOP);
});

// ------------------------------------------------------------------ run

const profileRoot = process.env.LANTERN_PROFILE_DIR || tmpdir();
const profile = mkdtempSync(path.join(profileRoot, 'chromium-profile-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LANTERN_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: DESKTOP,
    timeout: 60000,
  });
} catch (error) {
  console.error('cannot start Chromium: ' + error.message);
  rmSync(profile, { recursive: true, force: true });
  process.exit(77);
}
console.log(`browser: Chromium ${context.browser() ? context.browser().version() : ''} (playwright-core ${require('playwright-core/package.json').version})`);

const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(10000);
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
page.on('console', (message) => {
  if (message.type() !== 'error') return;
  const text = message.text();
  // Failed requests are checked by the response listener below.
  if (/^Failed to load resource/.test(text)) return;
  pageErrors.push('console: ' + text);
});
page.on('response', (response) => {
  const url = new URL(response.url());
  if (response.status() < 400 || url.pathname === '/favicon.ico') return;
  if (expectedHttpErrors.some((expected) => expected(url, response.status()))) return;
  pageErrors.push(`HTTP ${response.status()} for ${url.pathname}${url.search}`);
});

for (const { name, run } of steps) {
  console.log(`# ${name}`);
  expectedHttpErrors = [];
  const errorsBefore = pageErrors.length;
  try {
    await run(page);
    check(pageErrors.length === errorsBefore, 'no script errors', pageErrors.slice(errorsBefore));
  } catch (error) {
    const where = path.join(shotDir, `failed-${failures.length + 1}.png`);
    await page.screenshot({ path: where, fullPage: true }).catch(() => {});
    console.log(`    not ok - ${error instanceof CheckFailed ? '' : 'error: '}${error.message.split('\n').slice(0, 4).join('\n')}`);
    console.log(`    (URL ${page.url()}; screenshot ${where})`);
    failures.push(`${name}: ${error.message.split('\n')[0]}`);
    await page.setViewportSize(DESKTOP).catch(() => {});
  }
}

await context.close();
rmSync(profile, { recursive: true, force: true });

console.log('\nscreenshots:');
for (const file of screenshots) console.log('  ' + file);
if (failures.length) {
  console.log('\nfailed steps:');
  for (const failure of failures) console.log('  - ' + failure);
}
console.log(`\n${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
