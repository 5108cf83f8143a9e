// kibana-export.ndjson, checked without Kibana (it cannot be installed here): every line is a saved object; every
// reference resolves to an object of the file; the file is what scripts/setup/kibana-export.ts generates; and
// every panel's Elasticsearch query, taken out of its Vega-Lite spec (data.url index and body), run against a
// namespace fed with the known capture, gives the expected figures once the spec's own transforms are applied.
// `%context%` panels get the filter Kibana would add: a range on their `%timefield%` (here: the last year).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { EXPORT_FILE, ndjson } from "../scripts/setup/kibana-export.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { EVIL, type Fixture, fixture, seed } from "./dashboard-fixture.ts";

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

/** The spec's query run as Kibana would (index namespaced), then its flatten/calculate transforms applied. */
async function runPanel(o: Obj): Promise<Row[]> {
  const spec = JSON.parse(JSON.parse(o.attributes.visState as string).params.spec);
  const url = spec.data.url;
  const body = structuredClone(url.body);
  if (url["%context%"])
    body.query = { bool: { must: [{ range: { [url["%timefield%"]]: { gte: "now-1y", lte: "now" } } }] } };
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

const figures = async (id: string, field: string) =>
  (await runPanel(objects.find((o) => o.id === id)!)).map((r) => r[field]);

test("each time-series panel's query gives the capture's figures", async () => {
  expect(await figures("btc-price-eur", "y")).toEqual([60_000, 61_000.5, 62_345.67]);
  expect(await figures("btc-volume-btc", "y")).toEqual([1.5, 123.45678901, 2.50000001]);
  expect(await figures("btc-volume-eur", "y")).toEqual([90_000, 7_531_234.56, 155_863.42]);
  expect(await figures("btc-max-btc", "y")).toEqual([1, 120, 2]);
  expect(await figures("btc-max-eur", "y")).toEqual([60_000, 7_320_060, 124_691.34]);
  expect(await figures("btc-volume-btc", "key")).toEqual(f.hours);
});

test("each miners panel's query gives the top miners per day and per month", async () => {
  const rows = async (id: string) =>
    (await runPanel(objects.find((o) => o.id === id)!)).map((r) => [r.key, r.miner, r.reward]);
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
