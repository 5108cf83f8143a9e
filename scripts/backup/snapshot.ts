// make snapshot: one snapshot of every index of the platform (every concrete index behind the names: the current
// generation, older ones kept by make rebuild, with their aliases) into the repository SNAPSHOT_REPO, named
// <namespace->btc-<UTC time>. Just before it starts, the bolts' committed offsets are recorded in its metadata: all
// they cover was acknowledged by Elasticsearch before the snapshot began, so a restore resumes there (restore.ts).
// Prints the shards done and the bytes every 2 s, then the time, the size (all files / new files) and the lag.
// Also the scheduled snapshots' retention (SNAPSHOT_KEEP, schedule.ts). Topics: offsets only. Indices: read all.
// Env: SNAPSHOT_REPO, BTC_NAMESPACE, BOLT_GROUP_SUFFIX, ES_NODES, KAFKA_BROKERS (+ credentials).

import type { Client } from "@elastic/elasticsearch";
import { type Config, configOrExit } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { fatal } from "../lib/log.ts";
import { indexSpecs, liveIndices } from "../setup/indices.ts";
import {
  bytes,
  decodeMeta,
  encodeMeta,
  lagOf,
  retentionDeletes,
  type SnapshotMeta,
  type SnapshotRow,
  snapshotName,
  snapshotPrefix,
} from "./backup-plan.ts";
import { logsOf, recordOffsets, topicOf } from "./offsets.ts";
import { ensureRepository } from "./repository.ts";

type Say = (line: string) => void;
export type Taken = {
  name: string;
  ms: number;
  indices: string[];
  shards: number;
  totalBytes: number;
  newBytes: number;
  files: number;
  lag: number;
  meta: SnapshotMeta;
};

/** Every concrete index behind the platform's names (generations and legacy indices). */
export async function platformIndices(cfg: Config, es: Client): Promise<string[]> {
  const all = await Promise.all(indexSpecs(cfg).map(async (s) => Object.keys(await liveIndices(es, s.name))));
  return all.flat().sort();
}

/** Take one snapshot; throws when it does not end SUCCESS (the reason and failed shards in the message). */
export async function takeSnapshot(cfg: Config, say: Say = () => {}): Promise<Taken> {
  const es = esClient(cfg);
  const admin = kafkaClient(cfg, "snapshot").admin();
  await admin.connect();
  try {
    const repository = cfg.backup.repo;
    const where = await ensureRepository(cfg, es);
    const indices = await platformIndices(cfg, es);
    if (indices.length === 0) throw new Error("no index of the platform to snapshot (make up creates them)");
    const recorded = await recordOffsets(admin, cfg); // before the snapshot: what they cover is in it
    const lag = lagOf(recorded, topicOf(cfg), await logsOf(admin, cfg));
    const meta: SnapshotMeta = { ns: cfg.namespace, suffix: cfg.bolt.groupSuffix, at: Date.now(), offsets: recorded };
    const name = snapshotName(cfg.namespace, new Date(meta.at));
    say(`==> snapshot ${name} of ${indices.length} indices into ${repository} (${where}); bolts' lag now: ${lag}`);
    const t0 = Date.now();
    await es.snapshot.create(
      {
        repository,
        snapshot: name,
        indices,
        include_global_state: false,
        metadata: encodeMeta(meta),
        wait_for_completion: false,
        master_timeout: "5m",
      },
      { requestTimeout: 330_000, maxRetries: 0 },
    );
    for (let shown = 0; ; await Bun.sleep(500)) {
      const [info] = (await es.snapshot.get({ repository, snapshot: name })).snapshots ?? [];
      const done = info && info.state !== "IN_PROGRESS"; // the shards' status says SUCCESS before it is final
      if (!done && Date.now() - shown < 2000) continue;
      const [s] = (await es.snapshot.status({ repository, snapshot: name })).snapshots;
      const line = s
        ? `${s.shards_stats.done}/${s.shards_stats.total} shards, ${bytes(s.stats.total.size_in_bytes)}`
        : "";
      say(`    ${Math.round((Date.now() - t0) / 1000)} s: ${done ? info.state : "in progress"}, ${line}`);
      shown = Date.now();
      if (!done || !s) continue;
      if (info.state !== "SUCCESS")
        throw new Error(`snapshot ${name} ended ${info.state}: ${JSON.stringify(info.failures ?? info.reason)}`);
      const taken = {
        name,
        ms: Date.now() - t0,
        indices,
        shards: s.shards_stats.total,
        totalBytes: s.stats.total.size_in_bytes,
        newBytes: s.stats.incremental.size_in_bytes,
        files: s.stats.total.file_count,
        lag,
        meta,
      };
      say(
        `    done in ${(taken.ms / 1000).toFixed(1)} s: ${taken.shards} shards, ${bytes(taken.totalBytes)} ` +
          `(${bytes(taken.newBytes)} new, the rest shared with earlier snapshots); restore: make restore ` +
          `(RESTORE_SNAPSHOT=${name})`,
      );
      return taken;
    }
  } finally {
    await admin.disconnect();
    await es.close();
  }
}

/** The platform's snapshots of this namespace (taken by make snapshot or the schedule), oldest first. */
export async function listSnapshots(cfg: Config, es: Client) {
  const got = await es.snapshot.get({ repository: cfg.backup.repo, snapshot: `${snapshotPrefix(cfg.namespace)}*` });
  return (got.snapshots ?? [])
    .map((s) => ({ info: s, meta: decodeMeta(s.metadata) }))
    .filter((s) => s.meta?.ns === cfg.namespace && s.meta.suffix === cfg.bolt.groupSuffix)
    .map(({ info, meta }) => ({
      name: info.snapshot,
      state: info.state ?? "",
      startMs: Number(info.start_time_in_millis ?? 0),
      indices: info.indices ?? [],
      meta: meta!,
    }))
    .sort((a, b) => a.startMs - b.startMs);
}

/** Delete every finished snapshot but the newest `keep` successful ones; returns the names deleted. */
export async function applyRetention(cfg: Config, keep: number, say: Say = () => {}): Promise<string[]> {
  const es = esClient(cfg);
  try {
    const rows: SnapshotRow[] = await listSnapshots(cfg, es);
    const gone = retentionDeletes(rows, keep);
    for (const snapshot of gone) {
      await es.snapshot.delete({ repository: cfg.backup.repo, snapshot });
      say(`    deleted snapshot ${snapshot} (SNAPSHOT_KEEP=${keep})`);
    }
    return gone;
  } finally {
    await es.close();
  }
}

async function main() {
  const cfg = configOrExit();
  await takeSnapshot(cfg, (line) => console.log(line));
  process.exit(0);
}

if (import.meta.main) main().catch(fatal);
