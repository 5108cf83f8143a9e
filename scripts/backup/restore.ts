// make restore: put the platform's indices back from a snapshot (RESTORE_SNAPSHOT, default the newest successful
// one of this namespace), then make the bolts resume exactly: their consumer groups are moved back to the offsets
// the snapshot recorded, so they read again from Kafka all that came after it (raw writes are idempotent, rollups
// are recomputed from the raw documents and carry external versions: the figures come out exact).
// 1. Chooses the snapshot (lists them). 2. Refuses (exit 3) when Kafka deleted records the snapshot resumes from
//    (RESTORE_ALLOW_LOSS=yes goes on), or 3. when the cluster holds any index of the platform (RESTORE_CONFIRM=yes
//    deletes them first). 4. Stops the live bolts (supervisord's storm:bolt-* programs; in a namespace or with
//    BOLT_GROUP_SUFFIX whoever started them) and waits until their groups are idle. 5. Restores, showing the shards
//    until green. 6. Moves the groups. 7. Starts the live bolts again (only when all went well).
// Topics: the bolts' groups' offsets. Indices written: every index of the snapshot, with its aliases.
// Env: RESTORE_SNAPSHOT, RESTORE_CONFIRM, RESTORE_ALLOW_LOSS, SNAPSHOT_REPO, BTC_NAMESPACE, BOLT_GROUP_SUFFIX, ES_*,
// KAFKA_*.

import { type Config, configOrExit } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { exitOnRefusal, Refused } from "../lib/refused.ts";
import { type LiveBolts, supervisordBolts } from "../setup/rebuild-live.ts";
import { newestUsable, resetPlan } from "./backup-plan.ts";
import { logsOf, moveGroups, topicOf, waitGroupsIdle } from "./offsets.ts";
import { ensureRepository } from "./repository.ts";
import { listSnapshots, platformIndices } from "./snapshot.ts";

/** A cluster-state change can queue a while on a busy master: wait for it, and never send it twice. */
const SLOW = { requestTimeout: 330_000, maxRetries: 0 };
type Say = (line: string) => void;

/** Wait until the restored indices are green (primaries from the snapshot, then their replicas), showing them. */
async function untilGreen(es: ReturnType<typeof esClient>, index: string[], t0: number, say: Say) {
  for (let last = -1, moved = Date.now(); ; ) {
    const h = await es.cluster.health({ index, wait_for_status: "green", timeout: "2s" }, { ignore: [408] });
    const all = h.active_shards + h.initializing_shards + h.unassigned_shards;
    say(`    ${Math.round((Date.now() - t0) / 1000)} s: ${h.status}, ${h.active_shards}/${all} shard copies active`);
    if (h.status === "green") return;
    if (h.active_shards !== last) [last, moved] = [h.active_shards, Date.now()];
    else if (Date.now() - moved > 600_000) throw new Error("restore stalled 10 min: GET _cluster/allocation/explain");
  }
}

/** Wait until no snapshot is running in the repository (a scheduled one, say): indices being snapshotted cannot be
 * deleted. */
async function untilNoSnapshotRuns(es: ReturnType<typeof esClient>, repository: string, say: Say) {
  for (;;) {
    const running = (await es.snapshot.get({ repository, snapshot: "_current" })).snapshots ?? [];
    if (running.length === 0) return;
    say(`    waiting for snapshot(s) ${running.map((s) => s.snapshot).join(", ")} to finish before deleting`);
    await Bun.sleep(2000);
  }
}

/** In a namespace, or for bolts with BOLT_GROUP_SUFFIX: whoever started the bolts stops and starts them. */
export const ownBolts = (say: Say): LiveBolts => ({
  stop: async () => say("    stop this platform's bolts yourself: the restore waits until their groups are idle"),
  start: async () => say("    start this platform's bolts again yourself"),
});

