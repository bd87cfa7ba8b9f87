// Switchboard console: each page's script calls the management API (/api) with the session cookie, sending the
// page's CSRF token on every state-changing call. Values reach the DOM as text only (textContent), never as HTML.
'use strict';

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function api(method, path, body) {
  const headers = { 'accept': 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { location.href = '/console/login'; throw new Error('signed out'); }
  const json = response.status === 204 ? {} : await response.json();
  if (!response.ok) throw new Error(json.detail || ('HTTP ' + response.status));
  return json;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined || v === false) return;
    if (k === 'text') node.textContent = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  });
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
  return node;
}

const $ = sel => document.querySelector(sel);
const link = (href, text) => el('a', { href }, String(text));
const when = t => t ? new Date(t).toLocaleString() : '–';
const badge = s => el('span', { class: 'status ' + (s || ''), text: s || '–' });
const params = () => new URLSearchParams(location.search);

function fill(tbody, rows) { tbody.replaceChildren(...rows.map(cells => el('tr', {}, cells.map(c => el('td', {}, c))))); }
function meta(dl, pairs) { dl.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v ?? '–')])); }

function pretty(text) {
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

// datetime-local has no zone: read it as local time and send ISO-8601 UTC.
function isoOrNull(value) { return value ? new Date(value).toISOString() : null; }

function formQuery(form, keys) {
  const q = new URLSearchParams();
  keys.forEach(k => {
    const input = form.elements[k];
    let v = input ? input.value.trim() : '';
    if (input && input.type === 'datetime-local') v = v ? isoOrNull(v) : '';
    if (v) q.set(k, v);
  });
  return q;
}

/** A filtered list that refreshes itself every second while "live" is ticked and no older page is shown. */
function liveList({ form, keys, path, tbody, row, more }) {
  let cursor = null;
  let timer = null;
  async function load(append) {
    const q = formQuery(form, keys);
    q.set('limit', '50');
    if (append && cursor) q.set('cursor', cursor);
    const page = await api('GET', path + '?' + q);
    const rows = page.data.map(row);
    if (append) rows.forEach(cells => tbody.append(el('tr', {}, cells.map(c => el('td', {}, c)))));
    else fill(tbody, rows);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  function schedule() {
    clearTimeout(timer);
    if (form.elements.live.checked) timer = setTimeout(() => load(false).finally(schedule), 1000);
  }
  form.addEventListener('submit', e => { e.preventDefault(); load(false).then(schedule); });
  form.elements.live.addEventListener('change', schedule);
  more.addEventListener('click', () => { form.elements.live.checked = false; schedule(); load(true); });
  load(false).then(schedule);
}

const pages = {
  overview() {
    const opts = (series, fmt, y) => ({ width: 520, height: 200, series: [{}, ...series.map(x => ({ spanGaps: true, ...x }))],
      axes: [{}, { size: 64, values: (u, vals) => vals.map(v => v == null ? '' : fmt(v)) }],
      scales: { x: { time: true }, ...(y ? { y } : {}) } });
    const n = v => String(+v.toFixed(2));
    const pct = v => (v * 100).toFixed(1) + '%';
    const charts = {
      rates: new uPlot(opts([{ label: 'intake/s', stroke: '#2563eb' }, { label: 'deliveries/s', stroke: '#16a34a' }], n), [[], [], []], $('#c-rates')),
      // A rate is 0..100%: a fixed range, so a flat 100% does not get an axis up to 200%.
      success: new uPlot(opts([{ label: 'success', stroke: '#16a34a' }], pct, { range: [0, 1] }), [[], []], $('#c-success')),
      backlog: new uPlot(opts([{ label: 'pending', stroke: '#d97706' }], n), [[], []], $('#c-backlog')),
      latency: new uPlot(opts([{ label: 'p50', stroke: '#2563eb' }, { label: 'p99', stroke: '#dc2626' }], n), [[], [], []], $('#c-latency')),
    };
    const data = { t: [], intake: [], deliveries: [], successRate: [], backlog: [], p50: [], p99: [] };
    const source = new EventSource('/console/stream/overview');
    source.addEventListener('open', () => { $('#stream-state').textContent = 'Live: one sample a second from this router.'; });
    source.addEventListener('error', () => { $('#stream-state').textContent = 'Stream interrupted; reconnecting…'; });
    source.addEventListener('sample', e => {
      const s = JSON.parse(e.data);
      Object.keys(data).forEach(k => { data[k].push(s[k] ?? null); if (data[k].length > 300) data[k].shift(); });
      document.body.dataset.samples = String(data.t.length);
      charts.rates.setData([data.t, data.intake, data.deliveries]);
      charts.success.setData([data.t, data.successRate]);
      charts.backlog.setData([data.t, data.backlog]);
      charts.latency.setData([data.t, data.p50, data.p99]);
      $('#v-intake').textContent = n(s.intake);
      $('#v-deliveries').textContent = n(s.deliveries);
      $('#v-success').textContent = s.successRate == null ? '–' : pct(s.successRate);
      $('#v-backlog').textContent = n(s.backlog);
      const ms = v => v == null ? '–' : String(+v.toFixed(1));
      $('#v-latency').textContent = ms(s.p50) + ' / ' + ms(s.p99);
      $('#v-circuits').textContent = s.openCircuits ?? '–';
      $('#v-disabled').textContent = s.disabled ?? '–';
    });
  },

  async inbound() {
    const id = params().get('id');
    if (id) return inboundDetail(id);
    liveList({ form: $('#filters'), keys: ['source', 'status', 'since', 'until'], path: '/api/inbound',
      tbody: $('#inbound-table tbody'), more: $('#more'),
      row: w => [link('/console/inbound?id=' + w.id, w.id), when(w.received_at), w.source, badge(w.status),
        String(w.event_count ?? '–'), String(w.bytes), w.error || ''] });
  },

  async events() {
    const form = $('#event-lookup');
    form.addEventListener('submit', e => { e.preventDefault(); location.search = '?id=' + encodeURIComponent(form.elements.id.value.trim()); });
    const id = params().get('id');
    if (!id) return;
    form.elements.id.value = id;
    const event = (await api('GET', '/api/events/' + encodeURIComponent(id))).data;
    const inbound = (await api('GET', '/api/inbound/' + event.inbound_id)).data;
    $('#event-detail').hidden = false;
    meta($('#event-meta'), [['id', event.id], ['type', event.type], ['source', event.source],
      ['phone number', event.phone_number_id], ['occurred', when(event.occurred_at)], ['received', when(event.received_at)],
      ['webhook', link('/console/inbound?id=' + event.inbound_id, event.inbound_id)]]);
    fill($('#event-deliveries tbody'), inbound.deliveries.filter(d => d.event_id === id).map(d =>
      [link('/console/deliveries?id=' + d.id, d.id), d.subscription, badge(d.status), String(d.attempts), String(d.last_status_code ?? '–')]));
    $('#event-payload').textContent = pretty(event.payload);
  },

  async deliveries() {
    const id = params().get('id');
    if (id) return deliveryDetail(id);
    const form = $('#filters');
    ['instanceId', 'status', 'event', 'subscription'].forEach(k => { if (params().get(k)) form.elements[k].value = params().get(k); });
    liveList({ form, keys: ['instanceId', 'status', 'event', 'subscription'], path: '/api/webhook/logs',
      tbody: $('#deliveries-table tbody'), more: $('#more'),
      row: d => [link('/console/deliveries?id=' + d.id, d.id), when(d.created_at), d.subscription,
        link('/console/events?id=' + encodeURIComponent(d.event_id), d.event_id), d.event_type, badge(d.status),
        String(d.attempts), String(d.last_status_code ?? '–'), d.last_error || ''] });
    replayPanel();
  },

  async subscriptions() {
    await subscriptionsTable();
    const form = $('#subscription-form');
    form.addEventListener('submit', e => { e.preventDefault(); saveSubscription(form); });
    $('#cancel-edit').addEventListener('click', () => resetEditor(form));
    $('#secret-done').addEventListener('click', () => { $('#secret-value').textContent = ''; $('#secret-once').hidden = true; });
  },

  tail() {},
};

async function inboundDetail(id) {
  $('#list').hidden = true;
  $('#filters').hidden = true;
  $('#detail').hidden = false;
  const w = (await api('GET', '/api/inbound/' + encodeURIComponent(id))).data;
  meta($('#webhook-meta'), [['id', String(w.id)], ['source', w.source], ['status', badge(w.status)],
    ['received', when(w.received_at)], ['processed', when(w.processed_at)], ['error', w.error],
    ['already delivered by an earlier body', w.duplicate_of.join(', ') || 'none']]);
  fill($('#webhook-events tbody'), w.events.map(e => [link('/console/events?id=' + encodeURIComponent(e.id), e.id),
    e.type, e.phone_number_id || '–', when(e.occurred_at)]));
  fill($('#webhook-deliveries tbody'), w.deliveries.map(d => [link('/console/deliveries?id=' + d.id, d.id), d.subscription,
    d.event_id, badge(d.status), String(d.attempts), String(d.last_status_code ?? '–')]));
  $('#webhook-body').textContent = pretty(w.body);
}

async function deliveryDetail(id) {
  $('#list').hidden = true;
  $('#filters').hidden = true;
  $('#detail').hidden = false;
  const retry = $('#retry');
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    try { await api('POST', '/api/webhook/retry/' + id); $('#retry-result').textContent = 'queued'; }
    catch (e) { $('#retry-result').textContent = e.message; }
    refresh();
  });
  async function refresh() {
    const d = (await api('GET', '/api/webhook/logs/' + encodeURIComponent(id))).data;
    meta($('#delivery-meta'), [['id', String(d.id)], ['status', badge(d.status)], ['subscription', d.subscription],
      ['event', link('/console/events?id=' + encodeURIComponent(d.event_id), d.event_id)], ['type', d.event_type],
      ['webhook', link('/console/inbound?id=' + d.inbound_id, d.inbound_id)], ['attempts', String(d.attempts)],
      ['next attempt', when(d.next_attempt_at)], ['created', when(d.created_at)], ['completed', when(d.completed_at)]]);
    $('#timeline').replaceChildren(...d.history.map(a => el('li', { class: a.outcome },
      el('b', { text: '#' + a.attempt + ' ' + a.outcome }), ' ', when(a.started_at), ' · ',
      'HTTP ' + (a.status_code ?? '–'), ' · ', a.latency_ms + ' ms',
      a.error ? el('div', { class: 'error', text: a.error }) : '',
      a.response_body ? el('pre', { text: a.response_body.slice(0, 1024) }) : '')));
    $('#delivery-payload').textContent = pretty(d.payload);
    retry.disabled = d.status === 'pending';
    if (d.status === 'pending') setTimeout(refresh, 500);
  }
  refresh();
}

