// Lantern search page. Vanilla JavaScript, no build step, no third-party code.
//
// The URL is the state: q, the facet filters (repeated parameters), sort and
// page. Every change pushes a history entry, so a search can be shared and
// the back button works. The page talks only to lanternd's JSON API.
'use strict';

const FACETS = [
  ['agency_type', 'Agency type'],
  ['agency_size', 'Agency size'],
  ['resource_level', 'Resources needed'],
  ['type', 'Resource type'],
  ['topic', 'Topic'],
  ['audience', 'Audience'],
];
const PAGE_SIZE = 10;
const $ = (id) => document.getElementById(id);
let labels = {};          // field -> value -> label, from /api/facets
let suggestTimer = 0;
let suggestRequest = 0;   // discards answers to superseded keystrokes
let activeSuggestion = -1;
let lastFacetKey = null;  // the search whose facet counts are on screen
let lastDistribution = null;

function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get('q') || '', sort: params.get('sort') || 'relevance',
                  page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1), filters: {} };
  for (const [field] of FACETS) state.filters[field] = params.getAll(field);
  return state;
}

function stateUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const [field] of FACETS) for (const value of state.filters[field] || []) params.append(field, value);
  if (state.sort && state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? '/?' + text : '/';
}

function navigate(state) {
  history.pushState(null, '', stateUrl(state));
  render();
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// Snippets arrive HTML-escaped with <mark> around matches. Keep exactly
// that: text and <mark>, nothing else, whatever the server sent.
function snippetNode(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  const out = document.createElement('p');
  out.className = 'snippet';
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) to.append(node.textContent);
      else if (node.nodeName === 'MARK') to.append(el('mark', { text: node.textContent }));
      else if (node.nodeType === Node.ELEMENT_NODE) copy(node, to);
    }
  };
  copy(template.content, out);
  return out;
}

function label(field, value) {
  return (labels[field] && labels[field][value]) || value;
}

function metaLine(hit) {
  const meta = hit.metadata || {};
  const parts = [];
  const list = (value) => (Array.isArray(value) ? value : value ? [value] : []);
  const describe = (field, key, prefix) => {
    const values = list(meta[key]);
    if (!values.length) return;
    parts.push(prefix + values.map((v) => (v === 'all' ? 'all' : label(field, v))).join(', '));
  };
  describe('agency_type', 'agency_type', 'Agencies: ');
  describe('agency_size', 'agency_size', 'Size: ');
  describe('resource_level', 'resource_level', 'Resources: ');
  if (meta.delivery) parts.push('Delivery: ' + label('delivery', meta.delivery));
  if (meta.duration) parts.push(meta.duration);
  if (meta.published) parts.push('Published ' + meta.published);
  return parts.join(' · ');
}

function renderHits(response, state) {
  const list = $('hits');
  list.replaceChildren();
  (response.hits || []).forEach((hit) => {
    const href = hit.url || '/api/doc/' + encodeURIComponent(hit.id).replace(/%2F/g, '/');
    const item = el('li', { class: 'hit' },
      el('h3', {}, el('a', { href, text: hit.title || hit.id })),
      el('p', { class: 'meta' }, el('span', { class: 'tag', text: label('type', hit.type) }), metaLine(hit)),
      el('p', { class: 'where', text: hit.url || hit.path }));
    if (hit.snippet) item.append(snippetNode(hit.snippet));
    list.append(item);
  });
  const total = response.totalHits || 0;
  const shown = (response.hits || []).length;
  const first = total ? (state.page - 1) * PAGE_SIZE + 1 : 0;
  $('status').textContent = total
    ? `${response.totalHitsExact ? '' : 'About '}${total} result${total === 1 ? '' : 's'}` +
      (shown ? ` — showing ${first}–${first + shown - 1}` : '')
    : (state.q || hasFilters(state) ? 'No results. Try fewer words or filters.' : '');
  const suggestion = $('suggestion');
  suggestion.replaceChildren();
  suggestion.hidden = !response.suggestion;
  if (response.suggestion) {
    const next = { ...state, q: response.suggestion, page: 1 };
    const link = el('a', { href: stateUrl(next), text: response.suggestion });
    link.addEventListener('click', (event) => { event.preventDefault(); $('q').value = next.q; navigate(next); });
    suggestion.append('Did you mean ', link, '?');
  }
  renderPages(total, state);
}

