// make rebuild: rebuild every Elasticsearch index from the history Kafka keeps, without losing any: into a new
// generation of the indices, while the live bolts go on writing the current one, then every alias moves to it.
// 1. Refuses (exit 3, nothing changed) when a source topic's log no longer starts at 0 and the current indices hold
//    what came from before it (rebuild-history.ts); REBUILD_ALLOW_LOSS=yes goes on knowingly.
// 2. Creates generation N+1 of every index (generations.ts). 3. Runs the five real bolts as child processes in their
//    own consumer groups (<group>-rebuild), writing to it (INDEX_GENERATION), until they catch up (rebuild-bolts.ts).
// 4. Stops the live bolts (REBUILD_LIVE_BOLTS: supervisord's storm:bolt-* programs, or none in a namespace) and lets
//    the rebuild bolts drain. 5. Moves every alias in one atomic `_aliases` request (a concrete index from before the
//    aliases is removed in that request, after a clone `<name>-g0` is kept). 6. Stops the rebuild bolts and starts the
//    live ones again: they go on from their committed offsets into the new generation; the overlap is harmless, as
//    every write is idempotent (raw: create or same id; rollups: external versions from the update records). The
//    old generation is kept (the command to delete it is printed), or deleted with REBUILD_DROP_OLD=yes.
// Topics in: every bolt's (through its bolts). Indices written: <name>-g<N+1>, the aliases. Env: REBUILD_CONFIRM=yes
// (required), REBUILD_ALLOW_LOSS, REBUILD_DROP_OLD, REBUILD_LIVE_BOLTS, BTC_NAMESPACE, the Kafka and ES variables.

import type { Client } from "@elastic/elasticsearch";
import { BOLTS } from "../health/pipeline-health.ts";
import { type Config, configOrExit } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { exitOnRefusal, Refused } from "../lib/refused.ts";
import { generationName, type NameState, nextGeneration, oldIndicesOf, swapActions } from "./generations.ts";
import { createGeneration, indexSpecs, nameStates } from "./indices.ts";
import { catchUp, prepareGroups, rebuildGroupOf, startRebuildBolts } from "./rebuild-bolts.ts";
import { missingHistory } from "./rebuild-history.ts";
import { type LiveBolts, liveIdle, noLiveBolts, supervisordBolts } from "./rebuild-live.ts";
import { refusalLines } from "./rebuild-plan.ts";

/** Move every alias to generation `n` in one request; a legacy index is first cloned to `<name>-g0` (kept). */
async function swap(es: Client, states: NameState[], n: number, dropOld: boolean) {
  const legacy = dropOld ? [] : states.filter((s) => s.legacy).map((s) => s.alias);
  const block = (on: boolean) =>
    es.indices.putSettings({ index: legacy, settings: { "index.blocks.write": on ? true : null } as never });
  if (legacy.length > 0) await block(true);
  try {
    for (const alias of legacy)
      await es.indices.clone({
        index: alias,
        target: generationName(alias, 0),
        settings: { "index.blocks.write": null } as never,
        wait_for_active_shards: "all",
      });
    await es.indices.updateAliases({ actions: swapActions(states, n) });
  } catch (e) {
    if (legacy.length > 0) await block(false);
    const clones = legacy.map((a) => generationName(a, 0));
    if (clones.length > 0) await es.indices.delete({ index: clones, ignore_unavailable: true });
    throw e;
  }
}

type Say = (line: string) => void;
type Opts = { live: LiveBolts; say: Say; boltEnv?: Record<string, string>; logDir?: string };

/** The whole rebuild (steps 1-6 above); throws Refused, with the reason, when it would lose history. */
export async function rebuild(cfg: Config, opts: Opts) {
  const { say } = opts;
  const es = esClient(cfg);
  const kafka = kafkaClient(cfg, "rebuild");
  const admin = kafka.admin();
  await admin.connect();
  try {
    say("==> [1/6] checking that Kafka still holds the history the current indices cover");
    const states = await nameStates(cfg, es);
    const problem = states.find((s) => s.problem)?.problem;
    if (problem) throw new Error(problem);
    const held = await missingHistory(cfg, admin, es);
    if (held.length > 0 && !cfg.rebuild.allowLoss) throw new Refused(refusalLines(held, false).join("\n"));
    for (const line of held.length > 0 ? refusalLines(held, true) : ["    it does"]) say(line);
    const n = nextGeneration(states);
    say(`==> [2/6] creating generation ${n} of every index`);
    for (const spec of indexSpecs(cfg)) say(`    created ${await createGeneration(es, spec, n)}`);
    say(`==> [3/6] replaying the topics into generation ${n} (consumer groups ${rebuildGroupOf(cfg, "<bolt>")})`);
    await prepareGroups(admin, cfg);
    const bolts = startRebuildBolts(cfg, n, say, opts.boltEnv, opts.logDir);
    let liveStopped = false;
    try {
      await catchUp(admin, cfg, bolts, say);
      say("==> [4/6] caught up: stopping the live bolts, then letting the rebuild bolts drain");
      liveStopped = true;
      await opts.live.stop();
      await liveIdle(admin, cfg);
      await catchUp(admin, cfg, bolts, say);
      say(`==> [5/6] moving every alias to generation ${n} in one _aliases request`);
      await swap(es, states, n, cfg.rebuild.dropOld);
    } catch (e) {
      const unused = indexSpecs(cfg).map((s) => generationName(s.name, n));
      say(`    aliases unchanged; the unfinished generation is left: curl -XDELETE '${cfg.es.nodes[0]}/${unused}'`);
      throw e;
    } finally {
      say("==> [6/6] stopping the rebuild bolts, starting the live ones again");
      await bolts.stop();
      if (liveStopped) await opts.live.start();
    }
    await admin.deleteGroups(BOLTS.map((b) => rebuildGroupOf(cfg, b))).catch(() => {});
    const old = oldIndicesOf(cfg.rebuild.dropOld ? states.filter((s) => !s.legacy) : states);
    if (cfg.rebuild.dropOld && old.length > 0) await es.indices.delete({ index: old, ignore_unavailable: true });
    if (cfg.rebuild.dropOld) say(`    done: generation ${n} in use, the old one deleted (REBUILD_DROP_OLD=yes)`);
    else if (old.length > 0)
      say(`    done: generation ${n} in use; the old one is kept: curl -XDELETE '${cfg.es.nodes[0]}/${old}'`);
    return { generation: n, old };
  } finally {
    await admin.disconnect();
    await es.close();
  }
}

async function main() {
  const cfg = configOrExit();
  if (!cfg.rebuild.confirm) {
    console.error("this rebuilds every index from Kafka into a new generation: REBUILD_CONFIRM=yes make rebuild");
    process.exit(1);
  }
  const say = (line: string) => console.log(line);
  const live = cfg.rebuild.liveBolts === "supervisord" ? supervisordBolts(say) : noLiveBolts(say);
  await exitOnRefusal(() => rebuild(cfg, { live, say }));
}

if (import.meta.main) main().catch(fatal);
