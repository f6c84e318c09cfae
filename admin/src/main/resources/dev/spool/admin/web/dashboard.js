// Spool's dashboard: plain JavaScript over the admin API (/api/...), no build step, no CDN.
// The overview polls /api/dashboard every POLL_MS while the tab is visible and keeps the last five
// minutes of samples for the charts; the other views load on demand.
'use strict';

const POLL_MS = 2000;
const HISTORY_POINTS = 150; // 5 minutes at one sample per 2 s
// A page of a search covers a range of ids, so it costs the same at any table size: 100k ids when it
// walks the primary key, 1M when its state has an index of its own (it reads only that state's entries).
const SEARCH_DEPTH = 100000;
const INDEXED_DEPTH = 1000000;
const PAGE = 50;

const $ = (sel, root = document) => root.querySelector(sel);
const fmt = new Intl.NumberFormat('en-US');
let countLimit = 10000;
let pollTimer = null;
const samples = []; // {rate, failed, lag}

// ---- API ----

function token() { return sessionStorage.getItem('spool-token'); }

async function api(method, path) {
  const headers = {};
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  const res = await fetch(path, { method, headers });
  if (res.status === 401) {
    showLogin();
    throw new Error('the admin API needs a token');
  }
  const body = await res.json().catch(() => ({ error: 'not JSON: HTTP ' + res.status }));
  if (!res.ok && res.status !== 202) {
    const err = new Error(body.error || ('HTTP ' + res.status));
    err.status = res.status;
    throw err;
  }
  return body;
}

function setStatus(text, down) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('down', !!down);
}

// ---- small DOM helpers ----

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

function count(n) { return n >= countLimit ? fmt.format(countLimit) + '+' : fmt.format(n); }
function num(n, digits = 1) { return n === null || n === undefined ? '–' : fmt.format(Math.round(n * 10 ** digits) / 10 ** digits); }
function when(iso) { return iso ? new Date(iso).toLocaleString() : '–'; }
function seconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 60) return num(s) + ' s';
  if (s < 3600) return num(s / 60) + ' min';
  return num(s / 3600) + ' h';
}
function errorText(e) { return e ? (e.class ? e.class.replace(/^.*\./, '') + ': ' : '') + (e.message ?? '') : ''; }
function stateCell(state) { return el('td', { class: 'state state-' + state, 'data-state': state }, state); }
function jobLink(id) { return el('a', { href: '#/jobs/' + id }, String(id)); }

// Two clicks for destructive bulk actions: the first arms the button for 5 s.
function confirmClick(button, label, action) {
  button.addEventListener('click', async () => {
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Click again: ' + label;
      setTimeout(() => { button.dataset.armed = ''; button.textContent = button.dataset.label; }, 5000);
      return;
    }
    button.dataset.armed = '';
    button.textContent = button.dataset.label;
    await action();
  });
  button.dataset.label = button.textContent;
}

// ---- overview ----

async function pollOverview() {
  clearTimeout(pollTimer);
  try {
    const data = await api('GET', '/api/dashboard');
    countLimit = data.count_limit;
    renderOverview(data);
    setStatus('live · ' + data.node + ' · ' + new Date(data.at).toLocaleTimeString());
    renderWorkers((await api('GET', '/api/workers')).workers);
  } catch (e) {
    setStatus('cannot reach the admin API: ' + e.message, true);
  }
  if (route().view === 'overview' && document.visibilityState === 'visible') {
    pollTimer = setTimeout(pollOverview, POLL_MS);
  }
}

// One row per registered worker: what it runs (active) and holds unstarted in its buffer (reserved).
function renderWorkers(workers) {
  const shown = 10;
  $('#workers tbody').replaceChildren(...workers.map(w => el('tr', { 'data-worker': w.id },
    el('td', {}, w.id), el('td', {}, w.queues.join(', ')),
    el('td', { class: 'num', 'data-count': 'active' }, String(w.active)),
    el('td', { class: 'num', 'data-count': 'reserved' }, String(w.reserved)),
    el('td', {}, ...w.running_ids.slice(0, shown).flatMap((id, i) => i ? [' ', jobLink(id)] : [jobLink(id)]),
      w.running_ids.length > shown ? ' …' : ''),
    el('td', { class: 'num' }, seconds(w.heartbeat_age_seconds) + ' ago'),
    el('td', {}, w.leader ? 'leader' : ''))));
  $('#workers-empty').hidden = workers.length > 0;
}

