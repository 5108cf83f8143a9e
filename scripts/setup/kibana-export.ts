// Writes kibana-export.ndjson: the Kibana 8.19 saved objects of the project (data views of btc-value, btc-volume,
// btc-miner; one Vega-Lite visualization per metric whose Elasticsearch query body is written out in its spec, so a
// test runs every panel's query; a dashboard that refreshes itself every 10 s). Every panel follows the dashboard's
// time picker and filters; time axes are UTC (kibana-specs.ts). The file is generated, never edited by hand:
// `bun scripts/setup/kibana-export.ts` rewrites it, and a test checks it matches.
// Indices read by the panels: btc-value (time), btc-volume (hour), btc-miner (start). No env var.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatal } from "../lib/log.ts";
import { miners, series } from "./kibana-specs.ts";

export const EXPORT_FILE = join(import.meta.dir, "../../kibana-export.ndjson");
type Obj = {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: unknown[];
  [k: string]: unknown;
};

const dataView = (id: string, timeFieldName: string): Obj => ({
  type: "index-pattern",
  id,
  attributes: { title: id, name: id, timeFieldName },
  references: [],
  coreMigrationVersion: "8.8.0",
  typeMigrationVersion: "8.0.0",
});

const vis = (id: string, title: string, spec: unknown): Obj => ({
  type: "visualization",
  id,
  attributes: {
    title,
    description: "",
    uiStateJSON: "{}",
    version: 1,
    visState: JSON.stringify({ title, type: "vega", aggs: [], params: { spec: JSON.stringify(spec, null, 2) } }),
    kibanaSavedObjectMeta: {
      searchSourceJSON: JSON.stringify({ query: { query: "", language: "kuery" }, filter: [] }),
    },
  },
  references: [],
  coreMigrationVersion: "8.8.0",
  typeMigrationVersion: "8.5.0",
});

export function savedObjects(): Obj[] {
  const visuals = [
    vis(
      "btc-price-eur",
      "Price (EUR)",
      series("btc-value", "time", { avg: { field: "eur" } }, "datum.v.value", "EUR per BTC", "line"),
    ),
    vis(
      "btc-volume-btc",
      "Hourly volume (BTC)",
      series("btc-volume", "hour", { sum: { field: "volume_sat" } }, "datum.v.value / 1e8", "BTC", "bar"),
    ),
    vis(
      "btc-volume-eur",
      "Hourly volume (EUR)",
      series("btc-volume", "hour", { sum: { field: "volume_eur" } }, "datum.v.value", "EUR", "bar"),
    ),
    vis(
      "btc-max-btc",
      "Largest transaction per hour (BTC)",
      series("btc-volume", "hour", { max: { field: "max_sat" } }, "datum.v.value / 1e8", "BTC", "bar"),
    ),
    vis(
      "btc-max-eur",
      "Largest transaction per hour (EUR)",
      series("btc-volume", "hour", { max: { field: "max_eur" } }, "datum.v.value", "EUR", "bar"),
    ),
    vis("btc-miners-day-btc", "Top miners per day (BTC)", miners("day", "btc")),
    vis("btc-miners-day-eur", "Top miners per day (EUR)", miners("day", "eur")),
    vis("btc-miners-month-btc", "Top miners per month (BTC)", miners("month", "btc")),
    vis("btc-miners-month-eur", "Top miners per month (EUR)", miners("month", "eur")),
  ];
  const panels = visuals.map((_v, i) => ({
    version: "8.19.0",
    type: "visualization",
    gridData: {
      x: i === 0 ? 0 : ((i - 1) % 2) * 24,
      y: i === 0 ? 0 : 15 * (1 + Math.floor((i - 1) / 2)),
      w: i === 0 ? 48 : 24,
      h: 15,
      i: String(i + 1),
    },
    panelIndex: String(i + 1),
    embeddableConfig: {},
    panelRefName: `panel_${i + 1}`,
  }));
  const dashboard: Obj = {
    type: "dashboard",
    id: "btc-realtime",
    attributes: {
      title: "btc-realtime",
      description:
        "Price, hourly volume and largest transaction, top miners per day and month (UTC). The miners panels show " +
        "the days and months that start within the time range.",
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ useMargins: true, syncColors: false, hidePanelTitles: false }),
      timeRestore: true,
      timeFrom: "now-7d",
      timeTo: "now",
      refreshInterval: { pause: false, value: 10_000 },
      version: 1,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({ query: { query: "", language: "kuery" }, filter: [] }),
      },
    },
    references: visuals.map((v, i) => ({ name: `${i + 1}:panel_${i + 1}`, type: "visualization", id: v.id })),
    coreMigrationVersion: "8.8.0",
    typeMigrationVersion: "8.9.0",
  };
  return [
    dataView("btc-value", "time"),
    dataView("btc-volume", "hour"),
    dataView("btc-miner", "start"),
    ...visuals,
    dashboard,
  ];
}

export const ndjson = () =>
  `${savedObjects()
    .map((o) => JSON.stringify(o))
    .join("\n")}\n`;

async function main() {
  writeFileSync(EXPORT_FILE, ndjson());
  console.log(`wrote ${EXPORT_FILE}`);
}

if (import.meta.main) main().catch(fatal);
