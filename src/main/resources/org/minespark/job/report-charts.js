/* report.html charts (ECharts, inlined before this script): the dependency heatmap per segment and
 * the history of one pair over run dates. Sets data-heatmap / data-history = "drawn" on <body>
 * when a chart has finished rendering ("empty" when there is nothing to draw). */
function MineCharts(data, segmentName, fmt) {
  'use strict';
  var picked = function () {};
  var heatmap = null;
  var history = null;
  var units = data.units;
  var segments = data.segments.length ? data.segments : [null];
  var target = data.run.mode === 'target';
  var maxMi = 0;
  data.pairs.forEach(function (p) { if (typeof p.mi_nats === 'number' && p.mi_nats > maxMi) { maxMi = p.mi_nats; } });

  function esc(v) {
    return fmt.text(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function key(segment, pair) { return JSON.stringify([segment === undefined ? null : segment, pair]); }
  function ordered(names) { // units order first, then any name the units list lacks, as met
    var seen = {};
    names.forEach(function (n) { seen[n] = true; });
    var out = units.filter(function (u) { return seen[u]; });
    names.forEach(function (n) { if (out.indexOf(n) < 0) { out.push(n); } });
    return out;
  }
  function mark(name, value) { document.body.dataset[name] = value; }

  function matrix(segment) {
    var pairs = data.pairs.filter(function (p) { return (p.segment === undefined ? null : p.segment) === segment; });
    var xs = ordered(pairs.map(function (p) { return p.x; }).concat(target ? [] : pairs.map(function (p) { return p.y; })));
    var ys = target ? ordered(pairs.map(function (p) { return p.y; })) : xs;
    var cells = [], blanks = [];
    pairs.forEach(function (p) {
      var at = [[xs.indexOf(p.x), ys.indexOf(p.y)]];
      if (!target && p.x !== p.y) { at.push([xs.indexOf(p.y), ys.indexOf(p.x)]); }
      at.forEach(function (xy) {
        var has = typeof p.mi_nats === 'number';
        (has ? cells : blanks).push({ value: [xy[0], xy[1], has ? p.mi_nats : 0], pair: p });
      });
    });
    return { xs: xs, ys: ys, cells: cells, blanks: blanks };
  }

  function cellTip(params) {
    var p = params.data.pair;
    var lines = ['<b>' + esc(p.pair) + '</b>'];
    if (typeof p.mi_nats === 'number') {
      lines.push('MI ' + fmt.nats(p.mi_nats) + ' nats ' + fmt.ci(p.ci95_low_nats, p.ci95_high_nats));
      lines.push('\u03C1_I ' + fmt.rho(p.rho_i) + (p.dependent ? ' \u00B7 dependent' : ''));
    } else {
      lines.push('no estimate');
    }
    lines.push('status ' + esc(p.status) + (p.message ? ': ' + esc(p.message) : ''));
    return lines.join('<br>');
  }

  function drawHeatmap(segment) {
    var m = matrix(segment);
    var box = document.getElementById('heatmap');
    if (!m.cells.length && !m.blanks.length) {
      box.textContent = 'no pairs';
      mark('heatmap', 'empty');
      return;
    }
    box.style.height = Math.max(320, 34 * m.ys.length + 150) + 'px';
    if (!heatmap) {
      heatmap = echarts.init(box, null, { renderer: 'canvas' });
      heatmap.on('finished', function () { mark('heatmap', 'drawn'); });
      heatmap.on('click', function (e) { if (e.data && e.data.pair) { pick(e.data.pair.segment, e.data.pair.pair); } });
    } else {
      heatmap.resize();
    }
    var labels = m.xs.length <= 14;
    heatmap.setOption({
      animation: false,
      tooltip: { formatter: cellTip },
      grid: { left: 10, right: 20, top: 10, bottom: 70, containLabel: true },
      xAxis: { type: 'category', data: m.xs, name: target ? 'column' : '', splitArea: { show: true },
        axisLabel: { rotate: m.xs.length > 6 ? 40 : 0, interval: 0 } },
      yAxis: { type: 'category', data: m.ys, inverse: true, name: target ? 'target' : '', splitArea: { show: true },
        axisLabel: { interval: 0 } },
      visualMap: { seriesIndex: 0, min: 0, max: maxMi > 0 ? maxMi : 1, precision: 2, calculable: true, orient: 'horizontal',
        left: 'center', bottom: 0, text: ['MI (nats)', ''], inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
      series: [
        { name: 'MI (nats)', type: 'heatmap', data: m.cells,
          label: { show: labels, formatter: function (c) { return c.data.value[2].toFixed(2); } },
          emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } },
        { name: 'no estimate', type: 'heatmap', data: m.blanks, itemStyle: { color: '#d0d7de' },
          label: { show: labels, color: '#656d76', formatter: function (c) { return fmt.text(c.data.pair.status); } } }
      ]
    }, true);
  }

  function historyOf(segment, pair) {
    var k = key(segment, pair);
    var byDate = {};
    data.history.forEach(function (h) { if (key(h.segment, h.pair) === k) { byDate[h.run_date] = h; } });
    return Object.keys(byDate).sort().map(function (d) { return byDate[d]; });
  }

  function showHistory(segment, pair) {
    var k = key(segment, pair);
    var select = document.getElementById('history-pair');
    if (select.value !== k) { select.value = k; }
    var rows = historyOf(segment, pair);
    var box = document.getElementById('history');
    if (!rows.length) {
      if (history) { history.clear(); }
      mark('history', 'empty');
      return;
    }
    if (!history) {
      history = echarts.init(box, null, { renderer: 'canvas' });
      history.on('finished', function () { mark('history', 'drawn'); });
    }
    function num(v) { return typeof v === 'number' ? v : '-'; }
    var band = rows.map(function (h) {
      return typeof h.ci95_low_nats === 'number' && typeof h.ci95_high_nats === 'number';
    });
    history.setOption({
      animation: false,
      tooltip: { trigger: 'axis', formatter: function (items) {
        var h = rows[items[0].dataIndex];
        return '<b>' + esc(h.run_date) + '</b><br>MI ' + fmt.nats(h.mi_nats) + ' nats ' + fmt.ci(h.ci95_low_nats, h.ci95_high_nats)
          + '<br>\u03C1_I ' + fmt.rho(h.rho_i) + (h.dependent ? ' \u00B7 dependent' : '') + '<br>status ' + esc(h.status);
      } },
      legend: { data: ['MI (nats)', '95% CI'], bottom: 0 },
      grid: { left: 10, right: 45, top: 30, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: rows.map(function (h) { return h.run_date; }), boundaryGap: false },
      yAxis: { type: 'value', name: 'nats', scale: false },
      series: [
        { name: 'ci-low', type: 'line', stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, silent: true,
          data: rows.map(function (h, i) { return band[i] ? h.ci95_low_nats : '-'; }) },
        { name: '95% CI', type: 'line', stack: 'ci', symbol: 'none', lineStyle: { opacity: 0 }, silent: true,
          areaStyle: { color: 'rgba(84, 112, 198, 0.2)' }, itemStyle: { color: 'rgba(84, 112, 198, 0.3)' },
          data: rows.map(function (h, i) { return band[i] ? h.ci95_high_nats - h.ci95_low_nats : '-'; }) },
        { name: 'MI (nats)', type: 'line', symbolSize: 7, itemStyle: { color: '#5470c6' },
          data: rows.map(function (h) { return num(h.mi_nats); }) }
      ]
    }, true);
  }

  function historyChoices() {
    var select = document.getElementById('history-pair');
    var seen = {};
    data.pairs.concat(data.history).forEach(function (p) {
      var k = key(p.segment, p.pair);
      if (seen[k]) { return; }
      seen[k] = true;
      var o = document.createElement('option');
      o.value = k;
      o.textContent = (segments.length > 1 ? segmentName(p.segment) + ': ' : '') + fmt.text(p.pair);
      select.appendChild(o);
    });
    select.addEventListener('change', function () {
      var sp = JSON.parse(select.value);
      pick(sp[0], sp[1]);
    });
    return select.options.length ? JSON.parse(select.options[0].value) : null;
  }

  function pick(segment, pair) {
    showHistory(segment, pair);
    picked(segment, pair);
  }

  function start() {
    if (typeof echarts === 'undefined') {
      throw new Error('ECharts is missing from the page');
    }
    var choice = document.getElementById('segment');
    if (segments.length > 1) {
      document.getElementById('segment-choice').hidden = false;
      segments.forEach(function (s, i) {
        var o = document.createElement('option');
        o.value = String(i);
        o.textContent = segmentName(s);
        choice.appendChild(o);
      });
      choice.addEventListener('change', function () { drawHeatmap(segments[Number(choice.value)]); });
    }
    drawHeatmap(segments[0]);
    var first = historyChoices();
    if (first) {
      pick(first[0], first[1]);
    } else {
      document.getElementById('history').textContent = 'no history';
      mark('history', 'empty');
    }
    window.addEventListener('resize', function () {
      if (heatmap) { heatmap.resize(); }
      if (history) { history.resize(); }
    });
  }

  return {
    start: start,
    pick: pick,
    onPick: function (f) { picked = f; }
  };
}
