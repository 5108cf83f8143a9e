// The page's pickers: the time range (presets, previous/next, an absolute from/to in UTC), the unit, and the
// miners' day and month (previous/next, latest). Each change goes through `go(state)`, which puts it in the URL.
import { $, fmtTime, setText } from "./fmt.js";
import {
  fmtRange,
  fromLocalInput,
  isoDay,
  isoMonth,
  shift,
  stepDay,
  stepMonth,
  toLocalInput,
  windowOf,
} from "./view.js";

const press = (attr, value) => {
  for (const b of document.querySelectorAll(`[data-${attr}]`))
    b.setAttribute("aria-pressed", String(b.dataset[attr] === value));
};

/** Wire the controls: `get()` is the state shown, `go(next)` shows another, `shown()` the miners' periods shown. */
export function initPickers(get, go, shown) {
  for (const b of document.querySelectorAll("[data-range]"))
    b.addEventListener("click", () => go({ ...get(), range: b.dataset.range, from: null, to: null, hour: null }));
  for (const b of document.querySelectorAll("[data-unit]"))
    b.addEventListener("click", () => go({ ...get(), unit: b.dataset.unit }));
  $("range-prev").addEventListener("click", () => go(shift(get(), -1, Date.now())));
  $("range-next").addEventListener("click", () => go(shift(get(), 1, Date.now())));
  $("range-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const from = fromLocalInput($("range-from").value);
    const to = fromLocalInput($("range-to").value);
    if (from === null || to === null || !(from < to)) {
      setText("range-text", "From must be before To (UTC).");
      return;
    }
    go({ ...get(), range: null, from, to, hour: null });
  });
  const period = (name, step, parse) => {
    const close = (s) => (s.of === name ? { miner: null, of: null } : {});
    const move = (dir) => {
      const s = get();
      const base = s[name] ?? shown()[name];
      if (base !== null && base !== undefined) go({ ...s, [name]: step(base, dir), ...close(s) });
    };
    $(`${name}-prev`).addEventListener("click", () => move(-1));
    $(`${name}-next`).addEventListener("click", () => move(1));
    $(`${name}-latest`).addEventListener("click", () => go({ ...get(), [name]: null, ...close(get()) }));
    $(`${name}-input`).addEventListener("change", (e) => {
      const t = parse(e.target.value);
      if (t !== null) go({ ...get(), [name]: t, ...close(get()) });
    });
  };
  const parse = (suffix) => (v) => {
    const t = Date.parse(`${v}${suffix}`);
    return Number.isFinite(t) && t >= Date.UTC(2009, 0, 1) ? t : null;
  };
  period("day", stepDay, parse("T00:00:00Z"));
  period("month", stepMonth, parse("-01T00:00:00Z"));
}

/** Show the state in the controls; `miners` are the periods the data shows (for "latest"). */
export function showPickers(s, miners) {
  press("range", s.from === null ? s.range : "");
  press("unit", s.unit);
  const now = Date.now();
  const w = windowOf(s, now);
  $("range-next").disabled = w.live;
  for (const [id, t] of [
    ["range-from", w.from],
    ["range-to", w.to],
  ])
    if (document.activeElement !== $(id)) $(id).value = toLocalInput(t);
  setText("range-text", w.live ? `last ${s.range.replace(/(\d+)/, "$1 ")}, to now (${fmtTime(now)})` : fmtRange(w));
  const day = s.day ?? miners.day;
  const month = s.month ?? miners.month;
  if (document.activeElement !== $("day-input")) $("day-input").value = day === null ? "" : isoDay(day);
  if (document.activeElement !== $("month-input")) $("month-input").value = month === null ? "" : isoMonth(month);
  $("day-latest").setAttribute("aria-pressed", String(s.day === null));
  $("month-latest").setAttribute("aria-pressed", String(s.month === null));
}