function renderPages(total, state) {
  const nav = $('pages');
  nav.replaceChildren();
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), 1000 / PAGE_SIZE);
  if (pages <= 1) return;
  const link = (page, text, rel) => {
    const next = { ...state, page };
    const a = el('a', { href: stateUrl(next), text, rel, 'aria-current': page === state.page ? 'page' : null });
    a.addEventListener('click', (event) => { event.preventDefault(); navigate(next); $('results').focus(); });
    return a;
  };
  if (state.page > 1) nav.append(link(state.page - 1, 'Previous', 'prev'));
  const start = Math.max(1, state.page - 3), end = Math.min(pages, start + 6);
  for (let page = start; page <= end; page++) nav.append(link(page, String(page)));
  if (state.page < pages) nav.append(link(state.page + 1, 'Next', 'next'));
}

function hasFilters(state) {
  return FACETS.some(([field]) => (state.filters[field] || []).length);
}

function renderFacets(distribution, state) {
  const box = $('facets');
  box.replaceChildren();
  for (const [field, title] of FACETS) {
    const counts = (distribution || {})[field] || {};
    const chosen = state.filters[field] || [];
    // Every vocabulary value is listed (with 0 when nothing matches), so
    // the list does not jump around while ticking boxes.
    const values = Object.keys(labels[field] || counts);
    for (const value of chosen) if (!values.includes(value)) values.push(value);
    if (!values.length) continue;
    const set = el('fieldset', {}, el('legend', { text: title }));
    for (const value of values) {
      const id = `f-${field}-${value}`;
      const box = el('input', { type: 'checkbox', id, name: field, value, checked: chosen.includes(value) });
      box.addEventListener('change', () => {
        const next = readState();
        const current = new Set(next.filters[field]);
        if (box.checked) current.add(value); else current.delete(value);
        next.filters[field] = [...current];
        next.page = 1;
        navigate(next);
      });
      const count = counts[value] || 0;
      set.append(el('label', { for: id, class: count ? null : 'empty' }, box, label(field, value),
        el('span', { class: 'count', text: String(count) })));
    }
    box.append(set);
  }
  $('clear-filters').hidden = !hasFilters(state);
}

