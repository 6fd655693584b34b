// The dashboard: polls the collector's API every 2 s and redraws. No framework: a few
// tables, three uPlot charts and one form.
"use strict";
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? "-").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const ago = (ms) => (ms == null ? "never" : Math.max(0, Math.round((Date.now() - ms) / 1000)) + "s ago");
let probes = [];
const plots = {};

async function api(path, init) {
  const r = await fetch(path, init);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function renderProbes() {
  $("#probes tbody").innerHTML = probes.map((p) => `<tr data-probe="${esc(p.id)}"><td>${esc(p.id)}</td><td><span class="state ${esc(p.state)}">${esc(p.state)}</span></td><td>${ago(p.lastSeen)}</td><td>${ago(p.lastMeasurement)}</td><td>${esc(p.queueDepth)}</td><td>${esc(p.dropped)}</td><td>${esc(p.rejected)}</td><td>${esc(p.reports)}</td></tr>`).join("");
  const sel = $("#f-probe");
  const current = sel.value;
  const ids = probes.map((p) => p.id);
  if (sel.dataset.ids !== ids.join(",")) {
    sel.innerHTML = ids.map((id) => `<option>${esc(id)}</option>`).join("");
    sel.dataset.ids = ids.join(",");
    if (ids.includes(current)) sel.value = current;
    renderCaps();
  }
}

function renderCaps() {
  const p = probes.find((x) => x.id === $("#f-probe").value);
  const caps = p ? p.capabilities : [];
  const sel = $("#f-cap");
  const current = sel.value;
  sel.innerHTML = caps.map((c) => `<option>${esc(c)}</option>`).join("");
  if (caps.includes(current)) sel.value = current;
}

/** Columns as uPlot wants them: x = shared sorted times (s), one y array per series. */
function align(seriesMap) {
  const times = [...new Set([].concat(...[...seriesMap.values()].map((m) => [...m.keys()])))].sort((a, b) => a - b);
  const names = [...seriesMap.keys()];
  const data = [times.map((t) => t / 1000)];
  for (const n of names) data.push(times.map((t) => (seriesMap.get(n).has(t) ? seriesMap.get(n).get(t) : null)));
  return { names, data, points: times.length };
}

const palette = ["#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#319795", "#d53f8c"];

function draw(id, title, seriesMap, units) {
  const el = document.getElementById(id);
  const { names, data, points } = align(seriesMap);
  el.dataset.points = String(points);
  const key = names.join("|");
  if (plots[id] && plots[id].key === key) {
    plots[id].plot.setData(data);
    return;
  }
  if (plots[id]) plots[id].plot.destroy();
  if (names.length === 0) {
    el.innerHTML = '<p class="muted">no data yet</p>';
    delete plots[id];
    return;
  }
  el.innerHTML = "";
  const opts = {
    title, width: Math.min(1060, window.innerWidth - 40), height: 240,
    // One point alone would stretch the time axis over years: show the minutes around it.
    scales: {
      x: {
        time: true,
        range: (u, min, max) => {
          const xs = u.data[0];
          const lo = xs.length ? xs[0] : min;
          const hi = xs.length ? xs[xs.length - 1] : max;
          return hi - lo < 60 ? [lo - 300, hi + 60] : [lo, hi];
        },
      },
    },
    series: [{}].concat(names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 2, points: { show: true, size: 6 }, spanGaps: true, scale: units(n) }))),
    axes: [{}, { scale: units(names[0]) }].concat(names.some((n) => units(n) !== units(names[0])) ? [{ side: 1, scale: units(names.find((n) => units(n) !== units(names[0]))), grid: { show: false } }] : []),
  };
  plots[id] = { key, plot: new uPlot(opts, data, el) };
}

function renderResults(rows) {
  const rtt = new Map();
  const ott = new Map();
  let trace = null;
  for (const r of rows) {
    const v = r.values;
    if (typeof v["delay.twoway.icmp.us.mean"] === "number") {
      const name = r.probe + " → " + (r.target || "?");
      if (!rtt.has(name)) rtt.set(name, new Map());
      rtt.get(name).set(r.time, v["delay.twoway.icmp.us.mean"] / 1000);
    }
    if ("ott.mos" in v || "bufferstalls" in v) {
      const put = (metric, value) => {
        if (typeof value !== "number") return;
        const name = r.probe + " " + metric;
        if (!ott.has(name)) ott.set(name, new Map());
        ott.get(name).set(r.time, value);
      };
      put("bitrate kbps", v["bandwidth.nominal.kbps"] ?? v["ott.bitrate.mean.kbps"]);
      put("stalls", v["bufferstalls"]);
      put("MOS", v["ott.mos"]);
    }
    if ("traceroute.hop" in v && (!trace || r.time > trace.time || (r.time === trace.time && r.seq > trace.seq))) trace = { time: r.time, seq: r.seq, probe: r.probe, target: r.target };
  }
  draw("rtt", "RTT (ms)", rtt, () => "ms");
  draw("ott", "OTT QoS", ott, (n) => (n.endsWith("kbps") ? "kbps" : "q"));
  if (trace) {
    const hops = rows.filter((r) => r.probe === trace.probe && r.seq === trace.seq).sort((a, b) => a.row - b.row);
    $("#trace-head").textContent = `${trace.probe} → ${trace.target || "?"} at ${new Date(trace.time).toISOString()}`;
    $("#trace tbody").innerHTML = hops.map((h) => {
      const v = h.values;
      const addr = v["intermediate.ip4"] ?? v["intermediate.ip6"] ?? "*";
      return `<tr><td>${esc(v["traceroute.hop"])}</td><td>${esc(addr)}</td><td>${v["rtt.us"] == null ? "*" : (v["rtt.us"] / 1000).toFixed(2)}</td><td>${esc(v["traceroute.flag"])}</td></tr>`;
    }).join("");
  }
}

async function renderSpecs() {
  const { specifications } = await api("/api/specifications?limit=10");
  $("#specs tbody").innerHTML = specifications.map((s) => `<tr><td>${esc(s.token.slice(0, 12))}</td><td>${esc(s.probe)}</td><td>${esc(s.label)}</td><td>${esc(s.when)}</td><td>${esc(s.state)}${s.message ? " — " + esc(s.message) : ""}</td><td>${esc(s.results)}</td></tr>`).join("");
}

async function refresh() {
  try {
    probes = (await api("/api/probes")).probes;
    renderProbes();
    const { results } = await api("/api/results?since=6h&order=asc&limit=5000");
    renderResults(results);
    await renderSpecs();
    $("#status").textContent = `${probes.length} probe(s), updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    $("#status").textContent = "error: " + e.message;
  }
}

$("#f-probe").addEventListener("change", renderCaps);
$("#spec").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const parameters = {};
  for (const line of $("#f-params").value.split(/[\n,]+/)) {
    const i = line.indexOf("=");
    if (i > 0) parameters[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  const body = { probe: $("#f-probe").value, capability: $("#f-cap").value, parameters };
  if ($("#f-when").value.trim() !== "") body.when = $("#f-when").value.trim();
  try {
    const s = await api("/api/specifications", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    $("#f-out").textContent = `sent ${s.token.slice(0, 12)} (${s.state})`;
    $("#f-out").dataset.token = s.token;
  } catch (e) {
    $("#f-out").textContent = "refused: " + e.message;
  }
  refresh();
});

refresh();
setInterval(refresh, 2000);
