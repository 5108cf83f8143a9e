// The parameters of the dashboard's named queries, checked strictly (pure, no I/O): each query has its list of
// parameters; dates are ISO UTC parsed strictly (2025-02-30 is refused, only `Z`); a range is at most 400 days;
// sizes are capped; every value's length is capped. An unknown name is 404, anything else wrong is 400.
// No index read; no env.

const DAY_MS = 86_400_000;
export const PRESETS = { "1h": 3600_000, "24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS } as const;
export type Preset = keyof typeof PRESETS;
export const UNITS = ["btc", "eur"] as const;
export type Unit = (typeof UNITS)[number];
export const PERIODS = ["day", "month"] as const;
export type Period = (typeof PERIODS)[number];
export const MAX_RANGE_MS = 400 * DAY_MS;
export const MAX_VALUE_CHARS = 64;
export const MAX_MINER_CHARS = 512;
/** Rows a drill-down returns: default and cap. */
export const SIZES = { hour: [20, 100], blocks: [200, 1000] } as const;

type Name = "range" | "from" | "to" | "unit" | "period" | "day" | "month" | "hour" | "miner" | "size";
export const QUERIES: Record<string, readonly Name[]> = {
  price: ["range", "from", "to"],
  volume: ["range", "from", "to", "unit"],
  max: ["range", "from", "to", "unit"],
  miners: ["period", "day", "month", "unit"],
  hour: ["hour", "size"],
  blocks: ["miner", "day", "month", "size"],
  health: [],
  stream: ["range", "from", "to", "day", "month"],
};
export type QueryName = "price" | "volume" | "max" | "miners" | "hour" | "blocks" | "health" | "stream";

export type View = { range: Preset } | { from: number; to: number };
export type Params = {
  view: View;
  unit: Unit;
  period: Period;
  day: number | null;
  month: number | null;
  hour: number | null;
  miner: string | null;
  size: number;
};
export type Parsed = { ok: true; name: QueryName; params: Params } | { ok: false; status: 400 | 404; error: string };

/** A UTC time, if its fields are those of a real date (a round trip through Date), year 2009-2100. */
function utc(y: number, mo: number, d = 1, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  if (y < 2009 || y > 2100) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const x = new Date(t);
  const same =
    x.getUTCFullYear() === y &&
    x.getUTCMonth() === mo - 1 &&
    x.getUTCDate() === d &&
    x.getUTCHours() === h &&
    x.getUTCMinutes() === mi &&
    x.getUTCSeconds() === s;
  return same ? t : undefined;
}
const ints = (m: RegExpExecArray | null) => m?.slice(1).map((v) => (v === undefined ? 0 : Number(v)));

/** `2025-01-02T13:00Z`, `…T13:00:05Z` or `…T13:00:05.123Z`: epoch ms, or undefined. */
export function parseUtc(s: string): number | undefined {
  const n = ints(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?Z$/.exec(s));
  return n ? utc(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!, n[6]!) : undefined;
}
/** `2025-01-02`: the day's start, or undefined. */
export function parseDay(s: string): number | undefined {
  const n = ints(/^(\d{4})-(\d{2})-(\d{2})$/.exec(s));
  return n ? utc(n[0]!, n[1]!, n[2]!) : undefined;
}
/** `2025-01`: the month's start, or undefined. */
export function parseMonth(s: string): number | undefined {
  const n = ints(/^(\d{4})-(\d{2})$/.exec(s));
  return n ? utc(n[0]!, n[1]!) : undefined;
}

type Raw = Partial<Record<Name, string>>;
type Checked = { v: string | number } | { error: string };
const oneOf = (name: string, v: string, values: readonly string[]): Checked =>
  values.includes(v) ? { v } : { error: `${name} must be one of ${values.join(", ")}` };
const got = (name: string, t: number | undefined, what: string): Checked =>
  t === undefined ? { error: `${name} must be ${what}` } : { v: t };

/** One parameter's value, parsed, or why it is refused. */
function check(name: Name, v: string, query: string): Checked {
  if (name === "miner")
    return v.length >= 1 && v.length <= MAX_MINER_CHARS ? { v } : { error: "miner: 1 to 512 characters" };
  if (v.length > MAX_VALUE_CHARS) return { error: `${name}: too long` };
  switch (name) {
    case "range":
      return oneOf(name, v, Object.keys(PRESETS));
    case "unit":
      return oneOf(name, v, UNITS);
    case "period":
      return oneOf(name, v, PERIODS);
    case "from":
    case "to":
      return got(name, parseUtc(v), "an ISO UTC time like 2025-01-02T13:00Z");
    case "hour": {
      const t = parseUtc(v);
      return got(name, t !== undefined && t % 3600_000 === 0 ? t : undefined, "a UTC hour like 2025-01-02T13:00Z");
    }
    case "day":
      return got(name, parseDay(v), "a UTC day like 2025-01-02");
    case "month":
      return got(name, parseMonth(v), "a UTC month like 2025-01");
    case "size": {
      const max = SIZES[query as keyof typeof SIZES]?.[1] ?? 0;
      const ok = /^[1-9][0-9]{0,3}$/.test(v) && Number(v) <= max;
      return got(name, ok ? Number(v) : undefined, `a whole number from 1 to ${max}`);
    }
  }
}

/** The rules between parameters; the error, or undefined. */
function crossCheck(name: string, raw: Raw, p: Params): string | undefined {
  if ((raw.from === undefined) !== (raw.to === undefined)) return "from and to go together";
  if (raw.range !== undefined && raw.from !== undefined) return "range or from/to, not both";
  if ("from" in p.view && !(p.view.from < p.view.to)) return "from must be before to";
  if ("from" in p.view && p.view.to - p.view.from > MAX_RANGE_MS) return "a range is at most 400 days";
  if (name === "miners" && raw.day !== undefined && raw.month !== undefined) return "day or month, not both";
  if (name === "miners" && raw.period === "month" && raw.day !== undefined) return "day goes with period=day";
  if (name === "miners" && raw.period === "day" && raw.month !== undefined) return "month goes with period=month";
  if (name === "blocks" && p.miner === null) return "miner is required";
  if (name === "blocks" && (p.day === null) === (p.month === null)) return "one of day or month is required";
  if (name === "hour" && p.hour === null) return "hour is required";
  return undefined;
}

/** Check a request for a named query: unknown names are 404; unknown, repeated or bad parameters are 400. */
export function parseRequest(name: string, search: URLSearchParams): Parsed {
  const allowed = Object.hasOwn(QUERIES, name) ? QUERIES[name] : undefined;
  if (!allowed) return { ok: false, status: 404, error: "no such query" };
  const raw: Raw = {};
  const val: Partial<Record<Name, string | number>> = {};
  for (const [k, v] of search) {
    if (!(allowed as readonly string[]).includes(k))
      return { ok: false, status: 400, error: `unknown parameter ${k.slice(0, 40)}` };
    const key = k as Name;
    if (raw[key] !== undefined) return { ok: false, status: 400, error: `parameter ${key} given twice` };
    const c = check(key, v, name);
    if ("error" in c) return { ok: false, status: 400, error: c.error };
    raw[key] = v;
    val[key] = c.v;
  }
  const size = name === "hour" || name === "blocks" ? SIZES[name][0] : 0;
  const params: Params = {
    view:
      val.from !== undefined && val.to !== undefined
        ? { from: val.from as number, to: val.to as number }
        : { range: (raw.range ?? "24h") as Preset },
    unit: (raw.unit ?? "btc") as Unit,
    period: (raw.period ?? (raw.month !== undefined ? "month" : "day")) as Period,
    day: (val.day as number | undefined) ?? null,
    month: (val.month as number | undefined) ?? null,
    hour: (val.hour as number | undefined) ?? null,
    miner: raw.miner ?? null,
    size: (val.size as number | undefined) ?? size,
  };
  const error = crossCheck(name, raw, params);
  return error ? { ok: false, status: 400, error } : { ok: true, name: name as QueryName, params };
}