function renderOverview(data) {
  let rate = 0, failed = 0, lagSum = 0, lagN = 0, lagMax = null;
  const body = $('#queues tbody');
  body.replaceChildren();
  for (const q of data.queues) {
    rate += q.finished_per_s;
    failed += q.failed_per_s;
    if (q.lag_ms_avg !== null) { lagSum += q.lag_ms_avg; lagN++; }
    if (q.lag_ms_max !== null) lagMax = Math.max(lagMax ?? 0, q.lag_ms_max);
    const button = el('button', { 'data-queue': q.name, class: q.paused ? 'resume' : 'pause',
      onclick: () => pauseQueue(q.name, !q.paused) }, q.paused ? 'Resume' : 'Pause');
    body.append(el('tr', { 'data-queue': q.name, class: q.paused ? 'paused' : '' },
      el('td', {}, el('a', { href: '#/jobs?queue=' + encodeURIComponent(q.name) }, q.name),
        ...(q.warnings || []).map(w => el('span', { class: 'warning', 'data-warning': q.name }, '⚠ ' + w))),
      el('td', { class: 'num', 'data-count': 'available' }, count(q.available)),
      el('td', { class: 'num', 'data-count': 'scheduled' }, count(q.scheduled)),
      el('td', { class: 'num', 'data-count': 'running' }, count(q.running)),
      el('td', { class: 'num', 'data-count': 'dead' },
        q.dead ? el('a', { href: '#/dead?queue=' + encodeURIComponent(q.name) }, count(q.dead)) : '0'),
      el('td', { class: 'num' }, String(q.workers)),
      el('td', { class: 'num', 'data-rate': 'finished' }, num(q.finished_per_s)),
      el('td', { class: 'num' }, num(q.failed_per_s)),
      el('td', { class: 'num' }, q.lag_ms_avg === null ? '–' : num(q.lag_ms_avg) + ' / ' + num(q.lag_ms_max, 0) + ' ms'),
      el('td', { class: 'num' }, seconds(q.next_wait_seconds)),
      el('td', {}, button, ' ', el('a', { href: '#/queues/' + encodeURIComponent(q.name) + '/keys', 'data-keys': q.name,
        title: 'keys with work in this queue, their limits and waits' }, 'Keys'))));
  }
  $('#queues-empty').hidden = data.queues.length > 0;
  $('#count-limit').textContent = fmt.format(data.count_limit);
  const lag = lagN ? lagSum / lagN : null;
  $('#total-rate').textContent = num(rate);
  $('#total-failed').textContent = num(failed);
  $('#total-lag').textContent = lag === null ? '–' : num(lag) + ' / ' + num(lagMax, 0) + ' ms';
  $('#total-rows').textContent = data.estimated_jobs > 0 ? '≈ ' + fmt.format(data.estimated_jobs) : '–';
  renderStuck(data.stuck || [], data.recycling);
  samples.push({ rate, failed, lag: lag ?? 0 });
  while (samples.length > HISTORY_POINTS) samples.shift();
  drawChart($('#chart-rate'), [['rate', '#1f7a4d'], ['failed', '#b42318']]);
  drawChart($('#chart-lag'), [['lag', '#3559c7']]);
}

// Runs of this node whose handler ignored its hard limit, with how long; and a recycle in progress.
function renderStuck(stuck, recycling) {
  $('#total-stuck').textContent = fmt.format(stuck.length);
  $('#total-stuck').classList.toggle('bad', stuck.length > 0);
  const banner = $('#recycling');
  banner.hidden = !recycling;
  banner.textContent = recycling ? 'This node is being recycled: ' + recycling : '';
  $('#stuck-box').hidden = stuck.length === 0;
  const body = $('#stuck tbody');
  body.replaceChildren();
  for (const r of stuck) {
    body.append(el('tr', { 'data-job': String(r.id) },
      el('td', {}, jobLink(r.id)), el('td', {}, r.queue), el('td', {}, r.task),
      el('td', { class: 'num' }, String(r.attempt)),
      el('td', { class: 'num' }, seconds(r.running_seconds)),
      el('td', { class: 'num' }, seconds(r.past_limit_seconds)),
      el('td', {}, r.held ? 'held' : 'released')));
  }
}

function drawChart(canvas, series) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 18;
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(1, ...samples.flatMap(s => series.map(([k]) => s[k])));
  ctx.strokeStyle = '#e4e7ec';
  ctx.fillStyle = '#667085';
  ctx.font = '11px system-ui, sans-serif';
  ctx.beginPath(); ctx.moveTo(0, pad); ctx.lineTo(w, pad); ctx.moveTo(0, h - 1); ctx.lineTo(w, h - 1); ctx.stroke();
  ctx.fillText(fmt.format(Math.round(max)), 2, pad - 5);
  const step = w / (HISTORY_POINTS - 1);
  const x0 = w - (samples.length - 1) * step;
  for (const [key, color] of series) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    samples.forEach((s, i) => {
      const x = x0 + i * step, y = h - 1 - (s[key] / max) * (h - pad - 1);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
  }
}

