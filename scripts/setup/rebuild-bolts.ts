// make rebuild's own bolts: the five real bolts as child processes (`bun scripts/bolts/<b>.ts`) writing to the new
// generation (INDEX_GENERATION=N) in their own consumer groups (`<group>-rebuild`, BOLT_GROUP_SUFFIX). The source
// bolts read their topics from the beginning; the rollup bolts start at the update topics' current end, since the
// source bolts announce again every hour and period they write. Waits until they have caught up with the topics'
// end offsets taken at a given moment, printing each bolt's lag; a bolt that dies is started again (5 times).
// Logs: var/log/rebuild-[<namespace>-]<bolt>.log (or a given folder). Env: as the bolts (passed on), BTC_VAR.

import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { BOLTS, defaultTopics, groupOf } from "../health/pipeline-health.ts";
import { type Config, PROJECT_ROOT } from "../lib/config.ts";
import {
  behind,
  type Offsets,
  progressLine,
  REBUILD_GROUP_SUFFIX,
  ROLLUP_BOLTS,
  SOURCE_BOLTS,
} from "./rebuild-plan.ts";

export const rebuildGroupOf = (cfg: Config, bolt: string) => `${groupOf(cfg, bolt)}${REBUILD_GROUP_SUFFIX}`;
type Say = (line: string) => void;

/** Start and end offsets of topics, per "topic/partition". */
export async function offsetsOf(admin: Admin, topics: string[]) {
  const starts: Offsets = {};
  const ends: Offsets = {};
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) {
      starts[`${topic}/${p.partition}`] = Number(p.low);
      ends[`${topic}/${p.partition}`] = Number(p.high);
    }
  return { starts, ends };
}

async function committedOf(admin: Admin, groupId: string, topics: string[]): Promise<Offsets> {
  const out: Offsets = {};
  for (const t of await admin.fetchOffsets({ groupId, topics }))
    for (const p of t.partitions) out[`${t.topic}/${p.partition}`] = Number(p.offset);
  return out;
}

/** Groups of `groups` that still have members (a running consumer). */
export async function activeGroups(admin: Admin, groups: string[]): Promise<string[]> {
  const { groups: got } = await admin.describeGroups(groups);
  return got.filter((g) => g.members.length > 0).map((g) => g.groupId);
}

/** Fresh rebuild groups: left-over ones deleted (refused while one runs), the rollups' set to the current end. */
export async function prepareGroups(admin: Admin, cfg: Config): Promise<void> {
  const groups = BOLTS.map((b) => rebuildGroupOf(cfg, b));
  const busy = await activeGroups(admin, groups);
  if (busy.length > 0) throw new Error(`another rebuild is running (consumer groups ${busy.join(", ")} have members)`);
  await admin.deleteGroups(groups).catch(() => {}); // only left-over groups exist; the others answer "not found"
  for (const b of ROLLUP_BOLTS)
    for (const topic of defaultTopics(cfg)[b]!) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId: rebuildGroupOf(cfg, b),
        topic,
        partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    }
}

/** The five bolts writing generation `n`; `stop()` ends them (SIGTERM, then SIGKILL after 20 s). */
export function startRebuildBolts(
  cfg: Config,
  n: number,
  say: Say,
  extraEnv: Record<string, string> = {},
  dir?: string,
) {
  const logs = dir ?? join(process.env.BTC_VAR || join(PROJECT_ROOT, "var"), "log");
  mkdirSync(logs, { recursive: true });
  const env: Record<string, string | undefined> = {
    ...process.env,
    BTC_NAMESPACE: cfg.namespace,
    ...extraEnv,
    INDEX_GENERATION: String(n),
    BOLT_GROUP_SUFFIX: REBUILD_GROUP_SUFFIX,
  };
  // each bolt is itself (its identity, users and secrets), not the one who runs the rebuild
  if (cfg.secure)
    for (const k of ["BTC_IDENTITY", "KAFKA_USERNAME", "KAFKA_PASSWORD", "ES_USERNAME", "ES_PASSWORD"]) delete env[k];
  const procs = new Map<string, Subprocess>();
  let stopping = false;
  let restarts = 0;
  const spawn = (bolt: string) => {
    const log = openSync(join(logs, `rebuild-${cfg.namespace ? `${cfg.namespace}-` : ""}${bolt}.log`), "a");
    const p = Bun.spawn(["bun", `scripts/bolts/${bolt}.ts`], { cwd: PROJECT_ROOT, env, stdout: log, stderr: log });
    procs.set(bolt, p);
    void p.exited.then((code) => {
      if (stopping || ++restarts > 5) return;
      say(`    rebuild bolt ${bolt} exited (${code}): starting it again (see ${logs}/rebuild-*.log)`);
      spawn(bolt);
    });
  };
  for (const b of BOLTS) spawn(b);
  return {
    failed: () => restarts > 5,
    async stop() {
      stopping = true;
      for (const p of procs.values()) p.kill("SIGTERM");
      const kill = setTimeout(() => {
        for (const p of procs.values()) p.kill("SIGKILL");
      }, 20_000);
      await Promise.all([...procs.values()].map((p) => p.exited));
      clearTimeout(kill);
    },
  };
}
export type RebuildBolts = ReturnType<typeof startRebuildBolts>;

/** Records a rebuild bolt has still to read to reach `at` (default: the end offsets now). */
async function lagOf(admin: Admin, cfg: Config, bolt: string, at?: { starts: Offsets; ends: Offsets }) {
  const topics = defaultTopics(cfg)[bolt]!;
  const { starts, ends } = at ?? (await offsetsOf(admin, topics));
  return behind(ends, await committedOf(admin, rebuildGroupOf(cfg, bolt), topics), starts);
}

/** Wait until the rebuild groups have read every record there was at the call: the source topics first, then the
 * update topics as they stand once the sources are done. Prints every bolt's lag every 5 s. */
export async function catchUp(admin: Admin, cfg: Config, bolts: RebuildBolts, say: Say): Promise<void> {
  const started = Date.now();
  const topics = defaultTopics(cfg);
  for (const phase of [SOURCE_BOLTS, ROLLUP_BOLTS]) {
    const targets = await Promise.all(phase.map((b) => offsetsOf(admin, topics[b]!)));
    for (let shown = 0; ; await Bun.sleep(1000)) {
      if (bolts.failed()) throw new Error("a rebuild bolt keeps dying: see its log");
      const left = await Promise.all(phase.map((b, i) => lagOf(admin, cfg, b, targets[i])));
      const done = left.every((n) => n === 0);
      if (done || Date.now() - shown >= 5000) {
        const lags = await Promise.all(BOLTS.map(async (b) => [b, await lagOf(admin, cfg, b)] as const));
        say(progressLine(Object.fromEntries(lags), Date.now() - started));
        shown = Date.now();
      }
      if (done) break;
    }
  }
}
