// kibana-export.ndjson, checked without Kibana (it cannot be installed here): every line is a saved object; every
// reference resolves; the file is what scripts/setup/kibana-export.ts generates; and every panel's Elasticsearch
// query, built from its Vega-Lite spec the way Kibana builds it for a time range and the dashboard's filter pills
// (tests/kibana-vega.ts), run against a namespace fed with a capture at fixed dates (tests/kibana-fixture.ts), gives
// the figures of a plain reference once the spec's own transforms are applied. Covered: a range that starts on the
// 10th of a month (its month and day are shown, filters still applied), a 10-year range (the price panel stays
// within the bucket limit), an hour with transactions waiting for a price (the EUR panels say how many), a range
// starting mid-hour (its first hour is shown whole).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { EXPORT_FILE, ndjson } from "../scripts/setup/kibana-export.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { at as iso, seedKibana } from "./kibana-fixture.ts";
import { hoursOf, minersOf, pricesOf } from "./kibana-reference.ts";
import { at, kibanaRequest, type Pills, type Range, type Row, transform } from "./kibana-vega.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
type Obj = { type: string; id: string; attributes: Record<string, unknown>; references?: Array<Row> };
const text = readFileSync(EXPORT_FILE, "utf8");
const objects: Obj[] = text
  .trimEnd()
  .split("\n")
  .map((l) => JSON.parse(l));
const byId = (id: string) => objects.find((o) => o.id === id)!;
const specOf = (id: string) => JSON.parse(JSON.parse(byId(id).attributes.visState as string).params.spec);
let cfg: Config;

beforeAll(async () => {
  cfg = await freshNamespace("kibana-panels");
  await seedKibana(cfg);
}, 60_000);

afterAll(async () => {
  if (cfg) await dropNamespace(cfg);
}, 30_000);

/** A panel run as Kibana runs it: its request, Elasticsearch's answer, the rows after the spec's transforms, and
 * the rows of its text layer (the labels), if any. */
async function runPanel(id: string, r: Range, pills?: Pills) {
  const spec = specOf(id);
  const { index, body } = kibanaRequest(spec.data.url, r, pills);
  const ix = indicesOf(cfg) as Record<string, string>;
  const real = ix[{ "btc-value": "value", "btc-volume": "volume", "btc-miner": "miner" }[index]!]!;
  const res = await esClient(cfg).search({ index: real, ...body });
  const rows = transform(at(res, spec.data.format.property) as Row[], spec.transform);
  const textLayer = (spec.layer ?? []).find((l: Row) => (l.mark as Row).type === "text");
  return { body, rows, labels: textLayer ? transform(rows, textLayer.transform) : [] };
}

