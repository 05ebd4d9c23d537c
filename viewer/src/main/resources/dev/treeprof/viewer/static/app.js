// treeprof view: the requests list, profile (icicle/flame + pstats table + callers/callees),
// merge and diff pages. Every name shown comes from profiled code or request paths, so text is
// only ever set with textContent / canvas fillText, never parsed as markup.
'use strict';

(function () {
  const app = document.getElementById('app');
  const nav = document.getElementById('nav');
  const statusEl = document.getElementById('status');
  const tooltip = document.getElementById('tooltip');
  const ROW_H = 18;
  // when things happened, in ms since the page's navigation (performance.now()): benchmarks read them
  const timings = {};
  const MAX_CANVAS_H = 16000;

  // ---------------------------------------------------------------- helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function fmtNs(ns) {
    const a = Math.abs(ns);
    if (a >= 1e9) return (ns / 1e9).toFixed(a >= 1e10 ? 1 : 2) + ' s';
    if (a >= 1e6) return (ns / 1e6).toFixed(a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2) + ' ms';
    if (a >= 1e3) return (ns / 1e3).toFixed(a >= 1e5 ? 0 : 1) + ' µs';
    return Math.round(ns) + ' ns';
  }
  function fmtSec(s) { return isFinite(s) ? s.toFixed(3) : '-'; }
  function fmtPct(x) { return isFinite(x) ? (x * 100).toFixed(x < 0.1 ? 2 : 1) + '%' : '-'; }
  function fmtSigned(ns) { return (ns > 0 ? '+' : ns < 0 ? '−' : '±') + fmtNs(Math.abs(ns)); }
  function fmtCalls(total, prim) { return total === prim ? String(total) : total + '/' + prim; }
  function fmtStart(ms) { return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : ''; }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function params() {
    const h = location.hash || '#/';
    const q = h.indexOf('?');
    return { page: q < 0 ? h.slice(1) : h.slice(1, q), p: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
  }
  function hashOf(page, p) { const s = p.toString(); return '#' + page + (s ? '?' + s : ''); }
  // replaces the URL without a navigation: view state (zoom, search, sort) is shareable but not history
  function replaceState(page, p) { history.replaceState(null, '', hashOf(page, p)); }

  function setStatus(text) { statusEl.textContent = text || ''; }

  async function getJson(url) {
    const r = await fetch(url, { credentials: 'same-origin' });
    const type = r.headers.get('Content-Type') || '';
    if (!r.ok) {
      let msg = r.status + ' ' + r.statusText;
      if (type.startsWith('application/json')) { try { msg = (await r.json()).error || msg; } catch (e) { /* keep status */ } }
      else { try { msg = (await r.text()).trim() || msg; } catch (e) { /* keep status */ } }
      throw new Error(msg);
    }
    return r.json();
  }

  function idsQuery(ids) { return ids.map(id => 'f=' + encodeURIComponent(id)).join('&'); }

  function showError(where, err) {
    clear(where);
    where.appendChild(el('p', { class: 'error', role: 'alert', text: String(err && err.message || err) }));
  }

  // runs f after the browser has painted what is on screen now: work a click does not need to show
  // at once (the callers panel, the table's highlight) waits for the redraw to be seen
  function afterPaint(f) { requestAnimationFrame(() => setTimeout(f, 0)); }

  // a virtual table's row height as app.css makes it: line-height 18px, padding 2px twice, a 1px border
  const VROW_PX = 23;

  // A table that puts in the page only the rows scrolled into view and a screenful either side: a
  // table of 100,000 rows would cost seconds of layout, a window of them a few milliseconds. Rows
  // have one height (cells do not wrap), so the scroll position tells which rows are in view; the
  // table sits in a sizer as tall as every row would be, so the scroll bar is the whole table's.
  // wrap is the scrolling element; rowAt(k) makes the k-th row.
  function VirtualTable(wrap, attrs, head, count, rowAt) {
    const body = el('tbody');
    const table = el('table', attrs, el('thead', null, head), body);
    table.classList.add('virtual');
    const sizer = el('div', { class: 'vsizer' }, table);
    // a table made again (new data, another sort) keeps the scroll position of the one it replaces
    const old = wrap.vtable, keep = old ? wrap.scrollTop : 0;
    clear(wrap);
    wrap.appendChild(sizer);
    // sizes measured once the page is laid out; until then app.css's row height and an estimate of
    // the view, so that making the table forces no layout before the first paint
    const v = { count, table, first: 0, last: 0, rowH: old ? old.rowH : VROW_PX, headH: old ? old.headH : VROW_PX + 2,
      viewH: old ? old.viewH : Math.min(window.innerHeight, 2000) };
    function place() {
      table.style.top = (v.first * v.rowH) + 'px';
      sizer.style.height = (v.headH + count * v.rowH) + 'px';
    }
    place();
    if (keep) wrap.scrollTop = keep;
    // draws the rows around the scroll position; force redraws them even if they are in place
    // scrollTop: where the view is, when known without asking the page (which would lay it out)
    v.render = function (force, scrollTop) {
      const top = Math.max(0, (scrollTop === undefined ? wrap.scrollTop : scrollTop) - v.headH);
      const need0 = Math.floor(top / v.rowH), need1 = Math.min(count, Math.ceil((top + v.viewH) / v.rowH));
      if (!force && need0 >= v.first && need1 <= v.last) return;
      const margin = Math.ceil(v.viewH / v.rowH);
      v.first = Math.max(0, need0 - margin);
      v.last = Math.min(count, need1 + margin);
      clear(body);
      for (let k = v.first; k < v.last; k++) body.appendChild(rowAt(k));
      place();
    };
    v.measure = function () {
      if (wrap.vtable !== v) return;
      const r = body.rows[0];
      const rowH = r ? r.getBoundingClientRect().height : v.rowH;
      const headH = table.tHead.getBoundingClientRect().height;
      const viewH = Math.max(wrap.clientHeight, Math.min(window.innerHeight, 2000));
      if (rowH && (rowH !== v.rowH || headH !== v.headH || viewH !== v.viewH)) {
        v.rowH = rowH; v.headH = headH; v.viewH = viewH;
        // the rows made stay if they still cover the view: only their place changes
        place();
        v.render(false);
      }
    };
    // scrolls row k into view if it is not (as scrollIntoView's 'nearest')
    v.reveal = function (k) {
      if (k < 0 || k >= count) return;
      const y = v.headH + k * v.rowH;
      if (y - v.headH < wrap.scrollTop) wrap.scrollTop = y - v.headH;
      else if (y + v.rowH > wrap.scrollTop + wrap.clientHeight) wrap.scrollTop = y + v.rowH - wrap.clientHeight;
      v.render(false);
    };
    wrap.vtable = v;
    if (!wrap.vtableListening) {
      wrap.vtableListening = true;
      let queued = false;
      wrap.addEventListener('scroll', () => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => { queued = false; if (wrap.vtable) wrap.vtable.render(false); });
      });
    }
    v.render(true, keep);
    afterPaint(v.measure);
    return v;
  }

  // ---------------------------------------------------------------- profile model

  // Pre-order arrays with subtree sizes; computes parent and depth, and a root total that covers
  // its children (the synthetic root records no time of its own).
  function makeTree(name, fn, calls, total, own, size) {
    const n = fn.length;
    const t = {
      name, n, fn: Int32Array.from(fn), calls: Float64Array.from(calls), total: Float64Array.from(total),
      own: Float64Array.from(own), size: Int32Array.from(size), parent: new Int32Array(n), depth: new Int32Array(n), maxDepth: 0,
      height: new Int32Array(n), next: new Float64Array(n)
    };
    const stack = [];
    for (let i = 0; i < n; i++) {
      while (stack.length && i >= stack[stack.length - 1] + t.size[stack[stack.length - 1]]) stack.pop();
      t.parent[i] = stack.length ? stack[stack.length - 1] : -1;
      t.depth[i] = stack.length;
      if (stack.length > t.maxDepth) t.maxDepth = stack.length;
      stack.push(i);
    }
    // how many levels each subtree spans below its node, so a zoom knows the canvas height at once
    for (let i = n - 1; i > 0; i--) { const p = t.parent[i]; if (t.height[i] + 1 > t.height[p]) t.height[p] = t.height[i] + 1; }
    if (n > 0) {
      let sum = 0;
      for (let c = 1; c < n; c += t.size[c]) sum += t.total[c];
      if (t.total[0] < sum) t.total[0] = sum;
    }
    return t;
  }

  function children(t, i) {
    const out = [];
    const end = i + t.size[i];
    for (let c = i + 1; c < end; c += t.size[c]) out.push(c);
    return out;
  }

  // Sums trees path by path under one root (children in first-seen order), as CallTree.merged does.
  // keyOf maps a tree's function index to a shared key; returns the merged tree and its keys.
  function mergeTrees(trees, keyOf, name) {
    const kids = [new Map()];
    const key = [0];
    const calls = [0], total = [0], own = [0];
    const order = [[]];
    trees.forEach((t, ti) => {
      const map = new Int32Array(t.n);
      map[0] = 0;
      for (let i = 1; i < t.n; i++) {
        const p = map[t.parent[i]];
        const k = keyOf(ti, t.fn[i]);
        let m = kids[p].get(k);
        if (m === undefined) {
          m = key.length;
          key.push(k); calls.push(0); total.push(0); own.push(0); kids.push(new Map()); order.push([]);
          kids[p].set(k, m);
          order[p].push(m);
        }
        calls[m] += t.calls[i]; total[m] += t.total[i]; own[m] += t.own[i];
        map[i] = m;
      }
      total[0] += t.total[0];
    });
    // flatten to pre-order
    const fn = [], c = [], tt = [], o = [], size = [];
    const stack = [[0, 0]];
    const pos = new Int32Array(key.length);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top[1] === 0) {
        const m = top[0];
        pos[m] = fn.length;
        fn.push(key[m]); c.push(calls[m]); tt.push(total[m]); o.push(own[m]); size.push(1);
      }
      const ch = order[top[0]];
      if (top[1] < ch.length) { stack.push([ch[top[1]], 0]); top[1]++; } else {
        stack.pop();
        size[pos[top[0]]] = fn.length - pos[top[0]];
      }
    }
    return makeTree(name, fn, c, tt, o, size);
  }

  function prepareProfile(p) {
    p.fnKey = p.functions.map(f => f[0] + '\u0000' + f[1] + '\u0000' + f[2]);
    p.label = p.functions.map(f => f[3]);
    p.rowObjs = p.rows.map((r, i) => ({
      i, fn: r[0], file: p.functions[r[0]][0], line: p.functions[r[0]][1], name: p.functions[r[0]][2],
      label: p.functions[r[0]][3], nc: r[1], cc: r[2], tt: r[3], ct: r[4], callers: null
    }));
    p.rowByFn = new Map(p.rowObjs.map(r => [r.fn, r]));
    p.trees = p.threads.map(t => makeTree(t.name, t.function, t.calls, t.total, t.own, t.size));
    p.merged = p.trees.length === 1 ? p.trees[0] : mergeTrees(p.trees, (ti, f) => f, 'all threads');
    let maxTt = 0;
    for (const r of p.rowObjs) if (r.tt > maxTt) maxTt = r.tt;
    p.heat = new Float64Array(p.functions.length);
    for (const r of p.rowObjs) p.heat[r.fn] = maxTt > 0 ? r.tt / maxTt : 0;
    return p;
  }

  // what each function called: the callers' pairs seen from the other side, indexed once
  function calleesOf(p, fn) {
    if (!p.callees && p.rowObjs.every(r => r.callers)) {
      p.callees = new Map();
      for (const r of p.rowObjs) {
        for (const [c, nc, cc, tt, ct] of r.callers) {
          if (!p.callees.has(c)) p.callees.set(c, []);
          p.callees.get(c).push([r.fn, nc, cc, tt, ct]);
        }
      }
    }
    return (p.callees && p.callees.get(fn)) || [];
  }

  // The rows' callers, the profile's second part: nearly half of a large profile's JSON, needed
  // only once a function is selected, so fetched after the first paint (or at the first selection).
  // Resolves true once every row has its callers.
  function loadCallers(p) {
    if (!p.callersLoaded) {
      p.callersLoaded = getJson('api/profile?' + idsQuery(p.ids) + '&part=callers').then(c => {
        if (!c.callers || c.callers.length !== p.rowObjs.length) throw new Error('the profile changed on the server: reload the page');
        p.rowObjs.forEach((r, i) => { r.callers = c.callers[i]; });
        p.callees = null;
        return true;
      });
      p.callersLoaded.catch(() => { p.callersLoaded = null; });
    }
    return p.callersLoaded;
  }

  const cache = new Map();
  function loadProfile(ids) {
    const key = ids.join('\n');
    if (!cache.has(key)) {
      const pr = getJson('api/profile?' + idsQuery(ids)).then(p => {
        timings.fetchedMs = performance.now();
        const prepared = prepareProfile(p);
        prepared.ids = ids.slice();
        timings.preparedMs = performance.now();
        return prepared;
      });
      pr.catch(() => cache.delete(key));
      cache.set(key, pr);
      if (cache.size > 8) cache.delete(cache.keys().next().value);
    }
    return cache.get(key);
  }

  // ---------------------------------------------------------------- pstats sorting and restrictions

  // pstats' sort keys: the field compared and its direction (numbers descending, names ascending)
  const SORT_KEYS = {
    calls: [['nc', -1]], ncalls: [['nc', -1]], cumulative: [['ct', -1]], cumtime: [['ct', -1]],
    time: [['tt', -1]], tottime: [['tt', -1]], pcalls: [['cc', -1]], filename: [['file', 1]], module: [['file', 1]],
    line: [['line', 1]], name: [['name', 1]], nfl: [['name', 1], ['file', 1], ['line', 1]], stdname: [['label', 1]]
  };
  const SORT_NAMES = ['calls', 'cumulative', 'time', 'pcalls', 'filename', 'line', 'name', 'nfl', 'stdname'];

  function resolveSortKey(k) {
    if (SORT_KEYS[k]) return k;
    const hits = Object.keys(SORT_KEYS).filter(n => n.startsWith(k));
    const fields = new Set(hits.map(h => JSON.stringify(SORT_KEYS[h])));
    return hits.length && fields.size === 1 ? hits[0] : null;
  }

  function sortRows(rows, keys) {
    const spec = [];
    for (const k of keys) { const r = resolveSortKey(k); if (r) spec.push(...SORT_KEYS[r]); }
    const out = rows.slice();
    if (!spec.length) return out;
    out.sort((a, b) => {
      for (const [f, dir] of spec) { const c = cmp(a[f], b[f]); if (c) return c * dir; }
      return a.i - b.i; // stable: the stats' own order, as pstats sorts
    });
    return out;
  }

  // print_stats' restrictions, left to right: a regex searched in the label, an integer N (first
  // N rows), a fraction in [0, 1) (that share of the rows, rounded)
  function restrictRows(rows, text) {
    let list = rows;
    const notes = [];
    for (const tok of (text || '').trim().split(/\s+/).filter(Boolean)) {
      if (/^[+-]?\d+$/.test(tok)) {
        const n = parseInt(tok, 10);
        if (n >= 0 && n < list.length) list = list.slice(0, n);
      } else if (/^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/.test(tok)) {
        const f = parseFloat(tok);
        if (f >= 0 && f < 1) list = list.slice(0, Math.floor(list.length * f + 0.5));
      } else {
        let re;
        try { re = new RegExp(tok); } catch (e) { notes.push('bad regex ' + tok); continue; }
        list = list.filter(r => re.test(r.label));
      }
    }
    return { rows: list, notes };
  }

  // ---------------------------------------------------------------- the canvas graph

  // Draws a tree as an icicle (root on top) or a flame (root at the bottom) from a zoom node,
  // skipping subtrees narrower than a third of a pixel, and keeps what it drew for hit tests and
  // for treeprof.frames().
  function Graph(container, hooks) {
    const canvas = el('canvas', { role: 'img', 'aria-label': 'call tree', tabindex: '0' });
    container.appendChild(canvas);
    const g = { canvas, tree: null, zoom: 0, flame: false, color: null, label: null, frames: null, hover: -1, hooks };
    const ctx = canvas.getContext('2d');

    g.draw = function () {
      const started = performance.now();
      try { drawTree(); } finally { timings.lastDrawMs = performance.now() - started; }
    };
    function drawTree() {
      const t = g.tree;
      if (!t || !t.n) { canvas.width = 0; canvas.height = 0; return; }
      const dpr = window.devicePixelRatio || 1;
      const W = Math.max(200, container.clientWidth);
      const z = g.zoom;
      const end = z + t.size[z];
      const d0 = t.depth[z];
      const rowsN = Math.min(t.height[z] + 1, Math.floor(MAX_CANVAS_H / ROW_H));
      const H = rowsN * ROW_H;
      canvas.style.height = H + 'px';
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, H);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      const scale = t.total[z] > 0 ? W / t.total[z] : 0;
      // next[p]: where p's next child starts; written for a node before any child reads it, so reused
      const next = t.next;
      const fi = [], fx = [], fy = [], fw = [];
      for (let i = z; i < end;) {
        let x;
        if (i === z) x = 0; else { const p = t.parent[i]; x = next[p]; next[p] += t.total[i] * scale; }
        const w = t.total[i] * scale;
        const d = t.depth[i] - d0;
        if (w < 0.34 || d >= rowsN) { i += t.size[i]; continue; }
        next[i] = x;
        const y = g.flame ? H - (d + 1) * ROW_H : d * ROW_H;
        ctx.fillStyle = g.color(i);
        ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW_H - 1);
        if (w > 28) {
          const label = g.label(i);
          const max = Math.floor((w - 6) / 6.2);
          ctx.fillStyle = '#1d1f21';
          ctx.fillText(label.length > max ? label.slice(0, Math.max(max - 1, 1)) + '…' : label, x + 3, y + ROW_H / 2);
        }
        fi.push(i); fx.push(x); fy.push(y); fw.push(w);
        i++;
      }
      g.frames = { i: fi, x: fx, y: fy, w: fw, W, H };
      canvas.setAttribute('aria-label', 'call tree, ' + fi.length + ' frames drawn');
      if (timings.firstPaintMs === undefined) requestAnimationFrame(() => { if (timings.firstPaintMs === undefined) timings.firstPaintMs = performance.now(); });
    }

    g.hit = function (ev) {
      const f = g.frames;
      if (!f) return -1;
      const r = canvas.getBoundingClientRect();
      const x = ev.clientX - r.left, y = ev.clientY - r.top;
      for (let k = f.i.length - 1; k >= 0; k--) {
        if (y >= f.y[k] && y < f.y[k] + ROW_H && x >= f.x[k] && x < f.x[k] + f.w[k]) return f.i[k];
      }
      return -1;
    };

    canvas.addEventListener('mousemove', ev => {
      const i = g.hit(ev);
      if (i < 0) { tooltip.hidden = true; return; }
      tooltip.textContent = hooks.tip(i);
      tooltip.hidden = false;
      const tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
      let left = ev.clientX + 14, top = ev.clientY + 14;
      if (left + tw > window.innerWidth - 4) left = Math.max(4, ev.clientX - tw - 14);
      if (top + th > window.innerHeight - 4) top = Math.max(4, ev.clientY - th - 14);
      tooltip.style.left = left + 'px';
      tooltip.style.top = top + 'px';
    });
    canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });
    canvas.addEventListener('click', ev => { const i = g.hit(ev); if (i >= 0) hooks.click(i); });
    return g;
  }

  function heatColor(h) {
    // snakeviz's warning colours: pale yellow for cool functions, through orange to red
    const hue = 50 - 50 * Math.sqrt(h);
    const light = 82 - 30 * Math.sqrt(h);
    return 'hsl(' + hue.toFixed(0) + ',85%,' + light.toFixed(0) + '%)';
  }

  function pathOf(t, i) {
    const p = [];
    for (let n = i; n > 0; n = t.parent[n]) p.push(n);
    return p.reverse();
  }

  // the node at a zoom path (function keys from the root), or the deepest node found on the way
  function nodeAt(t, keys, keyOf) {
    let i = 0;
    for (const k of keys) {
      const c = children(t, i).find(ch => keyOf(t.fn[ch]) === k);
      if (c === undefined) break;
      i = c;
    }
    return i;
  }

  function crumbs(container, t, zoom, labelOf, onPick) {
    clear(container);
    const path = [0].concat(pathOf(t, zoom));
    path.forEach((n, k) => {
      if (k) container.appendChild(el('span', { class: 'sep', text: '›' }));
      const text = n === 0 ? (t.name || 'all') : labelOf(n);
      container.appendChild(el('button', { type: 'button', title: text, 'aria-current': n === zoom ? 'true' : null, onclick: () => onPick(n) }, text));
    });
  }

  // ---------------------------------------------------------------- list page

  // selected maps a key (an entry id, or a route's key in the grouped view) to its profile ids
  const listState = { data: null, version: 0, timer: null, selected: new Map() };

  // the route the application named (request.route), else the path with id-like segments folded
  function routeOf(e) {
    if (e.route) return (e.method || '') + ' ' + e.route;
    if (!e.path) return null;
    const path = e.path.split('?')[0].split('/').map(s =>
      /^\d+$/.test(s) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) || /^[0-9a-f]{16,}$/i.test(s) ? '{id}' : s).join('/');
    return (e.method || '') + ' ' + path;
  }

  function percentile(sorted, q) {
    if (!sorted.length) return 0;
    const rank = Math.max(1, Math.ceil(q * sorted.length));
    return sorted[rank - 1];
  }

  async function pageList(p) {
    clear(app);
    nav.textContent = 'Requests';
    const controls = el('div', { class: 'controls' });
    const fPath = el('input', { type: 'search', id: 'filter-path', placeholder: 'path regex', value: p.get('q') || '', 'aria-label': 'filter by path regex' });
    const fMethod = el('select', { id: 'filter-method', 'aria-label': 'method' }, el('option', { value: '' }, 'any method'));
    const fStatus = el('input', { type: 'text', id: 'filter-status', placeholder: 'status e.g. 5 or 404', value: p.get('status') || '', size: 10, 'aria-label': 'status' });
    const fMin = el('input', { type: 'text', id: 'filter-min', placeholder: 'min ms', value: p.get('min') || '', size: 6, 'aria-label': 'minimum duration in ms' });
    const fGroup = el('input', { type: 'checkbox', id: 'group-route', checked: p.get('group') === '1' });
    const mergeBtn = el('button', { type: 'button', id: 'merge-selected', disabled: true }, 'Merge selected');
    const diffBtn = el('button', { type: 'button', id: 'diff-selected', disabled: true }, 'Diff selected (A, B)');
    controls.append(fPath, fMethod, fStatus, fMin, el('label', null, fGroup, 'group by route'), mergeBtn, diffBtn);
    const summary = el('div', { class: 'muted', id: 'list-summary' });
    const hist = el('div', { class: 'histogram', id: 'histogram', 'aria-label': 'duration histogram' });
    const axis = el('div', { class: 'histogram-axis' });
    const tableWrap = el('div', { id: 'list', class: 'listwrap' });
    app.append(el('h2', { text: 'Profiles' }), controls, summary, hist, axis, tableWrap);

    const state = { sort: p.get('sort') || 'start', dir: p.get('dir') === 'asc' ? 1 : (p.get('dir') === 'desc' ? -1 : (p.get('sort') ? 1 : -1)) };

    function saveUrl() {
      const q = new URLSearchParams();
      if (fPath.value) q.set('q', fPath.value);
      if (fMethod.value) q.set('method', fMethod.value);
      if (fStatus.value) q.set('status', fStatus.value);
      if (fMin.value) q.set('min', fMin.value);
      if (fGroup.checked) q.set('group', '1');
      if (state.sort !== 'start' || state.dir !== -1) { q.set('sort', state.sort); q.set('dir', state.dir > 0 ? 'asc' : 'desc'); }
      replaceState('/', q);
    }

    function filtered() {
      const entries = listState.data ? listState.data.entries : [];
      let re = null;
      fPath.classList.remove('bad');
      if (fPath.value) { try { re = new RegExp(fPath.value); } catch (e) { fPath.classList.add('bad'); } }
      const min = parseFloat(fMin.value);
      return entries.filter(e => {
        if (re && !re.test(e.path || e.name)) return false;
        if (fMethod.value && e.method !== fMethod.value) return false;
        if (fStatus.value && !String(e.status || '').startsWith(fStatus.value.trim())) return false;
        if (isFinite(min) && !(e.durationNanos / 1e6 >= min)) return false;
        return true;
      });
    }

    const COLS = [
      ['method', 'method', e => e.method || ''], ['path', 'path', e => e.path || ''], ['status', 'status', e => e.status || 0],
      ['start', 'start', e => e.startMillis || e.modifiedMillis], ['duration', 'duration', e => e.durationNanos || 0],
      ['threads', 'threads', e => e.threads || 0], ['calls', 'calls', e => e.calls || 0], ['top', 'top own time', e => e.top || ''],
      ['file', 'file', e => e.name]
    ];

    const TEXT_COLS = new Set(['method', 'path', 'top', 'file']);

    function updateButtons() {
      const n = listState.selected.size;
      mergeBtn.disabled = n < 2;
      mergeBtn.textContent = 'Merge selected' + (n ? ' (' + n + ')' : '');
      diffBtn.disabled = n !== 2;
    }
    mergeBtn.addEventListener('click', () => {
      const q = new URLSearchParams();
      for (const ids of listState.selected.values()) ids.forEach(id => q.append('f', id));
      location.hash = hashOf('/profile', q);
    });
    diffBtn.addEventListener('click', () => {
      const sides = [...listState.selected.values()];
      const q = new URLSearchParams();
      sides[0].forEach(id => q.append('a', id));
      sides[1].forEach(id => q.append('b', id));
      location.hash = hashOf('/diff', q);
    });

    function render() {
      const data = listState.data;
      if (!data) return;
      const methods = [...new Set(data.entries.map(e => e.method).filter(Boolean))].sort();
      const cur = fMethod.value || p.get('method') || '';
      if (fMethod.options.length - 1 !== methods.length) {
        while (fMethod.options.length > 1) fMethod.remove(1);
        for (const m of methods) fMethod.appendChild(el('option', { value: m }, m));
      }
      fMethod.value = methods.includes(cur) ? cur : '';
      const rows = filtered();
      const failed = rows.filter(e => e.error).length, pending = rows.filter(e => e.pending).length;
      summary.textContent = rows.length + ' of ' + data.entries.length + ' profiles' + (failed ? ', ' + failed + ' failed to load' : '') +
        (pending ? ', ' + pending + ' loading…' : '') + (data.complete ? '' : ' (indexing)');
      histogram(rows.filter(e => !e.error && !e.pending));
      const known = new Set(data.entries.map(e => e.id));
      for (const [k, ids] of [...listState.selected]) if (!ids.every(id => known.has(id))) listState.selected.delete(k);
      if (fGroup.checked) { tableWrap.vtable = null; clear(tableWrap); tableWrap.appendChild(groupTable(rows)); } else entryTable(rows);
      updateButtons();
    }

    function histogram(rows) {
      clear(hist); clear(axis);
      if (!rows.length) return;
      const d = rows.map(e => e.durationNanos);
      const lo = Math.min(...d), hi = Math.max(...d);
      const bins = new Array(24).fill(0);
      for (const v of d) bins[hi > lo ? Math.min(23, Math.floor((v - lo) / (hi - lo) * 24)) : 0]++;
      const top = Math.max(...bins);
      bins.forEach((b, k) => {
        const bar = el('div', { title: b + ' profiles, ' + fmtNs(lo + (hi - lo) * k / 24) + ' – ' + fmtNs(lo + (hi - lo) * (k + 1) / 24) });
        bar.style.height = (b ? Math.max(2, b / top * 100) : 0) + '%';
        hist.appendChild(bar);
      });
      axis.append(el('span', { text: fmtNs(lo) }), el('span', { text: 'duration' }), el('span', { text: fmtNs(hi) }));
    }

    function entryTable(rows) {
      const col = COLS.find(c => c[0] === state.sort) || COLS[3];
      // failed files stay last whatever the direction: they have no numbers to sort by
      rows = rows.slice().sort((a, b) => cmp(!!a.error, !!b.error) || cmp(col[2](a), col[2](b)) * state.dir || cmp(a.name, b.name));
      const head = el('tr', null, el('th', { class: 'name' }, ''));
      for (const c of COLS) {
        head.appendChild(el('th', {
          class: (c[0] === 'path' || c[0] === 'top' || c[0] === 'file' ? 'name ' : '') + (c[0] === state.sort ? 'sorted' + (state.dir > 0 ? ' asc' : '') : ''),
          'data-col': c[0], onclick: () => { if (state.sort === c[0]) state.dir = -state.dir; else { state.sort = c[0]; state.dir = TEXT_COLS.has(c[0]) ? 1 : -1; } saveUrl(); render(); }
        }, c[1]));
      }
      // 10,000 files as 10,000 rows cost seconds of layout on every update: only the rows in view are made
      return VirtualTable(tableWrap, { class: 'grid', id: 'entries' }, head, rows.length, k => {
        const e = rows[k];
        const link = el('a', { href: hashOf('/profile', new URLSearchParams([['f', e.id]])) }, e.path || e.name);
        const box = el('input', { type: 'checkbox', 'aria-label': 'select ' + e.name, checked: listState.selected.has(e.id), disabled: !!e.error,
          onchange: ev => { if (ev.target.checked) listState.selected.set(e.id, [e.id]); else listState.selected.delete(e.id); updateButtons(); } });
        if (e.error) {
          return el('tr', { class: 'failed', 'data-id': e.id }, el('td', { class: 'name' }, box), el('td', null, ''),
            el('td', { class: 'name error', colspan: 7, text: 'cannot load: ' + e.error }), el('td', { class: 'name', text: e.name }));
        }
        return el('tr', { 'data-id': e.id },
          el('td', { class: 'name' }, box), el('td', { text: e.method || '' }), el('td', { class: 'name' }, link),
          el('td', { text: e.status ? String(e.status) : '' }), el('td', { text: fmtStart(e.startMillis || e.modifiedMillis) }),
          el('td', { text: e.pending ? 'loading…' : fmtNs(e.durationNanos) }), el('td', { text: e.pending ? '' : String(e.threads) }),
          el('td', { text: e.pending ? '' : String(e.calls) }), el('td', { class: 'name', text: e.top || '', title: e.top || null }),
          el('td', { class: 'name', text: e.name, title: e.name }));
      });
    }

    function groupTable(rows) {
      const groups = new Map();
      for (const e of rows) {
        if (e.error || e.pending) continue;
        const r = routeOf(e) || e.name.replace(/[^/]*$/, '*');
        if (!groups.has(r)) groups.set(r, []);
        groups.get(r).push(e);
      }
      const list = [...groups.entries()].map(([route, es]) => {
        const d = es.map(e => e.durationNanos).sort((a, b) => a - b);
        return { route, es, count: es.length, p50: percentile(d, 0.5), p95: percentile(d, 0.95), max: d[d.length - 1], total: d.reduce((a, b) => a + b, 0) };
      });
      const keys = { route: 'route', count: 'count', p50: 'p50', p95: 'p95', max: 'max', total: 'total' };
      const k = keys[state.sort] || 'total';
      list.sort((a, b) => cmp(a[k], b[k]) * (keys[state.sort] ? state.dir : -1) || cmp(a.route, b.route));
      const head = el('tr', null, el('th', { class: 'name' }, ''));
      for (const c of ['route', 'count', 'p50', 'p95', 'max', 'total']) {
        head.appendChild(el('th', { class: (c === 'route' ? 'name ' : '') + (k === c ? 'sorted' + (state.dir > 0 ? ' asc' : '') : ''), 'data-col': c,
          onclick: () => { if (state.sort === c) state.dir = -state.dir; else { state.sort = c; state.dir = c === 'route' ? 1 : -1; } saveUrl(); render(); } }, c));
      }
      head.appendChild(el('th', null, ''));
      const body = el('tbody');
      for (const gr of list) {
        const ids = gr.es.map(e => e.id);
        const key = 'route ' + gr.route;
        const q = new URLSearchParams(); ids.forEach(id => q.append('f', id));
        const box = el('input', { type: 'checkbox', 'aria-label': 'select ' + gr.route, checked: listState.selected.has(key),
          onchange: ev => { if (ev.target.checked) listState.selected.set(key, ids); else listState.selected.delete(key); updateButtons(); } });
        body.appendChild(el('tr', { 'data-route': gr.route }, el('td', { class: 'name' }, box), el('td', { class: 'name', text: gr.route }),
          el('td', { text: String(gr.count) }), el('td', { text: fmtNs(gr.p50) }), el('td', { text: fmtNs(gr.p95) }), el('td', { text: fmtNs(gr.max) }),
          el('td', { text: fmtNs(gr.total) }), el('td', null, el('a', { href: hashOf('/profile', q), class: 'merge-link' }, 'merge ' + gr.count))));
      }
      return el('table', { class: 'grid', id: 'groups' }, el('thead', null, head), body);
    }

    for (const inp of [fPath, fStatus, fMin]) inp.addEventListener('input', () => { saveUrl(); render(); });
    fMethod.addEventListener('change', () => { saveUrl(); render(); });
    fGroup.addEventListener('change', () => { listState.selected.clear(); state.sort = fGroup.checked ? 'total' : 'start'; state.dir = -1; saveUrl(); render(); });

    async function poll(first) {
      try {
        const d = await getJson('api/list' + (listState.data ? '?since=' + listState.data.version : ''));
        if (!d.unchanged) { listState.data = d; render(); } else if (first) render();
        if (timings.listedMs === undefined && d.entries) timings.listedMs = performance.now();
        if (timings.summarizedMs === undefined && d.complete) timings.summarizedMs = performance.now();
        setStatus('');
      } catch (e) {
        setStatus('server unreachable: ' + e.message);
      }
      if (params().page === '/' || params().page === '') {
        listState.timer = setTimeout(poll, listState.data && !listState.data.complete ? 500 : 2000);
      }
    }
    if (listState.timer) clearTimeout(listState.timer);
    await poll(true);
  }

  // ---------------------------------------------------------------- profile page

  let current = null; // the profile page's state, for keyboard shortcuts and treeprof.frames()

  async function pageProfile(p) {
    const ids = p.getAll('f');
    clear(app);
    nav.textContent = ids.length > 1 ? 'Merged profile' : 'Profile';
    if (!ids.length) { showError(app, 'no profile named'); return; }
    setStatus('loading…');
    let prof;
    try { prof = await loadProfile(ids); } catch (e) { setStatus(''); showError(app, e); return; }
    setStatus('');
    if (params().page !== '/profile') return;

    const S = {
      page: '/profile', p, prof, thread: p.get('thread') || 'all', flame: p.get('view') === 'flame',
      search: p.get('search') || '', sort: (p.get('sort') || 'cumulative').split(',').filter(Boolean), restrict: p.get('restrict') || '',
      sel: -1, tree: null, graph: null, match: null
    };
    current = S;
    const meta = prof.metadata || {};
    const title = meta['request.method'] ? meta['request.method'] + ' ' + (meta['request.path'] || '') : prof.sources.join(', ');
    app.appendChild(el('h2', { id: 'profile-title', text: (ids.length > 1 ? 'Merge of ' + ids.length + ': ' : '') + title }));
    const m = el('div', { class: 'meta' });
    const add = (k, v) => { if (v !== undefined && v !== null && v !== '') m.appendChild(el('span', null, k + ' ', el('b', { text: String(v) }))); };
    add('status', meta['request.status']);
    add('duration', meta['request.elapsedNanos'] ? fmtNs(+meta['request.elapsedNanos']) : (prof.durationNanos ? fmtNs(prof.durationNanos) : ''));
    add('start', fmtStart(+meta['request.startEpochMillis'] || prof.startMillis));
    add('calls', prof.totalCalls === prof.primitiveCalls ? prof.totalCalls : prof.totalCalls + ' (' + prof.primitiveCalls + ' primitive)');
    add('in', prof.totalTime.toFixed(3) + ' s');
    add('threads', prof.exact ? prof.trees.length : 'unknown (flat file)');
    add('files', prof.sources.length > 3 ? prof.sources.length : prof.sources.join(', '));
    app.appendChild(m);
    if (!prof.exact) {
      app.appendChild(el('p', { class: 'notice', id: 'estimate-notice', text: 'This is a flat .prof file: it holds per-function totals and caller pairs, not call paths. ' +
        'The tree below is rebuilt from the caller pairs, as snakeviz does, so its per-path times are estimates. ' +
        'treeprof\'s .json dumps record the exact per-thread trees.' }));
    }
    const q = idsQuery(ids);
    app.appendChild(el('div', { class: 'downloads' }, 'Download: ',
      el('a', { href: 'api/download?' + q + '&format=prof', download: '' }, '.prof'),
      prof.exact ? el('a', { href: 'api/download?' + q + '&format=speedscope', download: '' }, '.speedscope.json') : null,
      prof.exact ? el('a', { href: 'api/download?' + q + '&format=folded', download: '' }, '.folded') : null,
      el('a', { href: 'api/download?' + q + '&format=json', download: '' }, '.json')));

    const controls = el('div', { class: 'controls' });
    const threadSel = el('select', { id: 'thread', 'aria-label': 'thread' });
    if (prof.trees.length > 1) threadSel.appendChild(el('option', { value: 'all' }, 'all threads merged'));
    prof.trees.forEach((t, k) => threadSel.appendChild(el('option', { value: String(k) }, t.name)));
    const viewBtn = el('button', { type: 'button', id: 'toggle-view' });
    const search = el('input', { type: 'search', id: 'search', placeholder: 'search regex ( / )', value: S.search, 'aria-label': 'search functions by regex' });
    const searchInfo = el('span', { id: 'search-info', class: 'muted' });
    controls.append(el('label', null, 'thread ', threadSel), viewBtn, search, searchInfo,
      el('span', { class: 'legend', text: 'colour: own time (red = most), Esc resets zoom' }));
    const crumbBox = el('div', { class: 'crumbs', id: 'breadcrumb' });
    const graphBox = el('div', { class: 'graph', id: 'graph' });
    const side = el('div', { class: 'side' });
    app.append(controls, el('div', { class: 'layout' }, el('div', null, crumbBox, graphBox), side));

    // table
    const tControls = el('div', { class: 'controls' });
    const sortSel = el('select', { id: 'sort-key', 'aria-label': 'sort key' });
    for (const k of SORT_NAMES) sortSel.appendChild(el('option', { value: k }, k));
    const restrict = el('input', { type: 'text', id: 'restrict', placeholder: 'restrict: regex, N, 0.1', value: S.restrict, 'aria-label': 'restrictions as in print_stats' });
    const orderInfo = el('span', { class: 'muted', id: 'order-info' });
    tControls.append(el('label', null, 'sort ', sortSel), restrict, orderInfo);
    const tableWrap = el('div', { class: 'tablewrap' });
    const panel = el('div', { class: 'panel', id: 'callers-panel' });
    side.append(tControls, tableWrap, panel);

    const g = Graph(graphBox, {
      tip: i => tipFor(S, i),
      click: i => { S.zoom = i; S.sel = S.tree.fn[i]; redraw(); selectFn(S.sel, true); }
    });
    S.graph = g;

    function treeFor() {
      if (S.thread === 'all' || !prof.trees[+S.thread]) return prof.merged;
      return prof.trees[+S.thread];
    }
    function zoomKeys() { return pathOf(S.tree, S.zoom).map(n => prof.fnKey[S.tree.fn[n]]); }

    function syncUrl() {
      const q = new URLSearchParams();
      ids.forEach(id => q.append('f', id));
      if (S.thread !== 'all' && prof.trees.length > 1) q.set('thread', S.thread);
      if (S.flame) q.set('view', 'flame');
      if (S.zoom > 0) q.set('zoom', pathOf(S.tree, S.zoom).map(n => S.tree.fn[n]).join('.'));
      if (S.search) q.set('search', S.search);
      if (S.sort.join(',') !== 'cumulative') q.set('sort', S.sort.join(','));
      if (S.restrict) q.set('restrict', S.restrict);
      if (S.sel >= 0) q.set('sel', String(S.sel));
      replaceState('/profile', q);
    }

    function colorOf(f) {
      if (S.match && !S.match[f]) return '#eceef1';
      if (S.sel >= 0) return f === S.sel ? '#6d8df7' : (S.match ? '#f5a3c7' : '#e8eaee');
      if (S.match) return '#f06292';
      return heatColor(prof.heat[f]);
    }
    // one colour string per function, made once per search or selection, not once per frame
    let colors = null, colorsKey = null;
    g.color = i => {
      if (i === 0) return '#d6dbe1';
      const key = S.sel + '\n' + S.search;
      if (colorsKey !== key) { colors = prof.label.map((l, f) => colorOf(f)); colorsKey = key; }
      return colors[S.tree.fn[i]];
    };
    g.label = i => i === 0 ? S.tree.name : prof.label[S.tree.fn[i]];

    function redraw() {
      g.tree = S.tree; g.zoom = S.zoom; g.flame = S.flame;
      viewBtn.textContent = S.flame ? 'Flame (bottom-up) · switch to icicle' : 'Icicle (top-down) · switch to flame';
      g.draw();
      crumbs(crumbBox, S.tree, S.zoom, n => prof.label[S.tree.fn[n]], n => { S.zoom = n; redraw(); });
      syncUrl();
    }

    function applySearch() {
      S.match = null;
      search.classList.remove('bad');
      searchInfo.textContent = '';
      if (S.search) {
        let re;
        try { re = new RegExp(S.search, 'i'); } catch (e) { search.classList.add('bad'); searchInfo.textContent = 'bad regex'; return; }
        S.match = new Uint8Array(prof.functions.length);
        let fns = 0;
        prof.label.forEach((l, k) => { if (k > 0 && re.test(l)) { S.match[k] = 1; fns++; } });
        // share of the whole: matching nodes not inside another match, so nested calls count once
        const t = S.tree;
        let sum = 0;
        for (let i = 1; i < t.n;) { if (S.match[t.fn[i]]) { sum += t.total[i]; i += t.size[i]; } else i++; }
        searchInfo.textContent = fns + ' functions match, ' + fmtPct(t.total[0] > 0 ? sum / t.total[0] : 0) + ' of total (' + fmtNs(sum) + ')';
      }
    }

    function renderTable() {
      sortSel.value = resolveSortKey(S.sort[0] || '') || '';
      const sorted = sortRows(prof.rowObjs, S.sort);
      const r = restrictRows(sorted, S.restrict);
      restrict.classList.toggle('bad', r.notes.length > 0);
      orderInfo.textContent = 'Ordered by: ' + S.sort.join(', ') + ' · ' + r.rows.length + ' of ' + sorted.length + ' rows' + (r.notes.length ? ' · ' + r.notes.join(', ') : '');
      const cols = [['ncalls', 'calls'], ['tottime', 'time'], ['percall', null], ['cumtime', 'cumulative'], ['percall', null], ['filename:lineno(function)', 'stdname']];
      const head = el('tr');
      for (const [name, key] of cols) {
        head.appendChild(el('th', { class: (key === 'stdname' ? 'name ' : '') + (key && resolveSortKey(S.sort[0] || '') === key ? 'sorted' + (key === 'stdname' ? ' asc' : '') : ''),
          title: key ? 'sort by ' + key : '', onclick: key ? () => { S.sort = [key]; renderTable(); syncUrl(); } : null }, name));
      }
      // a long table costs more to lay out than the whole graph to draw: only the rows in view are made
      S.tableRows = r.rows;
      S.table = VirtualTable(tableWrap, { class: 'grid', id: 'stats-table' }, head, r.rows.length, k => {
        const row = r.rows[k];
        return el('tr', { class: row.fn === S.sel ? 'sel' : '', 'data-fn': row.fn, onclick: () => selectFn(row.fn === S.sel ? -1 : row.fn, false) },
          el('td', { text: fmtCalls(row.nc, row.cc) }), el('td', { text: fmtSec(row.tt) }), el('td', { text: fmtSec(row.nc ? row.tt / row.nc : NaN) }),
          el('td', { text: fmtSec(row.ct) }), el('td', { text: fmtSec(row.cc ? row.ct / row.cc : NaN) }), el('td', { class: 'name', text: row.label, title: row.label }));
      });
    }

    function renderPanel() {
      clear(panel);
      const row = prof.rowByFn.get(S.sel);
      if (!row) { panel.appendChild(el('p', { class: 'muted', text: 'Select a row or click a frame to see its callers and callees.' })); return; }
      if (!row.callers) {
        // the callers are still on their way: the panel is made once they are in
        const sel = S.sel;
        panel.appendChild(el('p', { class: 'muted', id: 'callers-loading', text: 'Loading the callers of ' + row.label + '…' }));
        loadCallers(prof).then(() => { if (current === S && S.sel === sel) renderPanel(); },
          e => { if (current === S && S.sel === sel) { clear(panel); panel.appendChild(el('p', { class: 'error', text: String(e.message || e) })); } });
        return;
      }
      panel.appendChild(el('h3', { id: 'sel-name', text: row.label }));
      panel.appendChild(el('div', { class: 'meta', id: 'sel-stats' }, 'ncalls ', el('b', { text: fmtCalls(row.nc, row.cc) }),
        ' tottime ', el('b', { text: fmtSec(row.tt) }), ' cumtime ', el('b', { text: fmtSec(row.ct) })));
      const pairs = (title, list, id) => {
        const body = el('tbody');
        for (const [f, nc, cc, tt, ct] of list) {
          body.appendChild(el('tr', { 'data-fn': f, onclick: () => selectFn(f, false) }, el('td', { text: fmtCalls(nc, cc) }), el('td', { text: fmtSec(tt / 1e9) }),
            el('td', { text: fmtSec(ct / 1e9) }), el('td', { class: 'name', text: prof.label[f] })));
        }
        if (!list.length) body.appendChild(el('tr', null, el('td', { class: 'name muted', colspan: 4, text: 'none' })));
        panel.appendChild(el('h3', { text: title }));
        panel.appendChild(el('table', { class: 'grid', id }, el('thead', null, el('tr', null, el('th', null, 'ncalls'), el('th', null, 'tottime'),
          el('th', null, 'cumtime'), el('th', { class: 'name' }, 'function'))), body));
      };
      pairs('Called by (callers)', row.callers, 'callers');
      pairs('Calls (callees)', calleesOf(prof, row.fn), 'callees');
      // where it sits in the tree: how many paths and their time
      const t = S.tree;
      let paths = 0, time = 0;
      for (let i = 1; i < t.n;) { if (t.fn[i] === S.sel) { paths++; time += t.total[i]; i += t.size[i]; } else i++; }
      panel.appendChild(el('p', { class: 'muted', id: 'sel-paths', text: 'In the graph: ' + paths + ' outermost call paths, ' + fmtNs(time) + ' (' + fmtPct(t.total[0] ? time / t.total[0] : 0) + ' of total)' }));
    }

    // the table's highlight and the callers panel for S.sel; scroll brings its row into view
    function showSelection(scroll) {
      if (scroll) S.table.reveal(S.tableRows.findIndex(row => row.fn === S.sel));
      S.table.render(true);
      renderPanel();
    }

    // a row picked in the table redraws the graph in its colours; a frame clicked has redrawn the
    // graph already, and the table and panel follow once that redraw is on screen
    function selectFn(fn, fromGraph) {
      S.sel = fn;
      if (!fromGraph) { showSelection(false); redraw(); return; }
      afterPaint(() => { if (S.sel === fn && current === S) showSelection(true); });
    }

    S.resetZoom = () => { S.zoom = 0; redraw(); };
    S.focusSearch = () => search.focus();

    threadSel.value = prof.trees.length > 1 ? S.thread : '0';
    S.thread = threadSel.value;
    S.tree = treeFor();
    const z = p.get('zoom');
    S.zoom = z ? nodeAt(S.tree, z.split('.').map(k => prof.fnKey[+k]), f => prof.fnKey[f]) : 0;
    const sel = parseInt(p.get('sel'), 10);
    S.sel = prof.rowByFn.has(sel) ? sel : -1;

    threadSel.addEventListener('change', () => {
      const keys = zoomKeys();
      S.thread = threadSel.value; S.tree = treeFor();
      S.zoom = nodeAt(S.tree, keys, f => prof.fnKey[f]);
      applySearch(); redraw(); renderPanel();
    });
    viewBtn.addEventListener('click', () => { S.flame = !S.flame; redraw(); });
    search.addEventListener('input', () => { S.search = search.value; applySearch(); redraw(); });
    sortSel.addEventListener('change', () => { S.sort = [sortSel.value]; renderTable(); syncUrl(); });
    restrict.addEventListener('input', () => { S.restrict = restrict.value; renderTable(); syncUrl(); });

    applySearch();
    renderTable();
    renderPanel();
    timings.tableMs = performance.now();
    redraw();
    S.onResize = () => { redraw(); S.table.measure(); };
    // the callers, and the callees index (every caller pair turned around), are only needed once
    // a function is selected: fetched and made after the first paint, so it does not wait for them
    afterPaint(() => loadCallers(prof).then(() => calleesOf(prof, -1), () => { /* shown when a row is selected */ }));
  }

  function tipFor(S, i) {
    const prof = S.prof, t = S.tree;
    if (i === 0) return t.name + '\ntotal ' + fmtNs(t.total[0]);
    const f = t.fn[i];
    const row = prof.rowByFn.get(f);
    const parent = t.parent[i];
    const lines = [prof.label[f]];
    lines.push('calls on this path: ' + Math.round(t.calls[i]) + (row ? '   function ncalls: ' + fmtCalls(row.nc, row.cc) : ''));
    lines.push('total ' + fmtNs(t.total[i]) + '   own ' + fmtNs(t.own[i]));
    lines.push(fmtPct(parent >= 0 && t.total[parent] ? t.total[i] / t.total[parent] : 1) + ' of parent   ' +
      fmtPct(t.total[0] ? t.total[i] / t.total[0] : 0) + ' of profile');
    if (row) lines.push('function: tottime ' + fmtSec(row.tt) + ' s, cumtime ' + fmtSec(row.ct) + ' s');
    if (!prof.exact) lines.push('(estimated from caller pairs)');
    return lines.join('\n');
  }

  // ---------------------------------------------------------------- diff page

  async function pageDiff(p) {
    const aIds = p.getAll('a');
    const bIds = p.getAll('b');
    clear(app);
    nav.textContent = 'Diff';
    if (!aIds.length || !bIds.length) { showError(app, 'a diff needs two sides: #/diff?a=ID&b=ID'); return; }
    setStatus('loading…');
    let A, B;
    try { [A, B] = await Promise.all([loadProfile(aIds), loadProfile(bIds)]); } catch (e) { setStatus(''); showError(app, e); return; }
    setStatus('');
    if (params().page !== '/diff') return;
    const S = { page: '/diff', flame: false, zoom: 0, sort: p.get('sort') || 'down', dir: -1 };
    current = S;
    const name = (prof, ids) => ids.length > 1 ? ids.length + ' merged' : (prof.metadata['request.method'] ? prof.metadata['request.method'] + ' ' + prof.metadata['request.path'] : prof.sources[0]);
    const swap = el('button', { type: 'button', id: 'swap', onclick: () => { const q = new URLSearchParams(); bIds.forEach(id => q.append('a', id)); aIds.forEach(id => q.append('b', id)); location.hash = hashOf('/diff', q); } }, 'swap A and B');
    app.append(el('h2', { id: 'diff-title' }, 'A: ', el('span', { text: name(A, aIds) }), ' → B: ', el('span', { text: name(B, bIds) })));
    const dt = (B.totalTime - A.totalTime) * 1e9;
    app.append(el('div', { class: 'meta' }, 'A ', el('b', { text: fmtSec(A.totalTime) + ' s' }), ' B ', el('b', { text: fmtSec(B.totalTime) + ' s' }),
      ' Δ ', el('b', { id: 'diff-total', text: fmtSigned(dt) }), ' calls A ', el('b', { text: String(A.totalCalls) }), ' B ', el('b', { text: String(B.totalCalls) }), swap));
    if (!A.exact || !B.exact) app.append(el('p', { class: 'notice', text: 'A flat .prof file is involved: its tree is estimated from caller pairs, so compare the function table; the tree diff is an estimate.' }));

    // per function: keyed by (file, line, name)
    const funcs = new Map();
    const addSide = (prof, side) => {
      for (const r of prof.rowObjs) {
        const k = prof.fnKey[r.fn];
        if (!funcs.has(k)) funcs.set(k, { label: r.label, a: null, b: null });
        funcs.get(k)[side] = r;
      }
    };
    addSide(A, 'a'); addSide(B, 'b');
    const rows = [...funcs.values()].map(f => ({
      label: f.label, a: f.a, b: f.b,
      down: ((f.b ? f.b.tt : 0) - (f.a ? f.a.tt : 0)) * 1e9, dcum: ((f.b ? f.b.ct : 0) - (f.a ? f.a.ct : 0)) * 1e9,
      dcalls: (f.b ? f.b.nc : 0) - (f.a ? f.a.nc : 0)
    }));

    // union tree by call path, coloured by Δ total
    const keyIndex = new Map(); const keys = [];
    const keyOf = (prof, fn) => { const k = prof.fnKey[fn]; let i = keyIndex.get(k); if (i === undefined) { i = keys.length; keys.push(k); keyIndex.set(k, i); } return i; };
    keyOf(A, 0);
    const labels = [];
    const ta = mergeTrees([A.merged], (ti, f) => keyOf(A, f), 'A');
    const tb = mergeTrees([B.merged], (ti, f) => keyOf(B, f), 'B');
    [A, B].forEach(pr => pr.fnKey.forEach((k, f) => { labels[keyIndex.get(k)] = pr.label[f]; }));
    const u = unionTree(ta, tb);

    const graphBox = el('div', { class: 'graph', id: 'graph' });
    const crumbBox = el('div', { class: 'crumbs', id: 'breadcrumb' });
    app.append(el('div', { class: 'legend', text: 'Width: the larger of A and B; red: slower in B, green: faster in B; pale blue: only in A, darker red: only in B.' }), crumbBox, graphBox);
    const g = Graph(graphBox, {
      tip: i => {
        if (i === 0) return 'all: A ' + fmtNs(u.a[0]) + ', B ' + fmtNs(u.b[0]);
        return labels[u.fn[i]] + '\nA: total ' + fmtNs(u.a[i]) + ', own ' + fmtNs(u.ao[i]) + ', calls ' + u.ac[i] +
          '\nB: total ' + fmtNs(u.b[i]) + ', own ' + fmtNs(u.bo[i]) + ', calls ' + u.bc[i] +
          '\nΔ total ' + fmtSigned(u.b[i] - u.a[i]) + ', Δ own ' + fmtSigned(u.bo[i] - u.ao[i]) + ', Δ calls ' + (u.bc[i] - u.ac[i]) +
          (u.inA[i] && !u.inB[i] ? '\nonly in A' : !u.inA[i] && u.inB[i] ? '\nonly in B' : '');
      },
      click: i => { S.zoom = i; draw(); }
    });
    g.label = i => i === 0 ? 'all' : labels[u.fn[i]];
    S.graph = g;
    g.color = i => {
      if (i === 0) return '#d6dbe1';
      if (u.inA[i] && !u.inB[i]) return '#9cc3f0';
      if (!u.inA[i] && u.inB[i]) return '#e06666';
      const d = u.b[i] - u.a[i];
      const rel = Math.max(-1, Math.min(1, d / Math.max(u.a[i], u.b[i], 1)));
      if (Math.abs(rel) < 0.02) return '#e3e5e8';
      return rel > 0 ? 'hsl(0,75%,' + (88 - 40 * rel).toFixed(0) + '%)' : 'hsl(130,45%,' + (88 + 40 * rel).toFixed(0) + '%)';
    };
    function draw() {
      g.tree = u; g.zoom = S.zoom; g.draw();
      crumbs(crumbBox, u, S.zoom, n => labels[u.fn[n]], n => { S.zoom = n; draw(); });
    }
    S.resetZoom = () => { S.zoom = 0; draw(); };
    S.onResize = draw;
    draw();

    const tableWrap = el('div', { class: 'tablewrap' });
    app.append(el('h2', { text: 'Functions' }), tableWrap);
    const cols = [['label', 'function', 1], ['ownA', 'own A', -1], ['ownB', 'own B', -1], ['down', 'Δ own', -1], ['cumA', 'cum A', -1], ['cumB', 'cum B', -1],
      ['dcum', 'Δ cum', -1], ['callsA', 'calls A', -1], ['callsB', 'calls B', -1], ['dcalls', 'Δ calls', -1]];
    const val = (r, k) => ({
      label: r.label, ownA: r.a ? r.a.tt : 0, ownB: r.b ? r.b.tt : 0, down: r.down, cumA: r.a ? r.a.ct : 0, cumB: r.b ? r.b.ct : 0,
      dcum: r.dcum, callsA: r.a ? r.a.nc : 0, callsB: r.b ? r.b.nc : 0, dcalls: r.dcalls
    })[k];
    function renderTable() {
      const col = cols.find(c => c[0] === S.sort) || cols[3];
      const delta = col[0] === 'down' || col[0] === 'dcum' || col[0] === 'dcalls';
      const sorted = rows.slice().sort((x, y) => (delta ? cmp(Math.abs(val(x, col[0])), Math.abs(val(y, col[0]))) * -1 : cmp(val(x, col[0]), val(y, col[0])) * col[2]) || cmp(x.label, y.label));
      const head = el('tr');
      for (const c of cols) head.appendChild(el('th', { class: (c[0] === 'label' ? 'name ' : '') + (c === col ? 'sorted' : ''), onclick: () => { S.sort = c[0]; renderTable(); const q = params().p; q.set('sort', c[0]); replaceState('/diff', q); } }, c[1]));
      const body = el('tbody');
      const signed = (v, fmt) => el('td', { class: v > 0 ? 'pos' : v < 0 ? 'neg' : '', text: fmt(v) });
      for (const r of sorted) {
        body.appendChild(el('tr', { class: !r.a ? 'only-b' : !r.b ? 'only-a' : '', 'data-label': r.label },
          el('td', { class: 'name', text: r.label }), el('td', { text: r.a ? fmtSec(r.a.tt) : '' }), el('td', { text: r.b ? fmtSec(r.b.tt) : '' }),
          signed(r.down, fmtSigned), el('td', { text: r.a ? fmtSec(r.a.ct) : '' }), el('td', { text: r.b ? fmtSec(r.b.ct) : '' }), signed(r.dcum, fmtSigned),
          el('td', { text: r.a ? fmtCalls(r.a.nc, r.a.cc) : '' }), el('td', { text: r.b ? fmtCalls(r.b.nc, r.b.cc) : '' }),
          signed(r.dcalls, v => (v > 0 ? '+' : '') + v)));
      }
      clear(tableWrap);
      tableWrap.appendChild(el('table', { class: 'grid', id: 'diff-table' }, el('thead', null, head), body));
    }
    renderTable();
  }

  // Two trees over shared keys as one: each node has A's and B's numbers (0 where absent) and a
  // size of max(A, B); children are laid out within their parent by that size.
  function unionTree(ta, tb) {
    const fn = [0], a = [ta.total[0]], b = [tb.total[0]], ao = [0], bo = [0], ac = [0], bc = [0], inA = [1], inB = [1], kids = [new Map()], order = [[]];
    const addTree = (t, side) => {
      const map = new Int32Array(t.n);
      for (let i = 1; i < t.n; i++) {
        const p = map[t.parent[i]];
        let m = kids[p].get(t.fn[i]);
        if (m === undefined) {
          m = fn.length;
          fn.push(t.fn[i]); a.push(0); b.push(0); ao.push(0); bo.push(0); ac.push(0); bc.push(0); inA.push(0); inB.push(0); kids.push(new Map()); order.push([]);
          kids[p].set(t.fn[i], m); order[p].push(m);
        }
        if (side === 'a') { a[m] += t.total[i]; ao[m] += t.own[i]; ac[m] += t.calls[i]; inA[m] = 1; } else { b[m] += t.total[i]; bo[m] += t.own[i]; bc[m] += t.calls[i]; inB[m] = 1; }
        map[i] = m;
      }
    };
    addTree(ta, 'a'); addTree(tb, 'b');
    // pre-order; width = max(A, B), children scaled down when their sum exceeds the parent
    const width = new Float64Array(fn.length);
    for (let m = 0; m < fn.length; m++) width[m] = Math.max(a[m], b[m]);
    const out = { fn: [], total: [], a: [], b: [], ao: [], bo: [], ac: [], bc: [], inA: [], inB: [], size: [] };
    const stack = [[0, 0, 1]];
    const pos = new Int32Array(fn.length);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const m = top[0];
      if (top[1] === 0) {
        pos[m] = out.fn.length;
        out.fn.push(fn[m]); out.total.push(width[m] * top[2]); out.a.push(a[m]); out.b.push(b[m]); out.ao.push(ao[m]); out.bo.push(bo[m]);
        out.ac.push(ac[m]); out.bc.push(bc[m]); out.inA.push(inA[m]); out.inB.push(inB[m]); out.size.push(1);
        let sum = 0;
        for (const c of order[m]) sum += width[c];
        top[3] = sum > width[m] && sum > 0 ? top[2] * width[m] / sum : top[2];
      }
      const ch = order[m];
      if (top[1] < ch.length) { stack.push([ch[top[1]], 0, top[3]]); top[1]++; } else { stack.pop(); out.size[pos[m]] = out.fn.length - pos[m]; }
    }
    const t = makeTree('A ∪ B', out.fn, out.ac, out.total, out.ao, out.size);
    Object.assign(t, { a: out.a, b: out.b, ao: out.ao, bo: out.bo, ac: out.ac, bc: out.bc, inA: out.inA, inB: out.inB });
    t.total[0] = width[0];
    return t;
  }

  // ---------------------------------------------------------------- routing and keys

  async function route() {
    tooltip.hidden = true;
    current = null;
    const { page, p } = params();
    try {
      if (page === '/profile') await pageProfile(p);
      else if (page === '/diff') await pageDiff(p);
      else await pageList(p);
    } catch (e) {
      showError(app, e);
    }
  }

  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => { if (current && current.onResize) current.onResize(); });
  document.addEventListener('keydown', ev => {
    const inField = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLTextAreaElement;
    if (ev.key === '/' && !inField) {
      const s = document.getElementById('search') || document.getElementById('filter-path');
      if (s) { ev.preventDefault(); s.focus(); s.select(); }
    } else if (ev.key === 'Escape') {
      if (inField) ev.target.blur();
      if (current && current.resetZoom) current.resetZoom();
    }
  });

  // what the graph drew, for accessibility tools and tests: one entry per frame on the canvas
  window.treeprof = {
    timings,
    frames() {
      const gg = current && current.graph;
      if (!gg || !gg.frames) return [];
      const f = gg.frames;
      return f.i.map((i, k) => ({ node: i, label: gg.label(i), x: f.x[k], y: f.y[k], width: f.w[k], height: ROW_H - 1 }));
    }
  };

  route();
})();
