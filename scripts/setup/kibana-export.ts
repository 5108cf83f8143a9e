// Writes kibana-export.ndjson: the Kibana 8.19 saved objects of the project (data views of btc-value, btc-volume,
// btc-miner; one Vega-Lite visualization per metric whose Elasticsearch query body is written out in its spec, so a
// test runs every panel's query; a dashboard that refreshes itself every 10 s). Every panel follows the dashboard's
// time picker and filters; time axes are UTC (kibana-specs.ts; what each panel shows: docs/kibana.md). The file is generated, never edited by hand:
// `bun scripts/setup/kibana-export.ts` rewrites it, and a test checks it matches.
// Indices read by the panels: btc-value (time), btc-volume (hour), btc-miner (start). No env var.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatal } from "../lib/log.ts";
import { hourly, price } from "./kibana-specs.ts";
import { miners } from "./kibana-specs-miners.ts";

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
    vis("btc-price-eur", "Price (EUR)", price()),
    vis(
      "btc-volume-btc",
      "Hourly volume (BTC)",
      hourly({ sum: { field: "volume_sat" } }, "datum.v.value / 1e8", "volume (BTC)", false),
    ),
    vis(
      "btc-volume-eur",
      "Hourly volume (EUR)",
      hourly({ sum: { field: "volume_eur_cents" } }, "datum.v.value / 100", "volume (EUR)", true),
    ),
    vis(
      "btc-max-btc",
      "Largest transaction per hour (BTC)",
      hourly({ max: { field: "max_sat" } }, "datum.v.value / 1e8", "largest (BTC)", false),
    ),
    vis(
      "btc-max-eur",
      "Largest transaction per hour (EUR)",
      hourly({ max: { field: "max_eur_cents" } }, "datum.v.value / 100", "largest (EUR)", true),
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
        "Price, hourly volume and largest transaction, top miners per day and month (UTC). Every hour, day and " +
        "month that overlaps the time range is shown whole; EUR bars label what still waits for a price. See " +
        "docs/kibana.md.",
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
