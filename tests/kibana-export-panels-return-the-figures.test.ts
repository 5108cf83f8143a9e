// kibana-export.ndjson, checked without Kibana (it cannot be installed here): every line is a saved object; every
// reference resolves to an object of the file; the file is what scripts/setup/kibana-export.ts generates; and
// every panel's Elasticsearch query, taken out of its Vega-Lite spec (data.url index and body), run against a
// namespace fed with the known capture, gives the expected figures once the spec's own transforms are applied.
// Every panel follows the dashboard's time picker: it is run as Kibana would run it for a time range, with the
// filter Kibana adds for `%context%` (a range on the `%timefield%`) and `%timefilter%` min/max replaced by the
// range's bounds. The time axes are UTC, and the price line has a null (a gap) for each hour without a price.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { EXPORT_FILE, ndjson } from "../scripts/setup/kibana-export.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { EVIL, type Fixture, fixture, HOUR, seed } from "./dashboard-fixture.ts";

const lastMonthOf = (month: number) => {
  const d = new Date(month);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
};

type Obj = {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references?: Array<{ name: string; type: string; id: string }>;
};
type Row = Record<string, unknown>;
const text = readFileSync(EXPORT_FILE, "utf8");
const objects: Obj[] = text
  .trimEnd()
  .split("\n")
  .map((l) => JSON.parse(l));
let cfg: Config;
let f: Fixture;

beforeAll(async () => {
  cfg = await freshNamespace("kibana-panels");
  f = fixture();
  await seed(cfg, f);
}, 60_000);

afterAll(async () => {
  if (cfg) await dropNamespace(cfg);
}, 30_000);

test("every line is a saved object, ids unique", () => {
  for (const o of objects) {
    expect(typeof o.type).toBe("string");
    expect(typeof o.id).toBe("string");
    expect(typeof o.attributes).toBe("object");
    expect(typeof o.attributes.title).toBe("string");
  }
  expect(new Set(objects.map((o) => `${o.type}:${o.id}`)).size).toBe(objects.length);
  expect(objects.filter((o) => o.type === "index-pattern").map((o) => [o.id, o.attributes.timeFieldName])).toEqual([
    ["btc-value", "time"],
    ["btc-volume", "hour"],
    ["btc-miner", "start"],
  ]);
  expect(text).toBe(ndjson());
});

test("every reference resolves; the dashboard shows every visualization and refreshes itself", () => {
  const have = new Set(objects.map((o) => `${o.type}:${o.id}`));
  for (const o of objects) for (const r of o.references ?? []) expect(have.has(`${r.type}:${r.id}`)).toBe(true);
  const dash = objects.find((o) => o.type === "dashboard")!;
  const panels = JSON.parse(dash.attributes.panelsJSON as string) as Array<{
    panelIndex: string;
    panelRefName: string;
  }>;
  const names = new Set(dash.references!.map((r) => r.name));
  for (const p of panels) expect(names.has(`${p.panelIndex}:${p.panelRefName}`)).toBe(true);
  const shown = new Set(dash.references!.map((r) => r.id));
  for (const v of objects.filter((o) => o.type === "visualization")) expect(shown.has(v.id)).toBe(true);
  expect(dash.attributes.refreshInterval).toEqual({ pause: false, value: 10_000 });
});

/** The value at a dotted path (Vega's `format.property`, `flatten`). */
const at = (v: unknown, path: string): unknown =>
  path.split(".").reduce((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);

const YEAR = 365 * 24 * 3600_000;
type Range = { min: number; max: number };
/** `{"%timefilter%": "min"|"max"}` replaced by the range's bound, as Kibana does. */
const bounds = (v: unknown, r: Range): unknown => {
  if (Array.isArray(v)) return v.map((x) => bounds(x, r));
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if ("%timefilter%" in o) return o["%timefilter%"] === "min" ? r.min : r.max;
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, bounds(x, r)]));
};
const specOf = (o: Obj) => JSON.parse(JSON.parse(o.attributes.visState as string).params.spec);
const byId = (id: string) => objects.find((o) => o.id === id)!;

/** The spec's query run as Kibana would for a time range (index namespaced), then its transforms applied. */
async function runPanel(o: Obj, r: Range = { min: Date.now() - YEAR, max: Date.now() }): Promise<Row[]> {
  const spec = specOf(o);
  const url = spec.data.url;
  const body = bounds(structuredClone(url.body), r) as Record<string, unknown>;
  expect(url["%context%"]).toBe(true);
  expect(body.query).toBeUndefined(); // the dashboard's query, filters and time range, not the panel's own
  const iso = (t: number) => new Date(t).toISOString();
  const range = { gte: iso(r.min), lte: iso(r.max), format: "strict_date_optional_time" };
  body.query = { bool: { must: [{ range: { [url["%timefield%"]]: range } }] } };
  const index = (indicesOf(cfg) as Record<string, string>)[
    { "btc-value": "value", "btc-volume": "volume", "btc-miner": "miner" }[url.index as string]!
  ]!;
  const res = (await esClient(cfg).search({ index, ...body })) as unknown as Row;
  let rows = at(res, spec.data.format.property) as Row[];
  for (const t of spec.transform ?? []) {
    if (t.flatten) {
      rows = rows.flatMap((r) => (at(r, t.flatten[0]) as Row[]).map((x) => ({ ...r, [t.as[0]]: x })));
    } else if (t.calculate) {
      const fn = new Function("datum", `return (${t.calculate});`) as (d: Row) => unknown;
      rows = rows.map((r) => ({ ...r, [t.as]: fn(r) }));
    }
  }
  return rows;
}