async function pauseQueue(name, pause) {
  try {
    await api('POST', '/api/queues/' + encodeURIComponent(name) + (pause ? '/pause' : '/resume'));
  } catch (e) {
    setStatus(e.message, true);
  }
  pollOverview();
}

// ---- job search ----

let searchBefore = null;

// The filled-in fields of a form, trimmed, as query parameters.
function formParams(form, names) {
  const f = new FormData(form);
  const p = new URLSearchParams();
  for (const k of names) if (f.get(k) && f.get(k).trim()) p.set(k, f.get(k).trim());
  return p;
}

function searchParams() { return formParams($('#search'), ['task', 'queue', 'key', 'state']); }

async function loadJobs(params, append) {
  const note = $('#search-note');
  const body = $('#jobs tbody');
  if (!append) {
    body.replaceChildren();
    searchBefore = null;
  }
  const indexed = ['dead', 'cancelled', 'running'].includes(params.get('state'));
  const p = new URLSearchParams(params);
  p.set('limit', PAGE);
  if (searchBefore) p.set('before', searchBefore);
  p.set('depth', indexed ? INDEXED_DEPTH : SEARCH_DEPTH);
  try {
    const page = await api('GET', '/api/jobs?' + p);
    for (const j of page.jobs) {
      body.append(el('tr', { 'data-id': j.id }, el('td', {}, jobLink(j.id)), el('td', {}, j.queue), el('td', {}, j.task),
        stateCell(j.state), el('td', { class: 'num' }, j.attempt + ' / ' + j.max_attempts), el('td', {}, when(j.run_at)),
        el('td', {}, errorText(j.last_error))));
    }
    searchBefore = page.next_before;
    $('#jobs-more').hidden = !searchBefore;
    const shown = body.children.length;
    note.textContent = shown + ' job' + (shown === 1 ? '' : 's') + ' shown'
      + (page.searched_to ? ' · searched ids down to ' + fmt.format(page.searched_to) : '')
      + (searchBefore ? '' : ' · no older jobs');
  } catch (e) {
    note.textContent = e.message;
    note.className = 'error';
  }
}

function showJobs(query) {
  const form = $('#search');
  for (const k of ['id', 'task', 'queue', 'key', 'state']) form.elements[k].value = query.get(k) || '';
  $('#search-note').className = 'muted';
  loadJobs(searchParams(), false);
}

// ---- one job ----

async function showJob(id) {
  const msg = $('#job-message');
  msg.textContent = '';
  let job;
  try {
    job = await api('GET', '/api/jobs/' + encodeURIComponent(id));
  } catch (e) {
    $('#job-title').textContent = e.status === 404 ? 'No job ' + id + ' (it may have completed and been deleted)' : e.message;
    for (const s of ['#job-fields tbody', '#job-history tbody']) $(s).replaceChildren();
    for (const s of ['#job-args', '#job-error', '#job-history-note']) $(s).textContent = '';
    $('#job-retry').hidden = $('#job-cancel').hidden = true;
    $('#job-lineage').hidden = $('#job-outcome').hidden = true;
    return;
  }
  $('#job-title').replaceChildren('Job ' + job.id + ' · ' + job.task + ' · ', el('span', { class: 'state state-' + job.state, id: 'job-state' }, job.state));
  const fields = [['Queue', job.queue], ['Priority', job.priority], ['Attempt', job.attempt + ' of ' + job.max_attempts],
    ['Run at', when(job.run_at)], ['Created', when(job.created_at)], ['Last attempt', when(job.attempted_at)],
    ['Finished', when(job.finished_at)], ['Cancel requested', when(job.cancel_requested_at)], ['Timeout', job.timeout_ms ? job.timeout_ms + ' ms' : 'handler default'],
    ['Soft timeout', job.soft_timeout_ms ? job.soft_timeout_ms + ' ms' : 'handler default'],
    ['Worker', job.lease_owner ?? '–'], ['Lease until', when(job.lease_expires_at)], ['Unique key', job.unique_key ?? '–'],
    ['Arguments', fmt.format(job.args_bytes) + ' bytes']];
  $('#job-fields tbody').replaceChildren(...fields.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v)))));
  $('#job-args').textContent = 'args' in job ? JSON.stringify(job.args, null, 2) : 'binary: ' + (job.args_base64 ?? '');
  const e = job.last_error;
  $('#job-error').textContent = e ? errorText(e) + (e.attempt ? '  (attempt ' + e.attempt + ', ' + when(e.at) + ')' : '')
    + (e.stack ? '\n\n' + (Array.isArray(e.stack) ? e.stack.join('\n') : e.stack) : '') : 'none';
  const history = $('#job-history tbody');
  history.replaceChildren();
  if (job.history_enabled) {
    for (const ev of job.history) {
      history.append(el('tr', {}, el('td', {}, when(ev.at)), el('td', {}, ev.from ?? '–'), stateCell(ev.to),
        el('td', { class: 'num' }, String(ev.attempt)), el('td', {}, errorText(ev.error))));
    }
    $('#job-history-note').textContent = job.history.length ? '' : 'No transitions recorded yet.';
  } else {
    $('#job-history-note').textContent = 'Job history is off, so only the last error is kept; turn it on with '
      + '"spool migrate --history on".';
  }
  renderLineage(job); // views.js: workflow, parents, children, result
  explainJob(job);
  $('#job-retry').hidden = !['dead', 'cancelled'].includes(job.state);
  $('#job-cancel').hidden = !['available', 'scheduled', 'running'].includes(job.state);
  $('#job-retry').onclick = () => act('POST', '/api/jobs/' + job.id + '/retry', 'retried', () => showJob(job.id));
  $('#job-cancel').onclick = () => act('DELETE', '/api/jobs/' + job.id, 'cancel sent', () => showJob(job.id));
}