export async function restore(cfg: Config, opts: { say: Say; live: LiveBolts }) {
  const { say } = opts;
  const { repo: repository, restoreSnapshot: wanted, restoreConfirm, restoreAllowLoss } = cfg.backup;
  const es = esClient(cfg);
  const admin = kafkaClient(cfg, "restore").admin();
  await admin.connect();
  try {
    say(`==> [1/7] snapshots of ${cfg.namespace || "the platform"} in ${await ensureRepository(cfg, es)}`);
    const rows = await listSnapshots(cfg, es);
    for (const r of rows) say(`    ${r.name}  ${r.state}  ${r.indices.length} indices`);
    const chosen = wanted ? rows.find((r) => r.name === wanted) : newestUsable(rows);
    if (chosen?.state !== "SUCCESS")
      throw new Refused(
        wanted
          ? `snapshot ${wanted} is not a successful snapshot of this platform: choose one above (RESTORE_SNAPSHOT=<name>)`
          : "no successful snapshot to restore: take one with make snapshot",
      );
    say(`    restoring ${chosen.name} (taken ${new Date(chosen.meta.at).toISOString()})`);

    say("==> [2/7] checking that Kafka still holds what came after the snapshot");
    const plan = resetPlan(chosen.meta.offsets, topicOf(cfg), await logsOf(admin, cfg));
    for (const n of plan.notes) say(`    note: ${n}`);
    if (plan.lost.length > 0 && !restoreAllowLoss)
      throw new Refused(
        ["refused: Kafka deleted records the snapshot resumes from, so figures would miss them:", ...plan.lost]
          .concat(
            "nothing was changed. Choose a newer snapshot, or go on knowingly: RESTORE_ALLOW_LOSS=yes make restore",
          )
          .join("\n"),
      );
    say(`    it does: the bolts will read ${plan.replay} record(s) again${plan.lost.length ? " (losing some)" : ""}`);

    say("==> [3/7] checking that the cluster holds none of the platform's indices");
    const present = await platformIndices(cfg, es);
    const clash = await es.indices.get({ index: chosen.indices, ignore_unavailable: true, allow_no_indices: true });
    const existing = [...new Set([...present, ...Object.keys(clash)])].sort();
    if (existing.length > 0 && !restoreConfirm) {
      const docs = (await es.count({ index: existing, ignore_unavailable: true }).catch(() => null))?.count;
      const what = docs === 0 ? "0 documents: empty, as make up creates them" : `${docs ?? "?"} documents`;
      throw new Refused(
        `refused: the cluster already holds ${existing.join(", ")} (${what}). Nothing was changed. ` +
          "RESTORE_CONFIRM=yes make restore deletes them and restores the snapshot in their place",
      );
    }
    say(existing.length > 0 ? `    RESTORE_CONFIRM=yes: ${existing.length} will be deleted` : "    none");

    say("==> [4/7] stopping the live bolts");
    await opts.live.stop();
    let t0 = Date.now();
    let ms = 0; // from the restore request to green
    try {
      await waitGroupsIdle(admin, cfg);
      t0 = Date.now();
      say("==> [5/7] restoring");
      if (existing.length > 0) await untilNoSnapshotRuns(es, repository, say); // it would block the delete
      if (existing.length > 0) await es.indices.delete({ index: existing, master_timeout: "5m" }, SLOW);
      await es.snapshot.restore(
        {
          repository,
          snapshot: chosen.name,
          indices: chosen.indices,
          include_global_state: false,
          include_aliases: true,
          wait_for_completion: false,
          master_timeout: "5m",
        },
        SLOW,
      );
      await untilGreen(es, chosen.indices, t0, say);
      ms = Date.now() - t0;
      say(`==> [6/7] moving the bolts' groups back to the snapshot's offsets (${plan.replay} record(s) to read again)`);
      await moveGroups(admin, cfg, plan);
    } catch (e) {
      say("    the live bolts stay stopped until the indices are back: fix the cause, then run make restore again");
      throw e;
    }
    say("==> [7/7] starting the live bolts again");
    await opts.live.start();
    say(`    done: ${chosen.name} restored in ${(ms / 1000).toFixed(1)} s; make status shows the bolts catching up`);
    return { snapshot: chosen.name, ms, indices: chosen.indices, replay: plan.replay };
  } finally {
    await admin.disconnect();
    await es.close();
  }
}

async function main() {
  const cfg = configOrExit();
  const say = (line: string) => console.log(line);
  const bySupervisord = !cfg.namespace && !cfg.bolt.groupSuffix;
  await exitOnRefusal(() => restore(cfg, { say, live: bySupervisord ? supervisordBolts(say) : ownBolts(say) }));
}

if (import.meta.main) main().catch(fatal);
