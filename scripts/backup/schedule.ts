// The scheduled snapshots (supervisord program es-kibana:snapshots): on SNAPSHOT_SCHEDULE (cron, 6 fields with
// seconds; default every hour at :15:00) one snapshot of every index of the platform, with the bolts' offsets
// (snapshot.ts), then the retention: every finished snapshot of the platform but the newest SNAPSHOT_KEEP successful
// ones is deleted (manual ones from make snapshot count too). A tick still running makes cron skip the next one;
// a failed tick is logged with its reason and the next one tries again (the program does not exit).
// Topics: the bolts' offsets only. Indices: read all (snapshot). Env: SNAPSHOT_SCHEDULE, SNAPSHOT_KEEP,
// SNAPSHOT_REPO, BTC_NAMESPACE, ES_*, KAFKA_*.

import { CronJob, validateCronExpression } from "cron";
import { type Config, ConfigError, configOrExit } from "../lib/config.ts";
import { fatal, log } from "../lib/log.ts";
import { onShutdown } from "../lib/shutdown.ts";
import { applyRetention, takeSnapshot } from "./snapshot.ts";

/** One tick: a snapshot, then the retention (skipped when the snapshot failed: nothing newer to keep). */
export async function tick(cfg: Config): Promise<void> {
  const say = (line: string) => log.debug(line.trim());
  const t = await takeSnapshot(cfg, say);
  log.info("snapshot taken", {
    snapshot: t.name,
    ms: t.ms,
    shards: t.shards,
    bytes: t.totalBytes,
    newBytes: t.newBytes,
    lag: t.lag,
  });
  const deleted = await applyRetention(cfg, cfg.backup.keep, say);
  if (deleted.length > 0) log.info("snapshots deleted by the retention", { keep: cfg.backup.keep, deleted });
}

async function main() {
  const cfg = configOrExit();
  const { schedule, keep, repo } = cfg.backup;
  const valid = validateCronExpression(schedule);
  if (!valid.valid)
    throw new ConfigError(`SNAPSHOT_SCHEDULE=${schedule}: expected a cron expression (${valid.error?.message})`);
  const job = CronJob.from({
    cronTime: schedule,
    start: true,
    waitForCompletion: true,
    errorHandler: (e) => log.error("scheduled snapshot failed", { error: e }),
    onTick: () => tick(cfg),
  });
  log.info("scheduled snapshots", { schedule, keep, repository: repo, next: job.nextDate().toISO() });
  // a snapshot under way goes on inside Elasticsearch: stop without waiting for it (the next start lists it)
  onShutdown("snapshot schedule", () => void job.stop());
}

if (import.meta.main) main().catch(fatal);