// Why a job that is not running waits: one line from /api/jobs/{id}/explain.
async function explainJob(job) {
  const line = $('#job-explain');
  line.textContent = '';
  if (!['available', 'scheduled', 'running'].includes(job.state)) return;
  try {
    const e = await api('GET', '/api/jobs/' + job.id + '/explain');
    const reasons = e.reasons.filter(r => r.code !== 'running').map(r => r.message);
    line.textContent = reasons.length ? 'Why it is not running: ' + reasons.join('; ') + '.'
      : (job.state === 'running' ? '' : 'Nothing holds it back: it runs at its queue\'s next claim.');
  } catch (err) {
    line.textContent = '';
  }
}

async function act(method, path, done, then) {
  const msg = $('#job-message');
  try {
    const r = await api(method, path);
    msg.textContent = r.result ? r.result.replace(/_/g, ' ') : done;
    msg.className = 'muted';
  } catch (e) {
    msg.textContent = e.message;
    msg.className = 'error';
  }
  then();
}

// ---- dead letters ----

let deadBefore = null;

function deadFilters() { return formParams($('#dead-filter'), ['queue', 'task']); }

async function loadDead(append) {
  const body = $('#dead tbody');
  if (!append) {
    body.replaceChildren();
    deadBefore = null;
  }
  const p = deadFilters();
  p.set('limit', PAGE);
  if (deadBefore) p.set('before', deadBefore);
  p.set('depth', INDEXED_DEPTH);
  try {
    const page = await api('GET', '/api/dead?' + p);
    for (const j of page.jobs) {
      const retry = el('button', { 'data-retry': j.id, onclick: async () => {
        try {
          await api('POST', '/api/jobs/' + j.id + '/retry');
          retry.closest('tr').remove();
          $('#dead-message').textContent = 'Job ' + j.id + ' retried.';
        } catch (e) { $('#dead-message').textContent = e.message; }
      } }, 'Retry');
      body.append(el('tr', { 'data-id': j.id }, el('td', {}, jobLink(j.id)), el('td', {}, j.queue), el('td', {}, j.task),
        el('td', { class: 'num' }, String(j.attempt)), el('td', {}, errorText(j.last_error)), el('td', {}, when(j.finished_at)),
        el('td', {}, retry)));
    }
    deadBefore = page.next_before;
    $('#dead-more').hidden = !deadBefore;
    const empty = $('#dead-empty');
    empty.hidden = body.children.length > 0;
    empty.textContent = 'No dead jobs' + (p.has('queue') || p.has('task') ? ' match' : '')
      + (deadBefore ? ' among ids down to ' + fmt.format(page.searched_to) + '; try Older.' : '.');
  } catch (e) {
    $('#dead-message').textContent = e.message;
  }
}

async function bulkDead(method, path, field) {
  try {
    const p = deadFilters();
    // with no filter the API asks to be told "all" explicitly, as the CLI's --all
    if (!p.has('queue') && !p.has('task')) p.set('all', 'true');
    const r = await api(method, path + '?' + p);
    $('#dead-message').textContent = fmt.format(r[field]) + ' dead job' + (r[field] === 1 ? '' : 's') + ' ' + field + '.';
  } catch (e) {
    $('#dead-message').textContent = e.message;
  }
  loadDead(false);
}

