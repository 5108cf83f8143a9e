// Draws one snapshot of the live stream (cards, Chart.js charts, tables) for the state shown. A click on an hour's
// bar or row, or on a miner's bar or name, calls the page's handlers (the drill-downs). Chain text (miner names)
// is set with textContent or drawn on a canvas, never parsed as HTML.
/* global Chart */
import { $, count, fillTable, fmtBtc, fmtEur, fmtMonth, fmtSeconds, fmtTime, intFmt, pctFmt, setText } from "./fmt.js";

const charts = {};
const UNKNOWN = "Unknown";
/** Steps of the price chart's time axis: whole UTC minutes, hours, days. */
const STEPS = [1, 5, 15, 60, 180, 360, 720, 1440, 2880, 10080, 40320].map((m) => m * 60_000);

function chart(id, type, opts = {}) {
  if (charts[id]) return charts[id];
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false } },
    scales: {},
    elements: { point: { radius: 0 } },
    onClick: (_e, els) => els[0] && opts.onClick?.(els[0].index),
    onHover: (e, els) => {
      e.native.target.style.cursor = els[0] && opts.onClick ? "pointer" : "default";
    },
  };
  if (opts.horizontal) {
    options.indexAxis = "y";
    const cut = (s) => (s.length > 18 ? `${s.slice(0, 17)}…` : s); // long names stay readable (the table has them whole)
    options.scales.y = { ticks: { callback: (v) => cut(String(charts[id].data.labels[v] ?? "")) } };
  }
  if (id === "chart-price")
    options.scales.x = { type: "linear", ticks: { maxTicksLimit: 10, callback: (v) => fmtTime(v).slice(5, 16) } };
  const color = id === "chart-price" ? "#f7931a" : "#3867d6";
  const dataset = { data: [], borderColor: color, backgroundColor: color, borderWidth: type === "line" ? 2 : 0 };
  if (type === "bar") dataset.maxBarThickness = opts.horizontal ? 28 : 80;
  charts[id] = new Chart($(id), { type, data: { labels: [], datasets: [dataset] }, options });
  return charts[id];
}

function plot(id, type, labels, values, opts) {
  const c = chart(id, type, opts);
  c.data.labels = labels;
  c.data.datasets[0].data = values;
  c.update();
}

function renderMiners(period, m, unit, on) {
  const key = `miners-${period}`;
  const when = m.start === null ? "" : period === "day" ? fmtTime(m.start, false) : fmtMonth(m.start);
  setText(`${key}-start`, when ? `(${when})` : "(none yet)");
  setText(
    `${key}-total`,
    m.blocks > 0 ? `${count(m.blocks, "block")} by ${count(m.count, "miner")}` : "no block in this period",
  );
  const value = (r) => (unit === "btc" ? r.reward_btc : r.reward_eur);
  const fmt = (v) => (unit === "btc" ? fmtBtc(v) : fmtEur(v));
  const open = (r) => () => on.miner(period, r.miner, m.start);
  fillTable(
    key,
    m.miners.map((r, i) => [
      String(i + 1),
      {
        text: r.miner,
        button: open(r),
        cls: r.miner === UNKNOWN ? "unknown" : "",
        note: r.miner === UNKNOWN ? " (no pool identified)" : "",
      },
      intFmt.format(r.blocks),
      pctFmt.format(r.share),
      fmt(value(r)),
    ]),
  );
  const onClick = (i) => m.miners[i] && open(m.miners[i])();
  plot(
    `chart-${key}`,
    "bar",
    m.miners.map((r) => r.miner),
    m.miners.map(value),
    { horizontal: true, onClick },
  );
}

