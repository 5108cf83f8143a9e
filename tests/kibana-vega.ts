// What Kibana does with a Vega-Lite panel's Elasticsearch `data.url`, re-implemented for the tests (Kibana cannot be
// installed here; the rules are those of Kibana 8.x's src/plugins/vis_types/vega/public/data_model/
// es_query_parser.ts and data/common dateHistogramInterval, read from its source): `%context%` sets `body.query` to
// the dashboard's query and filter pills (a bool), `%timefield%` adds a range on that field (gte/lte the picker's
// bounds); in `body.aggs`, `{"%timefilter%": "min"|"max", shift, unit}` becomes that bound in epoch ms (shifted)
// and a date_histogram's `interval: {"%autointerval%": n}` becomes the interval Kibana rounds (max - min) / n to,
// as `calendar_interval` (one unit of m, h, d, w, M, y) or `fixed_interval`. Then the few Vega-Lite transforms the
// specs use (flatten, calculate, filter, aggregate) are applied to the rows at `format.property`, per layer.

export type Range = { min: number; max: number };
/** The dashboard's filter pills, as Kibana's buildEsQuery places them (positive in filter, negated in must_not). */
export type Pills = { filter?: unknown[]; must_not?: unknown[] };
type Rec = Record<string, unknown>;
export type Row = Rec;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const UNIT: Record<string, number> = {
  ...{ w: 7 * D, week: 7 * D, d: D, day: D, h: H, hour: H },
  ...{ m: M, minute: M, s: S, second: S },
};

/** Kibana's rounding of a wished bucket width (ms) to an interval (its `_roundInterval`, thresholds as there). */
export function roundInterval(ms: number): string {
  const steps: Array<[number, string]> = [
    [500, "100ms"],
    [5 * S, "1s"],
    [7.5 * S, "5s"],
    [15 * S, "10s"],
    [45 * S, "30s"],
    [3 * M, "1m"],
    [7.5 * M, "5m"],
    [20 * M, "10m"],
    [45 * M, "30m"],
    [2 * H, "1h"],
    [6 * H, "3h"],
    [24 * H, "12h"],
    [7 * D, "24h"],
    [21 * D, "1w"],
  ];
  for (const [upTo, interval] of steps) if (ms <= upTo) return interval;
  return ms < 42 * D ? "30d" : "1y";
}

/** `calendar_interval` for one unit of m, h, d (or any w, M, y), `fixed_interval` otherwise (Kibana's rule). */
export function esInterval(interval: string): Rec {
  const m = /^([1-9][0-9]*)(ms|s|m|h|d|w|M|y)$/.exec(interval);
  if (!m) throw new Error(`not an Elasticsearch interval: ${interval}`);
  const calendar = ["w", "M", "y"].includes(m[2]!) || (["m", "h", "d"].includes(m[2]!) && m[1] === "1");
  return calendar ? { calendar_interval: interval } : { fixed_interval: interval };
}

function inject(v: unknown, r: Range, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => inject(x, r));
  if (!v || typeof v !== "object") return v;
  const o = v as Rec;
  const bound = o["%timefilter%"];
  if (bound === "min" || bound === "max") {
    const unit = UNIT[(o.unit as string | undefined) ?? "d"];
    if (o.shift !== undefined && (typeof o.shift !== "number" || unit === undefined)) throw new Error("bad shift");
    return r[bound] + (o.shift ? (o.shift as number) * unit! : 0);
  }
  if (bound !== undefined) throw new Error(`unsupported %timefilter%: ${JSON.stringify(bound)}`);
  const out: Rec = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === "interval" && key === "date_histogram") {
      const auto = (x as Rec)["%autointerval%"];
      const n = auto === true ? 50 : (auto as number);
      Object.assign(out, esInterval(typeof x === "string" ? x : roundInterval((r.max - r.min) / n)));
    } else out[k] = inject(x, r, k);
  }
  return out;
}

/** The index and body Kibana sends for a spec's `data.url` and a time range (and filter pills). */
export function kibanaRequest(url: Rec, r: Range, pills: Pills = {}): { index: string; body: Rec } {
  const body = structuredClone((url.body ?? {}) as Rec);
  const context = url["%context%"];
  const timefield = url["%timefield%"] as string | undefined;
  if (body.query !== undefined && (context !== undefined || timefield !== undefined))
    throw new Error("url.%context% and url.%timefield% must not be used when url.body.query is set");
  const range = timefield
    ? {
        range: {
          [timefield]: {
            gte: new Date(r.min).toISOString(),
            lte: new Date(r.max).toISOString(),
            format: "strict_date_optional_time",
          },
        },
      }
    : undefined;
  if (context) {
    const must = range ? [range] : [];
    body.query = { bool: { must, filter: pills.filter ?? [], should: [], must_not: pills.must_not ?? [] } };
  } else if (range) body.query = range;
  return { index: url.index as string, body: { ...body, aggs: inject(body.aggs, r) } };
}

/** The value at a dotted path (Vega's `format.property`, `flatten`). */
export const at = (v: unknown, path: string): unknown =>
  path.split(".").reduce((o, k) => (o as Rec | undefined)?.[k], v);

const two = (n: number) => String(n).padStart(2, "0");
/** Vega's utcFormat, for the directives the specs use (%Y %m %d %H %M). */
export function utcFormat(t: number, f: string): string {
  const d = new Date(t);
  const parts: Rec = {
    Y: d.getUTCFullYear(),
    m: two(d.getUTCMonth() + 1),
    d: two(d.getUTCDate()),
    H: two(d.getUTCHours()),
    M: two(d.getUTCMinutes()),
  };
  return f.replace(/%([YmdHM])/g, (_, c: string) => String(parts[c]));
}

const expr = (e: string) =>
  new Function("datum", "utcFormat", `return (${e});`) as (d: Row, f: typeof utcFormat) => unknown;

/** Vega-Lite's flatten, calculate, filter and aggregate (sum, max, min) over rows. */
export function transform(rows: Row[], ts: Rec[] = []): Row[] {
  for (const t of ts) {
    if (t.flatten) {
      const [path, as] = [(t.flatten as string[])[0]!, (t.as as string[])[0]!];
      rows = rows.flatMap((r) => ((at(r, path) as Row[] | undefined) ?? []).map((x) => ({ ...r, [as]: x })));
    } else if (t.calculate) {
      const fn = expr(t.calculate as string);
      rows = rows.map((r) => ({ ...r, [t.as as string]: fn(r, utcFormat) }));
    } else if (t.filter) {
      const fn = expr(t.filter as string);
      rows = rows.filter((r) => fn(r, utcFormat));
    } else if (t.aggregate) {
      const by = (t.groupby as string[]) ?? [];
      const groups = new Map<string, Row[]>();
      for (const r of rows) {
        const k = JSON.stringify(by.map((f) => r[f]));
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      rows = [...groups.values()].map((g) => {
        const out: Row = Object.fromEntries(by.map((f) => [f, g[0]![f]]));
        for (const a of t.aggregate as Array<{ op: string; field: string; as: string }>) {
          const xs = g.map((r) => r[a.field] as number);
          const op = {
            sum: () => xs.reduce((x, y) => x + y, 0),
            max: () => Math.max(...xs),
            min: () => Math.min(...xs),
          };
          out[a.as] = op[a.op as keyof typeof op]();
        }
        return out;
      });
    } else throw new Error(`transform not emulated: ${JSON.stringify(t)}`);
  }
  return rows;
}