test("every line is a saved object, ids unique, the file is what kibana-export.ts writes", () => {
  for (const o of objects) expect(typeof o.attributes.title).toBe("string");
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

test("a range starting mid-hour shows its first hour whole; each hourly panel gives the reference's figures", async () => {
  const r = { min: iso("2024-03-10T09:30:00Z"), max: iso("2024-03-10T13:20:00Z") };
  const want = hoursOf(r);
  expect(want.map((v) => v.hour)[0]).toBe(iso("2024-03-10T09:00:00Z"));
  const ys = async (id: string) => (await runPanel(id, r)).rows.map((x) => [x.key, x.y]);
  expect(await ys("btc-volume-btc")).toEqual(want.map((v) => [v.hour, v.volume_sat / 1e8]));
  expect(await ys("btc-volume-eur")).toEqual(want.map((v) => [v.hour, v.volume_eur_cents / 100]));
  expect(await ys("btc-max-btc")).toEqual(want.map((v) => [v.hour, v.max_sat / 1e8]));
  expect(await ys("btc-max-eur")).toEqual(want.map((v) => [v.hour, v.max_eur_cents / 100]));
  const late = { min: iso("2024-03-10T13:59:59.999Z"), max: iso("2024-03-10T15:00:00Z") };
  expect((await runPanel("btc-volume-btc", late)).rows.map((x) => x.key)).toEqual([iso("2024-03-10T13:00:00Z")]);
});

test("an hour with transactions waiting for a price: the EUR panels show how many beside the figure", async () => {
  const r = { min: iso("2024-03-10T00:00:00Z"), max: iso("2024-03-10T23:59:59.999Z") };
  for (const id of ["btc-volume-eur", "btc-max-eur"]) {
    const { rows, labels } = await runPanel(id, r);
    expect(rows.map((x) => x.pending)).toEqual(hoursOf(r).map((v) => v.pending_count));
    expect(labels.map((x) => [x.key, x.label])).toEqual([[iso("2024-03-10T11:00:00Z"), "2 pending"]]);
    const tooltip = specOf(id).layer[0].encoding.tooltip as Row[];
    expect(tooltip.map((t) => t.field)).toContain("pending");
  }
  for (const id of ["btc-volume-btc", "btc-max-btc"]) expect((await runPanel(id, r)).labels).toEqual([]);
});

test("a range starting on the 10th of a month shows that month and that day, all month long, filters applied", async () => {
  const rows = async (id: string, r: Range, pills?: Pills) =>
    (await runPanel(id, r, pills)).rows.map((x) => [x.key, x.miner, x.reward]);
  const tenth = { min: iso("2024-03-10T06:00:00Z"), max: iso("2024-03-17T06:00:00Z") };
  const march = iso("2024-03-01T00:00:00Z");
  for (const unit of ["btc", "eur"] as const) {
    expect((await rows(`btc-miners-month-${unit}`, tenth)).map((x) => x[0])).toEqual([march, march, march]);
    expect(await rows(`btc-miners-month-${unit}`, tenth)).toEqual(minersOf("month", unit, tenth));
    expect(await rows(`btc-miners-day-${unit}`, tenth)).toEqual(minersOf("day", unit, tenth));
  }
  const tenthDay = iso("2024-03-10T00:00:00Z"); // the day began before the range: shown
  expect(minersOf("day", "btc", tenth).map((x) => x[0])).toEqual([tenthDay, tenthDay, tenthDay]);
  const foundry = { filter: [{ match_phrase: { miner: "Foundry USA" } }] };
  expect(await rows("btc-miners-month-btc", tenth, foundry)).toEqual([[march, "Foundry USA", 126]]);
  const noAnt = { must_not: [{ match_phrase: { miner: "AntPool" } }] };
  expect(await rows("btc-miners-month-eur", tenth, noAnt)).toEqual(
    minersOf("month", "eur", tenth, (m) => m !== "AntPool"),
  );
  // the month before ends where the range starts; the month after starts where it ends (included: lte)
  const edges = { min: iso("2024-03-01T00:00:00Z"), max: iso("2024-04-01T00:00:00Z") };
  expect([...new Set((await rows("btc-miners-month-btc", edges)).map((x) => x[0]))]).toEqual([
    march,
    iso("2024-04-01T00:00:00Z"),
  ]);
  const lastDayOfFeb = { min: iso("2024-02-29T23:00:00Z"), max: iso("2024-03-02T00:00:00Z") };
  expect(await rows("btc-miners-month-btc", lastDayOfFeb)).toEqual(minersOf("month", "btc", lastDayOfFeb));
  expect(minersOf("month", "btc", lastDayOfFeb)[0]![1]).toBe("ViaBTC");
});

test("the EUR miners panels say how many blocks of a period wait for a price", async () => {
  const r = { min: iso("2024-03-10T06:00:00Z"), max: iso("2024-03-17T06:00:00Z") };
  const month = await runPanel("btc-miners-month-eur", r);
  expect(month.labels.map((x) => [x.key, x.label])).toEqual([[iso("2024-03-01T00:00:00Z"), "1 block pending"]]);
  expect(month.labels[0]!.total).toBe((785_400_000 + 589_050_025 + 98_175_000) / 100);
  const day = await runPanel("btc-miners-day-eur", r);
  expect(day.labels.map((x) => [x.key, x.label])).toEqual([[iso("2024-03-10T00:00:00Z"), "1 block pending"]]);
  expect((await runPanel("btc-miners-month-btc", r)).labels).toEqual([]);
});

test("the price panel picks its interval from the range: a week by the hour, gaps as nulls, first hour shown", async () => {
  const r = { min: iso("2024-03-10T09:30:00Z"), max: iso("2024-03-17T09:30:00Z") };
  const { body, rows } = await runPanel("btc-price-eur", r);
  expect(JSON.stringify(body)).toContain('"calendar_interval":"1h"');
  const want = pricesOf(r, iso("2024-03-10T09:00:00Z"), HOUR);
  expect(rows.map((x) => [x.key, x.y])).toEqual(want);
  expect(want.slice(0, 4).map((x) => x[1])).toEqual([60_100, 61_250.5, null, 62_345.67]);
});

test("the price panel on a 10-year range: weekly points, within Elasticsearch's bucket limit", async () => {
  const r = { min: iso("2014-06-01T00:00:00Z"), max: iso("2024-06-01T00:00:00Z") };
  const { body, rows } = await runPanel("btc-price-eur", r);
  expect(JSON.stringify(body)).toContain('"calendar_interval":"1w"');
  const want = pricesOf(r, iso("2014-05-26T00:00:00Z"), 7 * DAY); // the Monday of the range's first week
  expect(rows.length).toBeLessThan(65_536);
  const cents = (y: unknown) => (y === null ? null : Math.round((y as number) * 100) / 100); // a mean of 5 doubles
  expect(rows.map((x) => [x.key, cents(x.y)])).toEqual(want.map(([k, y]) => [k, cents(y)]));
  expect(want.filter((x) => x[1] !== null)).toHaveLength(2);
  for (const [min, max] of [
    [0, 3600_000],
    [iso("2000-01-01T00:00:00Z"), iso("2030-01-01T00:00:00Z")],
  ] as const)
    expect((await runPanel("btc-price-eur", { min, max })).rows.length).toBeLessThanOrEqual(7 * 200 + 2);
});

test("the time axes are UTC: UTC scales and time units, histograms in UTC, a line breaks at nulls", () => {
  for (const id of ["btc-price-eur", "btc-volume-btc", "btc-volume-eur", "btc-max-btc", "btc-max-eur"]) {
    const spec = specOf(id);
    const x = (spec.layer?.[0] ?? spec).encoding.x;
    expect(x).toMatchObject({ type: "temporal", scale: { type: "utc" } });
    expect(x.timeUnit ?? "utc").toStartWith("utc");
    expect(JSON.stringify(spec)).not.toContain('"invalid":null');
    expect(JSON.stringify(spec.data.url.body)).toContain('"time_zone":"UTC"');
  }
  for (const id of ["btc-miners-day-btc", "btc-miners-month-eur"])
    expect((specOf(id).layer?.[0] ?? specOf(id)).encoding.x.timeUnit).toStartWith("utc");
});
