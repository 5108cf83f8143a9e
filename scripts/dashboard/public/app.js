// The dashboard page: listens to /api/stream (SSE) for the range shown and draws what it pushes with Chart.js.
// Text from the chain (miner names) is set with textContent or drawn on a canvas, never parsed as HTML.
/* global Chart, EventSource */
import { $, fillTable, fmtBtc, fmtEur, fmtMonth, fmtTime, intFmt, setText } from "./fmt.js";

const state = { range: "24h", unit: "btc", data: null, source: null };
const charts = {};
const fmtUnit = (v) => (state.unit === "btc" ? fmtBtc(v) : fmtEur(v));

function chart(id, type, horizontal = false) {
  if (charts[id]) return charts[id];
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false } },
    scales: {},
    elements: { point: { radius: 0 } },
  };
  if (horizontal) options.indexAxis = "y";
  if (id === "chart-price")
    options.scales.x = { type: "linear", ticks: { maxTicksLimit: 6, callback: (v) => fmtTime(v).slice(5, 16) } };
  const color = id === "chart-price" ? "#f7931a" : "#3867d6";
  const dataset = { data: [], borderColor: color, backgroundColor: color, borderWidth: type === "line" ? 2 : 0 };
  charts[id] = new Chart($(id), { type, data: { labels: [], datasets: [dataset] }, options });
  return charts[id];
}

function plot(id, type, labels, values, horizontal) {
  const c = chart(id, type, horizontal);
  c.data.labels = labels;
  c.data.datasets[0].data = values;
  c.update("none");
}

function renderMiners(period, m) {
  const key = `miners-${period}`;
  setText(
    `${key}-start`,
    m.start === null ? "(none yet)" : `(${period === "day" ? fmtTime(m.start, false) : fmtMonth(m.start)})`,
  );
  const value = (r) => (state.unit === "btc" ? r.reward_btc : r.reward_eur);
  fillTable(
    key,
    m.miners.map((r, i) => [String(i + 1), r.miner, intFmt.format(r.blocks), fmtUnit(value(r))]),
  );
  plot(
    `chart-${key}`,
    "bar",
    m.miners.map((r) => r.miner.slice(0, 40)),
    m.miners.map(value),
    true,
  );
}

function render() {
  const d = state.data;
  if (!d) return;
  const label = $("origin-label");
  label.hidden = !d.label;
  setText("origin-label", d.label ?? "");
  for (const el of document.querySelectorAll(".unit-name")) el.textContent = state.unit.toUpperCase();
  const p = d.price.latest;
  setText("price-latest", p ? fmtEur(p.eur) : "no price yet");
  setText("price-time", p ? `${fmtTime(p.t)}${p.source ? ` · ${p.source}` : ""}` : "");
  // The time axis spans the range shown (a single observation would otherwise get a meaningless axis), and the
  // points are drawn while they are few enough to see.
  const price = chart("chart-price", "line");
  const spanMs = { "24h": 864e5, "7d": 6048e5, "30d": 2592e6 }[state.range];
  const end = p ? Math.max(p.t, Date.now()) : Date.now();
  Object.assign(price.options.scales.x, { min: end - spanMs, max: end });
  price.options.elements.point.radius = d.price.points.length < 60 ? 3 : 0;
  plot(
    "chart-price",
    "line",
    [],
    d.price.points.map((q) => ({ x: q.t, y: q.eur })),
  );
  const last = d.hours[d.hours.length - 1];
  const u = state.unit;
  setText("volume-latest", last ? fmtUnit(last[`volume_${u}`]) : "no transaction yet");
  setText("volume-hour", last ? `${fmtTime(last.t)} · ${intFmt.format(last.tx)} transactions` : "");
  setText("max-latest", last ? fmtUnit(last[`max_${u}`]) : "no transaction yet");
  setText("tx-count", last && last.pending > 0 ? `${intFmt.format(last.pending)} waiting for a price` : "");
  const hourLabels = d.hours.map((h) => fmtTime(h.t).slice(5, 16));
  plot(
    "chart-volume",
    "bar",
    hourLabels,
    d.hours.map((h) => h[`volume_${u}`]),
  );
  plot(
    "chart-max",
    "bar",
    hourLabels,
    d.hours.map((h) => h[`max_${u}`]),
  );
  fillTable(
    "hours",
    [...d.hours]
      .reverse()
      .map((h) => [fmtTime(h.t), intFmt.format(h.tx), fmtUnit(h[`volume_${u}`]), fmtUnit(h[`max_${u}`])]),
  );
  renderMiners("day", d.miners.day[u]);
  renderMiners("month", d.miners.month[u]);
  setText("updated", `updated ${new Date().toISOString().slice(11, 19)} UTC`);
}

function renderHealth(h) {
  const es = h.es.ok
    ? `Elasticsearch: ${h.es.status}, ${h.es.nodes} nodes`
    : `Elasticsearch: DOWN (${h.es.error ?? h.es.status})`;
  setText("health-es", es);
  $("health-es").className = h.es.ok && h.es.status === "green" ? "" : "bad";
  const k = h.kafka;
  setText(
    "health-kafka",
    k.ok
      ? `Kafka: ${k.brokers}/${k.expected} brokers, controller ${k.controller}`
      : `Kafka: DOWN (${k.error ?? `${k.brokers}/${k.expected} brokers`})`,
  );
  $("health-kafka").className = k.ok ? "" : "bad";
  setText("health-dlq", `Dead letters: ${h.deadLetters === null ? "unknown" : intFmt.format(h.deadLetters)}`);
  fillTable(
    "health-bolts",
    h.bolts.map((b) => [b.bolt, intFmt.format(b.lag), b.rate === null ? "–" : b.rate.toFixed(1)]),
  );
}

function outage(text) {
  const el = $("outage");
  el.hidden = !text;
  setText("outage", text ?? "");
}

function connect() {
  if (state.source) state.source.close();
  const es = new EventSource(`/api/stream?range=${encodeURIComponent(state.range)}`);
  state.source = es;
  es.addEventListener("data", (e) => {
    state.data = JSON.parse(e.data);
    render();
  });
  es.addEventListener("health", (e) => renderHealth(JSON.parse(e.data)));
  es.addEventListener("status", (e) => {
    const s = JSON.parse(e.data);
    outage(
      s.es === "down"
        ? `Elasticsearch is not answering since ${fmtTime(s.since)}: the figures shown are the last known; retrying…`
        : null,
    );
  });
  es.addEventListener("open", () => {
    if ($("outage").dataset.server) outage(null);
    delete $("outage").dataset.server;
  });
  es.addEventListener("error", () => {
    outage("The dashboard server is not answering; reconnecting…");
    $("outage").dataset.server = "1";
  });
}

function press(attr, value) {
  for (const b of document.querySelectorAll(`[data-${attr}]`))
    b.setAttribute("aria-pressed", String(b.dataset[attr] === value));
}

for (const b of document.querySelectorAll("[data-range]"))
  b.addEventListener("click", () => {
    state.range = b.dataset.range;
    press("range", state.range);
    connect();
  });
for (const b of document.querySelectorAll("[data-unit]"))
  b.addEventListener("click", () => {
    state.unit = b.dataset.unit;
    press("unit", state.unit);
    render();
  });

connect();