const figures = async (id: string, field: string, r?: Range) => (await runPanel(byId(id), r)).map((x) => x[field]);

test("each time-series panel's query gives the capture's figures", async () => {
  const prices = await figures("btc-price-eur", "y");
  expect(prices.filter((y) => y !== null)).toEqual([60_000, 61_000.5, 62_345.67]);
  expect(await figures("btc-volume-btc", "y")).toEqual([1.5, 123.45678901, 2.50000001]);
  expect(await figures("btc-volume-eur", "y")).toEqual([90_000, 7_531_234.56, 155_863.42]);
  expect(await figures("btc-max-btc", "y")).toEqual([1, 120, 2]);
  expect(await figures("btc-max-eur", "y")).toEqual([60_000, 7_320_060, 124_691.34]);
  expect(await figures("btc-volume-btc", "key")).toEqual(f.hours);
});

test("the price line has every hour of the range, null (a gap) where there is no price", async () => {
  const r = { min: f.hours[0]!, max: f.now };
  const rows = await runPanel(byId("btc-price-eur"), r);
  const expected = [];
  for (let h = f.hours[0]!; h <= f.now; h += HOUR) {
    const inHour = f.value.filter((v) => v.time >= h && v.time < h + HOUR).map((v) => v.eur);
    expected.push([h, inHour.length ? inHour.reduce((a, b) => a + b) / inHour.length : null]);
  }
  expect(rows.map((x) => [x.key, x.y])).toEqual(expected);
  expect(expected.some(([, y]) => y === null)).toBe(true); // the fixture has an hour without a price
});

test("the time axes are UTC: a UTC scale and UTC time units; a line breaks at nulls (invalid not set to null)", () => {
  for (const id of ["btc-price-eur", "btc-volume-btc", "btc-volume-eur", "btc-max-btc", "btc-max-eur"]) {
    const spec = specOf(byId(id));
    expect(spec.encoding.x).toMatchObject({ type: "temporal", scale: { type: "utc" } });
    expect(spec.encoding.x.timeUnit).toStartWith("utc");
    expect(JSON.stringify(spec)).not.toContain('"invalid":null');
    expect(spec.data.url.body.aggs.hours.date_histogram.time_zone).toBe("UTC");
  }
  const price = specOf(byId("btc-price-eur"));
  expect(price.mark.type).toBe("line");
  expect(price.data.url.body.aggs.hours.date_histogram).toMatchObject({
    min_doc_count: 0,
    extended_bounds: { min: { "%timefilter%": "min" }, max: { "%timefilter%": "max" } },
  });
  for (const id of ["btc-miners-day-btc", "btc-miners-month-eur"])
    expect(specOf(byId(id)).encoding.x.timeUnit).toStartWith("utc");
});

test("each miners panel's query gives the top miners per day and per month", async () => {
  const rows = async (id: string, r?: Range) => (await runPanel(byId(id), r)).map((x) => [x.key, x.miner, x.reward]);
  const yesterday = f.today - 24 * 3600_000;
  expect(await rows("btc-miners-day-btc")).toEqual([
    [yesterday, "ViaBTC", 31.5],
    [f.today, "Foundry USA", 9.45],
    [f.today, "AntPool", 6.3],
    [f.today, EVIL, 3.15],
  ]);
  expect((await rows("btc-miners-day-eur")).slice(1)).toEqual([
    [f.today, "Foundry USA", 589_000.12],
    [f.today, "AntPool", 392_700],
    [f.today, EVIL, 196_350.5],
  ]);
  const month = await rows("btc-miners-month-btc");
  expect(month.slice(-3)).toEqual([
    [f.month, "Foundry USA", 126],
    [f.month, "AntPool", 94.5],
    [f.month, EVIL, 15.75],
  ]);
  expect((await rows("btc-miners-month-eur")).slice(-3).map((r) => r[2])).toEqual([7_854_000, 5_890_500.25, 981_750]);
});

test("the miners panels follow the time picker: the days and months that start within its range", async () => {
  const rows = async (id: string, r: Range) => (await runPanel(byId(id), r)).map((x) => [x.key, x.miner]);
  const today = { min: f.today, max: f.now };
  expect(await rows("btc-miners-day-btc", today)).toEqual([
    [f.today, "Foundry USA"],
    [f.today, "AntPool"],
    [f.today, EVIL],
  ]);
  const lastMonth = { min: f.month - 40 * 24 * HOUR, max: f.month - 1 };
  expect(await rows("btc-miners-month-btc", lastMonth)).toEqual([[lastMonthOf(f.month), "ViaBTC"]]);
  expect(await rows("btc-miners-day-eur", { min: f.today - 30 * 24 * HOUR, max: f.today - 24 * HOUR - 1 })).toEqual([]);
});