/** Everything of a snapshot `d` for the state `s`; `on.hour(t)`, `on.day(t)`, `on.miner(period, name, start)`. */
export function render(s, d, on) {
  const label = $("origin-label");
  label.hidden = !d.label;
  setText("origin-label", d.label ?? "");
  for (const el of document.querySelectorAll(".unit-name")) el.textContent = s.unit.toUpperCase();
  const u = s.unit;
  const fmtUnit = (v) => (u === "btc" ? fmtBtc(v) : fmtEur(v));
  const p = d.price.latest;
  setText("price-latest", p ? fmtEur(p.eur) : "no price in this range");
  setText("price-time", p ? `${fmtTime(p.t)}${p.source ? ` · ${p.source}` : ""}` : "");
  // The time axis spans the window (null buckets break the line: no price then); points drawn while few.
  const price = chart("chart-price", "line");
  const span = d.window.to - d.window.from;
  const step = STEPS.find((m) => span / m <= 8) ?? STEPS[STEPS.length - 1];
  Object.assign(price.options.scales.x, { min: d.window.from, max: d.window.to });
  price.options.scales.x.ticks.stepSize = step;
  price.data.datasets[0].pointRadius = d.price.points.filter((q) => q.eur !== null).length < 60 ? 3 : 0;
  plot(
    "chart-price",
    "line",
    [],
    d.price.points.map((q) => ({ x: q.t, y: q.eur })),
  );
  const daily = d.interval === "1d";
  const last = d.hours[d.hours.length - 1];
  setText("volume-latest", last ? fmtUnit(last[`volume_${u}`]) : "no transaction in this range");
  setText("volume-hour", last ? `${fmtTime(last.t, !daily)} · ${count(last.tx, "transaction")}` : "");
  setText("max-latest", last ? fmtUnit(last[`max_${u}`]) : "no transaction in this range");
  setText("tx-count", last && last.pending > 0 ? `${intFmt.format(last.pending)} waiting for a price` : "");
  const open = (h) => () => (daily ? on.day(h.t) : on.hour(h.t));
  const onClick = (i) => d.hours[i] && open(d.hours[i])();
  const hourLabels = d.hours.map((h) => (daily ? fmtTime(h.t, false) : fmtTime(h.t).slice(5, 16)));
  plot(
    "chart-volume",
    "bar",
    hourLabels,
    d.hours.map((h) => h[`volume_${u}`]),
    { onClick },
  );
  plot(
    "chart-max",
    "bar",
    hourLabels,
    d.hours.map((h) => h[`max_${u}`]),
    { onClick },
  );
  fillTable(
    "hours",
    [...d.hours]
      .reverse()
      .map((h) => [
        { text: fmtTime(h.t, !daily), button: open(h) },
        intFmt.format(h.tx),
        fmtUnit(h[`volume_${u}`]),
        fmtUnit(h[`max_${u}`]),
      ]),
  );
  renderMiners("day", d.miners.day[u], u, on);
  renderMiners("month", d.miners.month[u], u, on);
  setText("updated", `updated ${new Date().toISOString().slice(11, 19)} UTC`);
}

export function renderHealth(h) {
  const es = h.es.ok ? `Elasticsearch: ${h.es.status}, ${h.es.nodes} nodes` : "Elasticsearch: DOWN";
  setText("health-es", es);
  $("health-es").className = h.es.ok && h.es.status === "green" ? "" : "bad";
  const k = h.kafka;
  setText(
    "health-kafka",
    k.ok
      ? `Kafka: ${k.brokers}/${k.expected} brokers, controller ${k.controller}`
      : k.brokers === null
        ? `Kafka: NOT ANSWERING (brokers unknown of ${k.expected})`
        : `Kafka: DOWN (${k.brokers}/${k.expected} brokers)`,
  );
  $("health-kafka").className = k.ok ? "" : "bad";
  setText("health-dlq", `Dead letters: ${h.deadLetters === null ? "unknown" : intFmt.format(h.deadLetters)}`);
  fillTable(
    "health-bolts",
    h.bolts.map((b) => [
      b.lost > 0 ? `${b.bolt} (LOST ${intFmt.format(b.lost)}: deleted before read)` : b.bolt,
      b.lag === null ? `unknown (${b.unknown})` : intFmt.format(b.lag),
      b.rate === null ? "–" : b.rate.toFixed(1),
      b.dead === undefined ? "unknown" : intFmt.format(b.dead),
      b.deadAt ? `${fmtSeconds(b.deadAt)}: ${b.deadReason}` : "",
    ]),
  );
}