function showDead(query) {
  const form = $('#dead-filter');
  for (const k of ['queue', 'task']) form.elements[k].value = query.get(k) || '';
  $('#dead-message').textContent = '';
  loadDead(false);
}

// ---- routing ----

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = hash.split('?');
  const query = new URLSearchParams(qs || '');
  const m = path.match(/^\/jobs\/(\d+)$/);
  if (m) return { view: 'job', id: m[1], query };
  // any text after /workflows/: the API says what is wrong with an id that is not one
  const w = path.match(/^\/workflows\/([^/]+)$/);
  if (w) return { view: 'workflow', id: decodeURIComponent(w[1]), query };
  const k = path.match(/^\/queues\/([^/]+)\/keys$/);
  if (k) return { view: 'keys', queue: decodeURIComponent(k[1]), query };
  if (path === '/jobs') return { view: 'jobs', query };
  if (path === '/dead') return { view: 'dead', query };
  return { view: 'overview', query };
}

const VIEWS = ['overview', 'jobs', 'job', 'workflow', 'keys', 'dead'];
// The tab a view belongs to: a job and a workflow are found from Jobs, a queue's keys from Queues.
const NAV_OF = { job: 'jobs', workflow: 'jobs', keys: 'overview' };

function render() {
  const r = route();
  $('#login').hidden = true;
  for (const v of VIEWS) $('#view-' + v).hidden = v !== r.view;
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active',
    a.dataset.nav === (NAV_OF[r.view] || r.view)));
  if (r.view !== 'overview') setStatus('');
  if (r.view === 'overview') pollOverview();
  else if (r.view === 'jobs') showJobs(r.query);
  else if (r.view === 'job') showJob(r.id);
  else if (r.view === 'workflow') showWorkflow(r.id);
  else if (r.view === 'keys') showKeys(r.queue);
  else if (r.view === 'dead') showDead(r.query);
}

function showLogin() {
  for (const v of VIEWS) $('#view-' + v).hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = token() ? 'That token was refused.' : '';
}

$('#login-form').addEventListener('submit', ev => {
  ev.preventDefault();
  sessionStorage.setItem('spool-token', $('#token').value);
  render();
});
$('#search').addEventListener('submit', ev => {
  ev.preventDefault();
  const id = new FormData(ev.target).get('id').trim();
  if (id && !/^[1-9][0-9]{0,17}$/.test(id)) {
    const note = $('#search-note');
    note.textContent = 'A job id is a positive whole number; got "' + id + '".';
    note.className = 'error';
    return;
  }
  if (id) { location.hash = '#/jobs/' + id; return; }
  const p = searchParams();
  location.hash = '#/jobs' + (p.toString() ? '?' + p : '');
});
$('#jobs-more').addEventListener('click', () => loadJobs(searchParams(), true));
$('#dead-filter').addEventListener('submit', ev => {
  ev.preventDefault();
  const p = deadFilters();
  location.hash = '#/dead' + (p.toString() ? '?' + p : '');
});
$('#dead-more').addEventListener('click', () => loadDead(true));
// Bulk actions on the pending jobs the search's task, queue and state select (the API refuses other states;
// with no filter at all it takes all=true, said here only after the second click). The API works in batches.
async function bulkPending(action) {
  const msg = $('#bulk-message');
  const p = searchParams();
  if (![...p.keys()].length) p.set('all', 'true');
  try {
    const r = await api('POST', '/api/jobs/bulk/' + action + '?' + p);
    msg.textContent = fmt.format(r.jobs) + ' pending job' + (r.jobs === 1 ? '' : 's') + ' ' + action + (action === 'cancel' ? 'led.' : 'd.');
    msg.className = 'muted';
  } catch (e) {
    msg.textContent = e.message;
    msg.className = 'error';
  }
  loadJobs(searchParams(), false);
}
confirmClick($('#jobs-cancel-pending'), 'cancel all matching', () => bulkPending('cancel'));
confirmClick($('#jobs-delete-pending'), 'delete all matching', () => bulkPending('delete'));
confirmClick($('#dead-retry-all'), 'retry all matching', () => bulkDead('POST', '/api/dead/retry', 'retried'));
confirmClick($('#dead-purge-all'), 'purge all matching', () => bulkDead('DELETE', '/api/dead', 'purged'));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && route().view === 'overview') pollOverview();
});
window.addEventListener('hashchange', render);
render();