// An intranet portal may hand the page a token in the URL fragment
// (#access_token=...): fragments never reach servers or their logs. It is
// kept for this browser tab only and sent as a Bearer token.
function takeTokenFromFragment() {
  const match = /(?:^#|&)access_token=([A-Za-z0-9._~+\/=-]{16,256})/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem('lantern-token', match[1]);
  history.replaceState(null, '', location.pathname + location.search);
}

function renderAccess(access) {
  const line = $('access');
  line.replaceChildren();
  if (!access) return;
  const labels = access.labels || [];
  const sensitive = labels.filter((l) => l !== 'public');
  if (!sensitive.length) {
    line.append('Access: public resources only. Law-enforcement users see sensitive (LES) resources when ' +
      'they open Lantern from their agency portal or sign in through the intranet.');
  } else {
    line.append(`Access: ${labels.join(', ')} (as ${access.identity}). `);
    if (sessionStorage.getItem('lantern-token')) {
      const out = el('button', { type: 'button', class: 'link', text: 'Forget this access' });
      out.addEventListener('click', () => { sessionStorage.removeItem('lantern-token'); render(); });
      line.append(out);
    }
  }
}

async function fetchJson(url) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem('lantern-token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(url, { headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

async function render() {
  const state = readState();
  $('q').value = state.q;
  $('sort').value = state.sort;
  const params = new URLSearchParams();
  params.set('q', state.q);
  for (const [field] of FACETS) for (const value of state.filters[field]) params.append(field, value);
  params.set('sort', state.sort);
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String((state.page - 1) * PAGE_SIZE));
  // Paging does not change the counts: ask for facets only when the
  // search itself changed (they are the costly part on a large library).
  const facetKey = JSON.stringify([state.q, state.filters, sessionStorage.getItem('lantern-token')]);
  const reuseFacets = facetKey === lastFacetKey && lastDistribution;
  if (!reuseFacets) params.set('facets', FACETS.map(([field]) => field).join(','));
  document.title = state.q ? `${state.q} — Lantern` : 'Lantern — resource library search';
  try {
    const response = await fetchJson('/api/search?' + params.toString());
    renderAccess(response.access);
    if (!reuseFacets) {
      lastFacetKey = facetKey;
      lastDistribution = response.facetDistribution;
    }
    renderFacets(lastDistribution, state);
    renderHits(response, state);
  } catch (error) {
    lastFacetKey = null;
    $('hits').replaceChildren();
    $('pages').replaceChildren();
    $('suggestion').hidden = true;
    // Still list the chosen filters, so one the server rejects (a value
    // dropped from the vocabulary, in an old link) can be unticked.
    if (hasFilters(state)) renderFacets({}, state);
    $('status').textContent = 'The search failed: ' + error.message;
  }
}

// ---------------------------------------------------------------- suggestions

function closeSuggestions() {
  // Also drop a pending keystroke's request and any answer in flight, or
  // it reopens the listbox over the results after a quick Enter.
  clearTimeout(suggestTimer);
  suggestRequest++;
  $('suggestions').hidden = true;
  $('suggestions').replaceChildren();
  $('q').setAttribute('aria-expanded', 'false');
  $('q').removeAttribute('aria-activedescendant');
  activeSuggestion = -1;
}

function pickSuggestion(title) {
  closeSuggestions();
  $('q').value = title;
  navigate({ ...readState(), q: title, page: 1 });
}

async function suggest() {
  const text = $('q').value;
  const mine = ++suggestRequest;
  if (!text.trim()) { closeSuggestions(); return; }
  let body;
  try { body = await fetchJson('/api/suggest?q=' + encodeURIComponent(text)); } catch { return; }
  if (mine !== suggestRequest) return;
  const list = $('suggestions');
  list.replaceChildren();
  (body.suggestions || []).forEach((item, index) => {
    const option = el('li', { role: 'option', id: `suggestion-${index}`, 'aria-selected': 'false' },
      item.title, el('span', { class: 'kind', text: label('type', item.type) }));
    option.addEventListener('mousedown', (event) => { event.preventDefault(); pickSuggestion(item.title); });
    list.append(option);
  });
  const open = list.children.length > 0;
  list.hidden = !open;
  $('q').setAttribute('aria-expanded', String(open));
  activeSuggestion = -1;
}

function moveSuggestion(step) {
  const options = [...$('suggestions').children];
  if (!options.length) return;
  activeSuggestion = (activeSuggestion + step + options.length) % options.length;
  options.forEach((option, index) => option.setAttribute('aria-selected', String(index === activeSuggestion)));
  $('q').setAttribute('aria-activedescendant', options[activeSuggestion].id);
}

// ---------------------------------------------------------------- wiring

function start() {
  takeTokenFromFragment();
  // On a phone the filters come first but folded, so results stay in view.
  if (window.matchMedia && window.matchMedia('(max-width: 46rem)').matches) $('filters').open = false;
  const input = $('q');
  input.addEventListener('input', () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(suggest, 120); });
  input.addEventListener('keydown', (event) => {
    const open = !$('suggestions').hidden;
    if (event.key === 'ArrowDown' && open) { event.preventDefault(); moveSuggestion(1); }
    else if (event.key === 'ArrowUp' && open) { event.preventDefault(); moveSuggestion(-1); }
    else if (event.key === 'Escape') closeSuggestions();
    else if (event.key === 'Enter' && open && activeSuggestion >= 0) {
      event.preventDefault();
      pickSuggestion($('suggestions').children[activeSuggestion].firstChild.textContent);
    }
  });
  input.addEventListener('blur', () => setTimeout(closeSuggestions, 150));
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    closeSuggestions();
    navigate({ ...readState(), q: input.value.trim(), page: 1 });
  });
  $('sort').addEventListener('change', () => navigate({ ...readState(), sort: $('sort').value, page: 1 }));
  $('clear-filters').addEventListener('click', () => {
    const next = readState();
    for (const [field] of FACETS) next.filters[field] = [];
    next.page = 1;
    navigate(next);
  });
  window.addEventListener('popstate', render);
  fetchJson('/api/facets')
    .then((facets) => {
      for (const [field, values] of Object.entries(facets)) {
        labels[field] = {};
        for (const item of values) labels[field][item.value] = item.label;
      }
    })
    .catch(() => {})
    .finally(render);
}

document.addEventListener('DOMContentLoaded', start);