function replayPanel() {
  const form = $('#replay-form');
  let request = null;
  const body = () => {
    const b = { status: form.elements.status.value };
    if (form.elements.subscription.value.trim()) b.subscription = form.elements.subscription.value.trim();
    if (form.elements.since.value) b.since = isoOrNull(form.elements.since.value);
    if (form.elements.until.value) b.until = isoOrNull(form.elements.until.value);
    return b;
  };
  form.addEventListener('submit', async e => {
    e.preventDefault();
    request = body();
    const count = (await api('POST', '/api/webhook/replay', { ...request, dryRun: true })).data.matching;
    $('#replay-matching').textContent = count + ' deliveries match.';
    $('#replay-confirm').hidden = count === 0;
    $('#replay-preview').hidden = false;
    $('#replay-result').hidden = true;
  });
  $('#replay-confirm').addEventListener('click', async () => {
    const queued = (await api('POST', '/api/webhook/replay', request)).data.queued;
    $('#replay-preview').hidden = true;
    $('#replay-result').textContent = queued + ' deliveries queued for replay.';
    $('#replay-result').hidden = false;
  });
}

async function subscriptionsTable() {
  const [list, endpoints] = await Promise.all([api('GET', '/api/subscriptions'), api('GET', '/api/endpoints')]);
  const health = endpoints.data;
  fill($('#subscriptions-table tbody'), list.data.map(s => {
    const h = health[String(s.id)] || {};
    return [String(s.id), s.name, s.url, s.events.join(', '), badge(s.enabled ? 'enabled' : 'disabled'),
      badge(h.circuit || (s.enabled ? 'idle' : 'off')), when(h.last_success_at), when(h.last_failure_at),
      el('span', { class: 'actions' },
        el('button', { type: 'button', class: 'test', 'data-name': s.name, onclick: () => sendTest(s) }, 'Send test event'),
        s.origin === 'api' ? el('button', { type: 'button', class: 'edit', onclick: () => edit(s) }, 'Edit') : '',
        s.origin === 'api' ? el('button', { type: 'button', class: 'toggle', onclick: () => toggle(s) }, s.enabled ? 'Disable' : 'Enable') : '')];
  }));
}

