// Create the Elasticsearch indices from es-indices.http (the REST-client file a person can send from an editor),
// or check the ones that exist: mappings and replicas that differ from the file are reported and the script exits
// 2; a live mapping is never changed silently. A shard count that differs is said (make rebuild applies it). Running it twice changes nothing.
// Each name (btc-value, btc-volume, btc-miner, btc-raw-bpi, btc-raw-blocks, btc-raw-transactions) is an alias of
// its generation `<name>-g<N>` (generations.ts): a missing name is created as generation 1 with its alias; a name
// that is still a concrete index (a deployment from before the aliases) is checked as it is (make rebuild turns it
// into an alias). Reads: ES_NODES (and credentials), INDEX_SHARDS (1), INDEX_REPLICAS (2; 0 small), BTC_NAMESPACE.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import { type Config, configOrExit, indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { fatal } from "../lib/log.ts";
import { generationName, type NameState, nextGeneration, stateOf } from "./generations.ts";

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

/** The specs as this configuration creates them: namespaced names (the aliases, whatever INDEX_GENERATION says),
 * INDEX_SHARDS and INDEX_REPLICAS applied. */
export function indexSpecs(cfg: Config, text = readFileSync(INDICES_FILE, "utf8")): IndexSpec[] {
  const names = indicesOf({ namespace: cfg.namespace }) as Record<string, string>;
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

/** The field (dotted path) of a difference that only makes the live index do more than the file asks: a field
 * indexed there that the file leaves unindexed (`index: false`). Elasticsearch works more per document, the figures
 * are the same. Undefined for any other difference. */
export function fieldIndexedMore(drift: string): string | undefined {
  const m = drift.match(/^(.*)\.index: live (undefined|true), file false$/);
  return m ? m[1]!.replace(/(^|\.)properties\./g, "$1") : undefined;
}

/** Every concrete index of a name (legacy, generations in use or left over), with its aliases, mappings, settings. */
export async function liveIndices(es: Client, alias: string) {
  return es.indices.get({
    index: [alias, `${alias}-g*`],
    ignore_unavailable: true,
    allow_no_indices: true,
    expand_wildcards: "all",
  });
}

/** Where each of this configuration's names stands (generations.ts). */
export async function nameStates(cfg: Config, es = esClient(cfg)): Promise<NameState[]> {
  return Promise.all(indexSpecs(cfg).map(async (s) => stateOf(s.name, await liveIndices(es, s.name))));
}

/** Create generation `n` of a spec, with its alias when `alias` is set. */
export async function createGeneration(es: Client, spec: IndexSpec, n: number, alias = false) {
  const index = generationName(spec.name, n);
  const aliases = alias ? { [spec.name]: {} } : undefined;
  await es.indices.create({ index, aliases, settings: spec.settings, mappings: spec.mappings as never });
  return index;
}

/** Create missing indices and compare the others; returns what was created and the drift found (by name). */
export async function ensureIndices(cfg: Config, say: (line: string) => void = () => {}) {
  const es = esClient(cfg);
  const created: string[] = [];
  const drift: Record<string, string[]> = {};
  for (const spec of indexSpecs(cfg)) {
    const live = await liveIndices(es, spec.name);
    const state = stateOf(spec.name, live);
    if (state.problem) {
      drift[spec.name] = [state.problem];
      say(`DRIFT index ${spec.name}: ${state.problem}`);
      continue;
    }
    if (!state.current) {
      const index = await createGeneration(es, spec, nextGeneration([state]), true);
      created.push(spec.name);
      const { number_of_shards: shards, number_of_replicas: replicas } = spec.settings;
      say(
        `created index ${index} (${shards} shard${shards === 1 ? "" : "s"}, ${replicas} replicas), alias ${spec.name}`,
      );
      continue;
    }
    const info = live[state.current]!;
    const s = info.settings?.index ?? {};
    const all = mappingDrift(
      spec.mappings as Record<string, unknown>,
      (info.mappings ?? {}) as Record<string, unknown>,
    );
    const more = all.map(fieldIndexedMore).filter((f) => f !== undefined);
    const diffs = all.filter((d) => fieldIndexedMore(d) === undefined);
    const shards = spec.settings.number_of_shards;
    // a shard count is fixed at creation and changes the speed, never the figures: said, and left to make rebuild
    if (Number(s.number_of_shards) !== shards)
      say(
        `index ${state.current}: ${s.number_of_shards} shards, ${shards} wanted: REBUILD_CONFIRM=yes make rebuild ` +
          `moves it to a new generation with ${shards}`,
      );
    if (Number(s.number_of_replicas) !== spec.settings.number_of_replicas)
      diffs.push(`replicas: live ${s.number_of_replicas}, wanted ${spec.settings.number_of_replicas}`);
    // like a shard count: said, with the rebuild that applies it, never a DRIFT that stops make up
    if (more.length > 0)
      say(
        `index ${state.current}: indexes ${more.join(", ")}, which es-indices.http leaves unindexed (more work per ` +
          "document, the same figures): REBUILD_CONFIRM=yes make rebuild applies it",
      );
    const what = state.legacy ? `${spec.name} (a concrete index: make rebuild makes it an alias)` : state.current;
    if (diffs.length === 0) say(`index ${what}: as specified`);
    else {
      drift[spec.name] = diffs;
      say(`DRIFT index ${what}:\n      ${diffs.join("\n      ")}`);
    }
  }
  return { created, drift };
}

/** Delete every concrete index behind this configuration's names (deleting through an alias deletes nothing). */
export async function dropIndices(cfg: Config): Promise<string[]> {
  const es = esClient(cfg);
  const all = await Promise.all(indexSpecs(cfg).map(async (s) => Object.keys(await liveIndices(es, s.name))));
  const indices = all.flat();
  if (indices.length > 0) await es.indices.delete({ index: indices, ignore_unavailable: true });
  return indices;
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
