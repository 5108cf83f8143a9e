// The dashboard page: its state lives in the URL (range or from/to, unit, day, month, the open drill-down), so a
// link shows the same view and the browser's back button goes back (history.pushState / popstate). It listens to
// /api/stream (SSE) for the view shown and draws what it pushes. When the newest data is older than the range
// shown, it says so and offers the data's own latest period; a replayed capture opens on its own period.
/* global EventSource */
import { initDrills, showDrills } from "./drill.js";
import { $, fmtTime, setText } from "./fmt.js";
import { initPickers, showPickers } from "./pickers.js";
import { render, renderHealth } from "./render.js";
import { jumpTo, parseState, staleSince, streamQuery, toSearch } from "./view.js";

const first = parseState(location.search);
let explicit = first.explicit; // whether the URL chose a range: if not, a replay opens on its own period
let state = { ...first };
delete state.explicit;
let data = null;
let source = null;
let sourceQuery = "";

const periods = () => ({ day: data?.miners.day.btc.start ?? null, month: data?.miners.month.btc.start ?? null });

function draw() {
  showPickers(state, periods());
  if (!data) return;
  render(state, data, handlers);
  const stale = staleSince(state, data.extent, Date.now());
  $("stale").hidden = stale === null;
  if (stale !== null)
    setText(
      "stale-text",
      `The data ends at ${fmtTime(Math.ceil(stale / 60_000) * 60_000)}, before this range (a replay, or a feed that stopped).`,
    );
}

/** Show a state: in the URL (a new history entry unless `replace`), the stream, the pickers, the drill-downs. */
function go(next, replace = false) {
  state = next;
  const url = `${location.pathname}${toSearch(state)}`;
  if (replace) history.replaceState(null, "", url);
  else if (url !== `${location.pathname}${location.search}`) history.pushState(null, "", url);
  explicit = true;
  connect();
  draw();
  showDrills(state, periods(), !replace);
}

const handlers = {
  hour: (t) => go({ ...state, hour: t }),
  day: (t) => go({ ...state, range: null, from: t, to: t + 86_400_000, hour: null }),
  miner: (period, name, start) => go({ ...state, [period]: start, miner: name, of: period }),
};

function outage(text) {
  $("outage").hidden = !text;
  setText("outage", text ?? "");
}

function connect() {
  const q = streamQuery(state);
  if (source && q === sourceQuery) return;
  source?.close();
  sourceQuery = q;
  data = null;
  const es = new EventSource(`/api/stream?${q}`);
  source = es;
  es.addEventListener("data", (e) => {
    data = JSON.parse(e.data);
    const stale = staleSince(state, data.extent, Date.now());
    if (!explicit && stale !== null) return go(jumpTo(state, stale, Date.now()), true); // a replay: its own period
    explicit = true;
    draw();
    showDrills(state, periods());
  });
  es.addEventListener("health", (e) => renderHealth(JSON.parse(e.data)));
  // the failover (clusters.ts): "serving from the standby, N s behind" while the primary cluster is lost
  es.addEventListener("cluster", (e) => {
    const banner = JSON.parse(e.data).banner ?? "";
    $("cluster").hidden = !banner;
    setText("cluster", banner);
  });
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
    // refused (too many live pages or views: 429/503) the browser gives up: try again in 10 s, as it said
    if (es.readyState === EventSource.CLOSED)
      setTimeout(() => {
        if (source !== es) return;
        source = null;
        connect();
      }, 10_000);
  });
}

$("stale-jump").addEventListener("click", () => {
  const stale = data && staleSince(state, data.extent, Date.now());
  if (stale) go(jumpTo(state, stale, Date.now()));
});
window.addEventListener("popstate", () => {
  const s = parseState(location.search);
  delete s.explicit;
  state = s;
  connect();
  draw();
  showDrills(state, periods());
});
initPickers(() => state, go, periods);
initDrills(() => state, go);
connect();
draw();
showDrills(state, periods());
