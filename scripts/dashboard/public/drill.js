// The drill-downs: an hour's largest transactions (GET /api/hour) and a miner's blocks in a day or month
// (GET /api/blocks), shown below their charts while the URL names them. Hashes are plain text (selected whole on a
// click, to copy); chain text (miner names, coinbase tags) goes in with textContent only.
import { $, count, fillTable, fmtBtc, fmtEur, fmtMonth, fmtSeconds, fmtTime, intFmt, setText } from "./fmt.js";
import { isoDay, isoMinute, isoMonth } from "./view.js";

const shown = { hour: "", miner: "" };

async function getJson(path) {
  const r = await fetch(path, { headers: { accept: "application/json" } });
  if (!r.ok) throw new Error(r.status === 503 ? "the data is not available right now" : `HTTP ${r.status}`);
  return r.json();
}

const eurOrPending = (v) => (v === null ? "pending (no price yet)" : fmtEur(v));
const priceText = (p) =>
  p === null ? "–" : `${fmtEur(p.eur)} at ${fmtSeconds(p.t)}${p.source ? ` (${p.source})` : ""}`;

async function showHour(hour) {
  const key = `hour=${encodeURIComponent(isoMinute(hour))}`;
  if (shown.hour === key) return;
  shown.hour = key;
  $("drill-hour").hidden = false;
  setText("drill-hour-title", `Transactions of ${fmtTime(hour)}`);
  setText("drill-hour-sub", "loading…");
  fillTable("drill-hour-table", []);
  try {
    const d = await getJson(`/api/hour?${key}`);
    if (shown.hour !== key) return;
    setText(
      "drill-hour-sub",
      `${count(d.count, "transaction")}, ${fmtBtc(d.volume_btc)} in all; the ${intFmt.format(d.shown)} largest:`,
    );
    fillTable(
      "drill-hour-table",
      d.txs.map((t) => [
        { text: t.hash, cls: "hash" },
        fmtSeconds(t.t),
        fmtBtc(t.value_btc),
        eurOrPending(t.eur),
        priceText(t.price),
      ]),
    );
  } catch (e) {
    setText("drill-hour-sub", `Could not load the transactions: ${e.message}`);
  }
}

async function showMiner(s, periods) {
  const start = s.of === "day" ? (s.day ?? periods.day) : (s.month ?? periods.month);
  if (start === null || start === undefined) return; // the latest period: known once the data came
  const period = s.of === "day" ? `day=${isoDay(start)}` : `month=${isoMonth(start)}`;
  const key = `miner=${encodeURIComponent(s.miner)}&${period}`;
  if (shown.miner === key) return;
  shown.miner = key;
  $("drill-miner").hidden = false;
  const title = $("drill-miner-title");
  title.replaceChildren("Blocks of ", Object.assign(document.createElement("q"), { textContent: s.miner }));
  title.append(` in ${s.of === "day" ? fmtTime(start, false) : fmtMonth(start)}`);
  setText("drill-miner-sub", "loading…");
  fillTable("drill-miner-table", []);
  try {
    const d = await getJson(`/api/blocks?${key}`);
    if (shown.miner !== key) return;
    const orphans = d.blocks.filter((b) => b.orphaned).length;
    setText(
      "drill-miner-sub",
      `${count(d.count, "block")}${orphans ? `, ${orphans} orphaned in a chain split (not counted in the rewards)` : ""}` +
        (d.count > d.blocks.length ? `; the ${d.blocks.length} newest:` : ":"),
    );
    fillTable(
      "drill-miner-table",
      d.blocks.map((b) => [
        intFmt.format(b.height),
        { text: b.hash, cls: "hash" },
        fmtSeconds(b.t),
        fmtBtc(b.reward_btc),
        eurOrPending(b.reward_eur),
        b.fees_btc === null ? "unknown" : fmtBtc(b.fees_btc),
        { text: b.orphaned ? "yes, lost a split" : "no", cls: b.orphaned ? "bad" : "" },
        { text: b.tag, cls: "tag" },
      ]),
    );
  } catch (e) {
    setText("drill-miner-sub", `Could not load the blocks: ${e.message}`);
  }
}

/** Open or close the drill-downs the state names (`periods`: the miners' day and month shown, for a state that
 * names none); `scroll` brings a newly opened one into view. */
export function showDrills(s, periods, scroll = false) {
  const hourWas = shown.hour;
  const minerWas = shown.miner;
  if (s.hour === null) {
    shown.hour = "";
    $("drill-hour").hidden = true;
  } else void showHour(s.hour);
  if (s.miner === null || s.of === null) {
    shown.miner = "";
    $("drill-miner").hidden = true;
  } else void showMiner(s, periods);
  if (scroll && shown.hour && shown.hour !== hourWas) $("drill-hour").scrollIntoView({ block: "start" });
  else if (scroll && shown.miner && shown.miner !== minerWas) $("drill-miner").scrollIntoView({ block: "start" });
}

export function initDrills(get, go) {
  $("drill-hour-close").addEventListener("click", () => go({ ...get(), hour: null }));
  $("drill-miner-close").addEventListener("click", () => go({ ...get(), miner: null, of: null }));
}
