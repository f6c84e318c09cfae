// Spool's dashboard, the views of jobs that compose and of keyed queues: a job's place in its workflow
// (workflow, parents, children, result), a workflow's steps (/api/workflows/{id}) and a queue's keys
// (/api/queues/{q}/keys). Loaded before dashboard.js, whose helpers ($, el, api, jobLink, ...) these
// functions call only once a view renders, after both scripts ran.
'use strict';

// A workflow of a 100,000-job fan-in is one API answer; the page draws its first steps only.
const STEPS_SHOWN = 1000;
const KEYS_SHOWN = 100;

// Job ids as links to their job views, or a dash.
function idLinks(ids) {
  if (!ids || !ids.length) return ['–'];
  return ids.flatMap((id, i) => i ? [' ', jobLink(id)] : [jobLink(id)]);
}

function json(value) { return JSON.stringify(value); }

// ---- a job's place in its workflow ----

function renderLineage(job) {
  const parents = job.parents || [];
  const children = job.children || [];
  const linked = job.workflow_id != null || parents.length > 0 || children.length > 0;
  $('#job-lineage').hidden = !linked;
  if (linked) {
    $('#job-workflow').replaceChildren(...(job.workflow_id != null
      ? [el('a', { href: '#/workflows/' + job.workflow_id, id: 'job-workflow-link' }, 'Workflow ' + job.workflow_id),
        job.step ? ', step ' + job.step : '']
      : ['none (linked with depends_on, outside a workflow)']));
    $('#job-parents').replaceChildren(...idLinks(parents));
    $('#job-children').replaceChildren(...idLinks(children));
  }
  // a result once it completed with one; its handler's progress while it runs
  const lines = [];
  if (job.result != null) lines.push(JSON.stringify(job.result, null, 2));
  else if (job.resultBase64) lines.push('binary: ' + job.resultBase64);
  if (job.progress != null) lines.push('progress: ' + json(job.progress));
  $('#job-outcome').hidden = lines.length === 0;
  $('#job-result').textContent = lines.join('\n');
}

// ---- a workflow ----

// What a step came to: its result, its error (dead or cancelled), or its progress while it runs.
function stepOutcome(s) {
  if (s.result != null) return json(s.result);
  if (s.resultBase64) return 'binary result';
  if (s.error && s.state !== 'completed') return errorText(s.error);
  return s.progress != null ? 'progress ' + json(s.progress) : '';
}

async function showWorkflow(id) {
  const body = $('#workflow-steps tbody');
  body.replaceChildren();
  for (const s of ['#workflow-summary', '#workflow-callback']) $(s).textContent = '';
  let wf;
  try {
    wf = await api('GET', '/api/workflows/' + encodeURIComponent(id));
  } catch (e) {
    $('#workflow-title').textContent = e.status === 404 ? 'No workflow ' + id : e.message;
    return;
  }
  $('#workflow-title').textContent = 'Workflow ' + wf.id + ' · ' + wf.name;
  $('#workflow-summary').textContent = (wf.finished ? 'Finished' : 'Unfinished') + ' · '
    + Object.entries(wf.counts).map(([state, n]) => fmt.format(n) + ' ' + state).join(', ')
    + ' · created ' + when(wf.created_at)
    + (wf.steps.length > STEPS_SHOWN ? ' · the first ' + fmt.format(STEPS_SHOWN) + ' of ' + fmt.format(wf.steps.length) + ' steps shown' : '');
  for (const s of wf.steps.slice(0, STEPS_SHOWN)) {
    const toGo = s.state === 'waiting' && s.pending_parents ? ' (' + s.pending_parents + ' to go)' : '';
    body.append(el('tr', { 'data-step': s.step, 'data-id': s.id },
      el('td', {}, s.step), el('td', {}, jobLink(s.id)), stateCell(s.state), el('td', { class: 'num' }, String(s.attempt)),
      el('td', { class: 'parents' }, ...idLinks(s.parents), toGo), el('td', { class: 'children' }, ...idLinks(s.children)),
      el('td', { class: 'outcome' }, stepOutcome(s))));
  }
  const callback = wf.steps.find(s => s.id === wf.callback);
  $('#workflow-callback').replaceChildren(...(callback
    ? ['Callback: ', jobLink(callback.id), ' ' + callback.state, stepOutcome(callback) ? ': ' + stepOutcome(callback) : '']
    : ['No callback step.']));
}

// ---- a queue's keys ----

// The queue's key settings as the admin server's own workers have them: the database does not keep them.
function limitsText(queue, l) {
  if (!l) {
    return 'This server runs no worker of queue ' + queue + ', so its key limits and weights are not known here.';
  }
  const parts = [l.fair ? 'fair: keys take turns' : 'not fair'];
  if (l.serial) parts.push('serial: one job per key at a time, in order');
  if (l.key_concurrency) parts.push('at most ' + l.key_concurrency + ' running per key');
  if (l.key_rate_limit) parts.push('at most ' + l.key_rate_limit.count + ' starts per key per ' + seconds(l.key_rate_limit.per_ms / 1000));
  const weights = Object.entries(l.key_weights || {});
  parts.push(weights.length ? 'weights: ' + weights.map(([k, w]) => k + ' ' + w).join(', ') + ', any other key 1' : 'every key weighs 1');
  return parts.join(' · ');
}

async function showKeys(queue) {
  $('#keys-title').textContent = 'Keys of queue ' + queue;
  const body = $('#keys tbody');
  body.replaceChildren();
  const note = $('#keys-note');
  note.className = 'muted';
  $('#keys-limits').textContent = '';
  let k;
  try {
    k = await api('GET', '/api/queues/' + encodeURIComponent(queue) + '/keys?limit=' + KEYS_SHOWN);
  } catch (e) {
    note.textContent = e.message;
    note.className = 'error';
    return;
  }
  $('#keys-limits').textContent = limitsText(queue, k.limits);
  for (const key of k.busiest) {
    const jobs = '#/jobs?' + new URLSearchParams({ queue, key: key.key });
    body.append(el('tr', { 'data-key': key.key },
      el('td', {}, el('a', { href: jobs }, key.key)),
      el('td', { class: 'num', 'data-count': 'available' }, fmt.format(key.available)),
      el('td', { class: 'num', 'data-count': 'running' }, fmt.format(key.running)),
      el('td', { class: 'num', 'data-count': 'starts' }, fmt.format(key.recent_starts)),
      el('td', { class: 'num', 'data-count': 'weight' }, key.weight == null ? '–' : String(key.weight)),
      el('td', { class: 'num', 'data-count': 'wait' }, key.oldest_wait_seconds == null ? 'none due' : seconds(key.oldest_wait_seconds))));
  }
  note.textContent = k.keys_with_work === 0 ? 'No key of this queue has an available or running job.'
    : (k.keys_with_work > k.busiest.length ? 'The ' + k.busiest.length + ' busiest of ' : '')
      + fmt.format(k.keys_with_work) + ' key' + (k.keys_with_work === 1 ? '' : 's') + ' with work, busiest first.';
}
