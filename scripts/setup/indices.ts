// Create the Elasticsearch indices from es-indices.http (the REST-client file a person can send from an editor),
// or check the ones that exist: mappings, shards and replicas that differ from the file are reported and the
// script exits 2; a live mapping is never changed silently. Running it twice changes nothing.
// Indices: btc-value, btc-volume, btc-miner, btc-raw-bpi, btc-raw-blocks, btc-raw-transactions.
// Reads: ES_NODES (and credentials), INDEX_SHARDS (3), INDEX_REPLICAS (2; 0 small), BTC_NAMESPACE.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Config, configOrExit, indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { fatal } from "../lib/log.ts";

export type IndexSpec = {
  name: string;
  settings: { number_of_shards: number; number_of_replicas: number; [k: string]: unknown };
  mappings: { dynamic: string; properties: Record<string, unknown> };
};

export const INDICES_FILE = join(import.meta.dir, "../../es-indices.http");

/** The `PUT {{es}}/<index>` requests of a REST-client file, with their JSON bodies. */
export function parseIndicesFile(text: string): IndexSpec[] {
  const specs: IndexSpec[] = [];
  for (const block of text.split(/^###.*$/m).slice(1)) {
    const put = block.match(/^PUT \{\{es\}\}\/([a-z0-9-]+)\s*$/m);
    if (!put) continue;
    const start = block.indexOf("{", put.index! + put[0].length);
    const body = JSON.parse(block.slice(start)) as Omit<IndexSpec, "name">;
    specs.push({ name: put[1]!, ...body });
  }
  return specs;
}

/** The specs as this configuration creates them: namespaced names, INDEX_SHARDS and INDEX_REPLICAS applied. */
export function indexSpecs(cfg: Config, text = readFileSync(INDICES_FILE, "utf8")): IndexSpec[] {
  const names = indicesOf(cfg) as Record<string, string>;
  const byBase = new Map(
    Object.values(indicesOf({ namespace: "" })).map((base, i) => [base, Object.values(names)[i]!]),
  );
  return parseIndicesFile(text).map((s) => ({
    ...s,
    name: byBase.get(s.name) ?? s.name,
    settings: { ...s.settings, number_of_shards: cfg.es.shards, number_of_replicas: cfg.es.replicas },
  }));
}

/** Differences between the wanted mapping and the live one, field by field (empty when equal). */
export function mappingDrift(want: Record<string, unknown>, live: Record<string, unknown>, path = ""): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(want), ...Object.keys(live)])) {
    const w = want[key];
    const l = live[key];
    const here = path ? `${path}.${key}` : key;
    if (w && l && typeof w === "object" && typeof l === "object")
      out.push(...mappingDrift(w as Record<string, unknown>, l as Record<string, unknown>, here));
    else if (String(w) !== String(l)) out.push(`${here}: live ${JSON.stringify(l)}, file ${JSON.stringify(w)}`);
  }
  return out;
}

/** Create missing indices and compare the others; returns what was created and the drift found. */
export async function ensureIndices(cfg: Config, say: (line: string) => void = () => {}) {
  const es = esClient(cfg);
  const created: string[] = [];
  const drift: Record<string, string[]> = {};
  for (const spec of indexSpecs(cfg)) {
    if (!(await es.indices.exists({ index: spec.name }))) {
      await es.indices.create({ index: spec.name, settings: spec.settings, mappings: spec.mappings as never });
      created.push(spec.name);
      say(
        `created index ${spec.name} (${spec.settings.number_of_shards} shards, ${spec.settings.number_of_replicas} replicas)`,
      );
      continue;
    }
    const live = await es.indices.get({ index: spec.name });
    const info = live[spec.name]!;
    const s = info.settings?.index ?? {};
    const diffs = mappingDrift(
      spec.mappings as Record<string, unknown>,
      (info.mappings ?? {}) as Record<string, unknown>,
    );
    if (Number(s.number_of_shards) !== spec.settings.number_of_shards)
      diffs.push(`shards: live ${s.number_of_shards}, wanted ${spec.settings.number_of_shards}`);
    if (Number(s.number_of_replicas) !== spec.settings.number_of_replicas)
      diffs.push(`replicas: live ${s.number_of_replicas}, wanted ${spec.settings.number_of_replicas}`);
    if (diffs.length === 0) say(`index ${spec.name}: as specified`);
    else {
      drift[spec.name] = diffs;
      say(`DRIFT index ${spec.name}:\n      ${diffs.join("\n      ")}`);
    }
  }
  return { created, drift };
}

async function main() {
  const cfg = configOrExit();
  const { drift } = await ensureIndices(cfg, (line) => console.log(`    ${line}`));
  const n = Object.keys(drift).length;
  if (n > 0) {
    console.error(`${n} index(es) differ from es-indices.http: reindex into a new index, or fix the file`);
    process.exit(2);
  }
}

if (import.meta.main) main().catch(fatal);
