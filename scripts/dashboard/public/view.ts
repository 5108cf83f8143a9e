// The page's view state (pure; the page loads it as /view.js, its types stripped by the server): what the URL says
// (range or from/to, unit, day, month, and the open drill-down: hour, or miner + of), the time window shown,
// moving it back and forth, and whether the data ends before it (a replay, a stopped feed). Times are UTC.
// The page is lenient (a value it cannot read is dropped); the server checks every parameter strictly.

export const PRESETS = { "1h": 3600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type Preset = keyof typeof PRESETS;
export type Unit = "btc" | "eur";
export type State = {
  range: Preset | null;
  from: number | null;
  to: number | null;
  unit: Unit;
  day: number | null;
  month: number | null;
  hour: number | null;
  miner: string | null;
  of: "day" | "month" | null;
};
export type Window = { from: number; to: number; live: boolean };
export type Extent = { newest: number | null; oldest: number | null };

const HOUR = 3600_000;
export const DEFAULT: State = {
  range: "24h",
  from: null,
  to: null,
  unit: "btc",
  day: null,
  month: null,
  hour: null,
  miner: null,
  of: null,
};

export const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
export const isoMonth = (t: number) => new Date(t).toISOString().slice(0, 7);
/** `2025-01-02T13:00Z` (seconds only when not zero). */
export function isoMinute(t: number): string {
  const s = new Date(t).toISOString();
  return t % 60_000 === 0 ? `${s.slice(0, 16)}Z` : s;
}
/** A time as the server takes it (ISO UTC, minutes at least, Z), if it is a real date. */
function parseTime(v: string | null): number | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z$/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 16) === v.slice(0, 16) ? t : null;
}
const parseDay = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseTime(`${v}T00:00Z`) : null);
const parseMonth = (v: string | null) => (v && /^\d{4}-\d{2}$/.test(v) ? parseTime(`${v}-01T00:00Z`) : null);

/** The state a URL's query says; `explicit` tells whether it chose a time range. */
export function parseState(search: string): State & { explicit: boolean } {
  const q = new URLSearchParams(search);
  const range = q.get("range");
  const from = parseTime(q.get("from"));
  const to = parseTime(q.get("to"));
  const absolute = from !== null && to !== null && from < to;
  const of = q.get("of");
  const miner = q.get("miner");
  return {
    range: absolute ? null : range && Object.hasOwn(PRESETS, range) ? (range as Preset) : "24h",
    from: absolute ? from : null,
    to: absolute ? to : null,
    unit: q.get("unit") === "eur" ? "eur" : "btc",
    day: parseDay(q.get("day")),
    month: parseMonth(q.get("month")),
    hour: parseTime(q.get("hour")),
    miner: miner && (of === "day" || of === "month") ? miner : null,
    of: miner && (of === "day" || of === "month") ? of : null,
    explicit: absolute || (range !== null && Object.hasOwn(PRESETS, range)),
  };
}

/** The URL query of a state (defaults left out), in a fixed order. */
export function toSearch(s: State): string {
  const q = new URLSearchParams();
  if (s.from !== null && s.to !== null) {
    q.set("from", isoMinute(s.from));
    q.set("to", isoMinute(s.to));
  } else if (s.range && s.range !== "24h") q.set("range", s.range);
  if (s.unit !== "btc") q.set("unit", s.unit);
  if (s.day !== null) q.set("day", isoDay(s.day));
  if (s.month !== null) q.set("month", isoMonth(s.month));
  if (s.hour !== null) q.set("hour", isoMinute(s.hour));
  if (s.miner !== null && s.of !== null) {
    q.set("miner", s.miner);
    q.set("of", s.of);
  }
  const text = q.toString().replace(/%3A/g, ":"); // a colon needs no escape in a query: readable times
  return text ? `?${text}` : "";
}

/** The query of the SSE stream of a state: the time range and the miners' day and month. */
export function streamQuery(s: State): string {
  const { range, from, to, day, month } = s;
  return toSearch({ ...DEFAULT, range, from, to, day, month }).slice(1) || "range=24h";
}

export function windowOf(s: State, now: number): Window {
  if (s.from !== null && s.to !== null) return { from: s.from, to: s.to, live: false };
  return { from: now - PRESETS[s.range ?? "24h"], to: now, live: true };
}

const presetOf = (span: number) => (Object.keys(PRESETS) as Preset[]).find((p) => PRESETS[p] === span) ?? null;
const absolute = (s: State, from: number, to: number): State => ({ ...s, range: null, from, to, hour: null });

/** The window before (-1) or after (+1) the one shown, as long; after reaching now, the live preset again. */
export function shift(s: State, dir: -1 | 1, now: number): State {
  const w = windowOf(s, now);
  const span = w.to - w.from;
  if (w.live && dir === 1) return s;
  const end = w.live ? now - (now % 60_000) : w.to;
  const to = dir === -1 ? end - span : end + span;
  if (to + 60_000 > now) {
    const preset = presetOf(span);
    if (preset) return { ...s, range: preset, from: null, to: null, hour: null };
    return absolute(s, Math.ceil(now / 60_000) * 60_000 - span, Math.ceil(now / 60_000) * 60_000);
  }
  return absolute(s, to - span, to);
}

/** The newest time with data: the latest price observation, or the end of the latest hour with volume. */
export function dataEnd(e: { value: Extent; volume: Extent }): number | null {
  const v = e.value.newest;
  const h = e.volume.newest === null ? null : e.volume.newest + HOUR - 1;
  return v === null ? h : h === null ? v : Math.max(v, h);
}

/** The newest data time when it lies before the window shown (null: the window has the newest data, or none). */
export function staleSince(s: State, e: { value: Extent; volume: Extent }, now: number): number | null {
  const end = dataEnd(e);
  return end !== null && end < windowOf(s, now).from ? end : null;
}

/** The same span, ending at the end of the hour of the newest data. */
export function jumpTo(s: State, newest: number, now: number): State {
  const w = windowOf(s, now);
  const to = Math.floor(newest / HOUR) * HOUR + HOUR;
  return absolute(s, to - (w.to - w.from), to);
}

export function stepDay(day: number, dir: -1 | 1): number {
  return day + dir * 86_400_000;
}
export function stepMonth(month: number, dir: -1 | 1): number {
  const d = new Date(month);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + dir, 1);
}
/** A `<input type=datetime-local>` value read as UTC, and back. */
export const fromLocalInput = (v: string) => parseTime(`${v.slice(0, 16)}Z`);
export const toLocalInput = (t: number) => new Date(t).toISOString().slice(0, 16);
const minute = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
/** `2025-01-02 13:00 – 2025-01-03 13:00 UTC` */
export const fmtRange = (w: Window) => `${minute(w.from)} – ${minute(w.to)} UTC`;