async function sendTest(s) {
  const box = $('#test-result');
  box.hidden = false;
  box.textContent = 'Sending a test event to ' + s.url + '…';
  try {
    const r = (await api('POST', '/api/subscriptions/' + s.id + '/test')).data;
    box.replaceChildren(el('p', { text: s.name + ' answered HTTP ' + (r.status ?? '–') + ' in ' + r.latency_ms + ' ms' + (r.error ? ': ' + r.error : '') }),
      el('pre', { id: 'test-body', text: r.body ?? '' }));
  } catch (e) { box.textContent = 'Test failed: ' + e.message; }
}

function edit(s) {
  const form = $('#subscription-form');
  form.elements.id.value = s.id;
  form.elements.name.value = s.name;
  form.elements.url.value = s.url;
  form.elements.events.value = s.events.join(', ');
  form.elements.enabled.checked = s.enabled;
  form.elements.ordering.value = s.ordering || 'none';
  form.elements.statusOrder.value = s.statusOrder || 'any';
  $('#editor-title').textContent = 'Edit ' + s.name;
  $('#cancel-edit').hidden = false;
  $('#editor').open = true;
}

function resetEditor(form) {
  form.reset();
  form.elements.id.value = '';
  $('#editor-title').textContent = 'New subscription';
  $('#cancel-edit').hidden = true;
}

