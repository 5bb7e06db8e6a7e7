/* report.html of a mine-spark pairs run (HtmlReport): tables, sorting, filtering, page set-up.
 * Everything comes from the JSON in #mine-data and goes into the DOM with textContent (never as
 * markup). For tests the page records in <body>: data-errors (script errors and console.error
 * calls, joined), data-heatmap="drawn" and data-history="drawn" once the charts have rendered. */
var MineReport = (function () {
  'use strict';
  var errors = [];
  function noteError(msg) {
    errors.push(String(msg));
    document.body.dataset.errors = errors.join(' | ');
  }
  var consoleError = console.error;
  console.error = function () {
    noteError(Array.prototype.map.call(arguments, String).join(' '));
    return consoleError.apply(console, arguments);
  };
  var previousOnError = window.onerror;
  window.onerror = function (message, source, line) {
    noteError(message + (line ? ' (line ' + line + ')' : ''));
    return previousOnError ? previousOnError.apply(window, arguments) : false;
  };

  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function fixed(digits) { return function (v) { return isNum(v) ? v.toFixed(digits) : ''; }; }
  var nats = fixed(4);
  var rho = fixed(3);
  function prob(v) {
    if (!isNum(v)) { return ''; }
    return v !== 0 && v < 0.001 ? v.toExponential(1) : v.toPrecision(2);
  }
  function ci(lo, hi) { return isNum(lo) && isNum(hi) ? '[' + nats(lo) + ', ' + nats(hi) + ']' : ''; }
  function segmentName(s) { return s === null || s === undefined ? 'whole table' : String(s); }
  function text(v) {
    if (v === null || v === undefined) { return ''; }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  function el(tag, content, cls) {
    var e = document.createElement(tag);
    if (content !== undefined && content !== null) { e.textContent = content; }
    if (cls) { e.className = cls; }
    return e;
  }
  function none(into) { into.appendChild(el('p', 'none', 'none')); }

  /* columns: {label, num, value(row) -> sort key, show(row) -> text, cls(row) -> class} */
  function table(columns, rows, onRow) {
    var t = el('table');
    var head = t.appendChild(el('thead')).appendChild(el('tr'));
    columns.forEach(function (c) { head.appendChild(el('th', c.label, c.num ? 'num' : '')); });
    var body = t.appendChild(el('tbody'));
    rows.forEach(function (r) { body.appendChild(row(columns, r, onRow)); });
    return t;
  }
  function row(columns, r, onRow) {
    var tr = el('tr');
    columns.forEach(function (c) {
      var td = tr.appendChild(el('td', (c.show || function (x) { return text(c.value(x)); })(r),
        (c.num ? 'num ' : '') + (c.cls ? c.cls(r) : '')));
      if (c.title) { td.title = c.title(r); }
    });
    if (onRow) { onRow(tr, r); }
    return tr;
  }
  function field(key) { return function (r) { return r[key]; }; }

  var BAD = { diverged: 1, failed: 1 };
  var GREY = { constant: 1, screened: 1, skipped: 1 };
  var PAIR_COLUMNS = [
    { label: 'segment', value: function (p) { return segmentName(p.segment); } },
    { label: 'pair', value: field('pair') },
    { label: 'MI (nats)', num: true, value: field('mi_nats'), show: function (p) { return nats(p.mi_nats); } },
    { label: '\u03C1_I', num: true, value: field('rho_i'), show: function (p) { return rho(p.rho_i); } },
    { label: '95% CI (nats)', num: true, value: field('ci95_low_nats'),
      show: function (p) { return ci(p.ci95_low_nats, p.ci95_high_nats); } },
    { label: 'p', num: true, value: field('p_value'), show: function (p) { return prob(p.p_value); } },
    { label: 'q', num: true, value: field('q_value'), show: function (p) { return prob(p.q_value); } },
    { label: 'dependent', value: function (p) { return p.dependent ? 'yes' : 'no'; }, cls: function () { return 'dep'; } },
    { label: 'status', value: field('status'),
      show: function (p) { return text(p.status) + (p.screen !== null && p.screen !== undefined ? ' \u00B7 screen: ' + text(p.screen) : ''); },
      cls: function (p) { return BAD[p.status] ? 'status-bad' : GREY[p.status] ? 'status-grey' : ''; },
      title: function (p) { return text(p.message); } },
    { label: 'screen plug-in (nats)', num: true, value: field('plugin_nats'), show: function (p) { return nats(p.plugin_nats); } },
    { label: 'screen p', num: true, value: field('plugin_p_value'), show: function (p) { return prob(p.plugin_p_value); } },
    { label: 'message', value: field('message'), cls: function () { return 'msg'; } }
  ];

  function compare(a, b) {
    var na = a === null || a === undefined || a === '', nb = b === null || b === undefined || b === '';
    if (na || nb) { return na === nb ? 0 : na ? 1 : -1; } // blanks last either way
    if (typeof a === 'number' && typeof b === 'number') { return a - b; }
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  }

  function pairsTable(data, onPick) {
    var t = document.getElementById('pairs');
    var head = t.tHead.appendChild(el('tr'));
    var body = t.tBodies[0];
    var rows = data.pairs.map(function (p) {
      var tr = row(PAIR_COLUMNS, p, function (tr) {
        tr.dataset.pair = text(p.pair);
        tr.dataset.segment = segmentName(p.segment);
        if (p.dependent) { tr.classList.add('dependent'); }
        tr.addEventListener('click', function () { onPick(p.segment, p.pair); });
      });
      body.appendChild(tr);
      return { pair: p, tr: tr, haystack: [segmentName(p.segment), p.pair, p.status].map(text).join(' ').toLowerCase() };
    });
    var sorted = { index: -1, dir: 1 };
    PAIR_COLUMNS.forEach(function (c, i) {
      var th = head.appendChild(el('th', c.label, c.num ? 'num' : ''));
      th.addEventListener('click', function () {
        sorted.dir = sorted.index === i ? -sorted.dir : (c.num ? -1 : 1); // numbers: largest first
        sorted.index = i;
        Array.prototype.forEach.call(head.children, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', sorted.dir > 0 ? 'ascending' : 'descending');
        var order = rows.slice().sort(function (a, b) {
          var va = c.value(a.pair), vb = c.value(b.pair);
          var blank = va === null || va === undefined || vb === null || vb === undefined;
          return blank ? compare(va, vb) : sorted.dir * compare(va, vb);
        });
        order.forEach(function (r) { body.appendChild(r.tr); });
      });
    });
    var filter = document.getElementById('filter');
    var dependentOnly = document.getElementById('dependent-only');
    var shown = document.getElementById('shown');
    function apply() {
      var q = filter.value.trim().toLowerCase();
      var n = 0;
      rows.forEach(function (r) {
        var show = (!q || r.haystack.indexOf(q) >= 0) && (!dependentOnly.checked || r.pair.dependent === true);
        r.tr.hidden = !show;
        n += show ? 1 : 0;
      });
      shown.textContent = n + ' of ' + rows.length + ' pairs shown';
    }
    filter.addEventListener('input', apply);
    dependentOnly.addEventListener('change', apply);
    apply();
    return function select(segment, pair) {
      rows.forEach(function (r) {
        r.tr.classList.toggle('selected', r.pair.segment === segment && r.pair.pair === pair);
      });
    };
  }

  function alerts(list) {
    var box = document.getElementById('alerts-body');
    if (!list.length) { none(box); return; }
    document.getElementById('alerts').classList.add('fired');
    box.appendChild(el('p', list.length + (list.length === 1 ? ' alert' : ' alerts') + ' fired in this run.'));
    box.appendChild(table(['rule', 'kind', 'segment', 'pair', 'column', 'value', 'threshold', 'message'].map(function (k) {
      return k === 'segment'
        ? { label: k, value: function (a) { return 'segment' in a ? segmentName(a.segment) : ''; } }
        : { label: k, value: field(k), num: k === 'value' || k === 'threshold' };
    }), list));
  }

  function drift(list) {
    var box = document.getElementById('drift-body');
    if (!list.length) { none(box); return; }
    box.appendChild(table([
      { label: 'segment', value: function (d) { return segmentName(d.segment); } },
      { label: 'pair', value: field('pair') },
      { label: 'baseline', value: field('baseline') },
      { label: 'baseline MI (nats)', num: true, value: field('baseline_mi_nats'), show: function (d) { return nats(d.baseline_mi_nats); } },
      { label: 'baseline 95% CI', num: true, value: field('baseline_low_nats'),
        show: function (d) { return ci(d.baseline_low_nats, d.baseline_high_nats); } },
      { label: 'MI (nats)', num: true, value: field('mi_nats'), show: function (d) { return nats(d.mi_nats); } },
      { label: '95% CI', num: true, value: field('ci95_low_nats'), show: function (d) { return ci(d.ci95_low_nats, d.ci95_high_nats); } },
      { label: 'change (nats)', num: true, value: function (d) {
        return isNum(d.mi_nats) && isNum(d.baseline_mi_nats) ? d.mi_nats - d.baseline_mi_nats : null;
      }, show: function (d) {
        var c = isNum(d.mi_nats) && isNum(d.baseline_mi_nats) ? d.mi_nats - d.baseline_mi_nats : null;
        return isNum(c) ? (c > 0 ? '+' : '') + nats(c) : '';
      } }
    ], list));
  }

  function header(data) {
    document.getElementById('run-date').textContent = text(data.run_date);
    var meta = document.getElementById('run-meta');
    Object.keys(data.run || {}).forEach(function (k) {
      var d = meta.appendChild(el('div'));
      d.appendChild(el('dt', k));
      d.appendChild(el('dd', text(data.run[k])));
    });
  }

  function main() {
    var data = JSON.parse(document.getElementById('mine-data').textContent);
    ['pairs', 'history', 'drift', 'alerts', 'units', 'segments'].forEach(function (k) { data[k] = data[k] || []; });
    data.run = data.run || {};
    console.info('mine report: ' + data.pairs.length + ' pairs, ' + data.history.length + ' history rows');
    header(data);
    alerts(data.alerts);
    drift(data.drift);
    var charts = MineCharts(data, segmentName, { nats: nats, rho: rho, ci: ci, text: text });
    var selectRow = pairsTable(data, function (segment, pair) {
      charts.pick(segment, pair);
      document.getElementById('history-panel').scrollIntoView({ block: 'nearest' });
    });
    charts.onPick(function (segment, pair) { selectRow(segment, pair); });
    charts.start();
  }

  document.addEventListener('DOMContentLoaded', function () {
    try {
      main();
    } catch (e) {
      noteError(e && e.stack ? e.stack : e);
      throw e;
    }
  });
  return { noteError: noteError };
}());