async function toggle(s) {
  const current = (await api('GET', '/api/subscriptions/' + s.id)).data;
  await api('PUT', '/api/subscriptions/' + s.id, { ...current, enabled: !current.enabled });
  subscriptionsTable();
}

async function saveSubscription(form) {
  const id = form.elements.id.value;
  const fields = { name: form.elements.name.value.trim(), url: form.elements.url.value.trim(),
    events: form.elements.events.value.split(',').map(e => e.trim()).filter(Boolean), enabled: form.elements.enabled.checked,
    ordering: form.elements.ordering.value, statusOrder: form.elements.statusOrder.value };
  $('#form-error').hidden = true;
  try {
    if (id) {
      // PUT replaces every field: start from the stored one (masked secrets are kept by the server).
      const current = (await api('GET', '/api/subscriptions/' + id)).data;
      await api('PUT', '/api/subscriptions/' + id, { ...current, ...fields });
    } else {
      const created = (await api('POST', '/api/subscriptions', fields)).data;
      $('#secret-name').textContent = created.name;
      $('#secret-value').textContent = created.secret;
      $('#secret-once').hidden = false;
    }
    resetEditor(form);
    subscriptionsTable();
  } catch (e) {
    $('#form-error').textContent = e.message;
    $('#form-error').hidden = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const page = pages[document.body.dataset.page];
  if (page) Promise.resolve(page()).catch(e => { const m = document.querySelector('main'); if (m) m.prepend(el('p', { class: 'error', text: e.message })); });
});
