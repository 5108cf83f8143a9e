// make chaos's cluster loss (scenario 3, issue 16): the whole primary Elasticsearch cluster lost while records are
// in flight. The standby cluster (ES_STANDBY=1, started by make up) is fed in the chaos namespace by its own five
// bolts (a second crew, ES_TARGET=standby, the standby's consumer groups) and the dashboard runs on both clusters.
// Every primary node is frozen (SIGSTOP: it stops answering, as a lost host does) for 60 s, then killed (SIGKILL;
// supervisord restarts it on its data). Measured: the time until the dashboard serves from the standby (the file it
// writes for make status, clusters.ts), its queries answered meanwhile, and the time until it serves from the
// primary again once the primary answers. chaos.ts reconciles the standby's figures with the primary's at the end.
// Env: CHAOS_STANDBY (1; 0 leaves the cluster loss out of the full schedule), the standby's ES_STANDBY_* variables.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { SERVING_FILE } from "../dashboard/clusters.ts";
import { type Config, PROJECT_ROOT, standbyConfigOf } from "../lib/config.ts";
import { sleep } from "../lib/log.ts";
import { ensureIndices } from "../setup/indices.ts";
import { esNotReady } from "../setup/wait-ready.ts";
import { BOLT_NAMES, Crew, logFileOf, signalProgram, waitRestarted } from "./chaos-crew.ts";
import type { Fault } from "./chaos-faults.ts";

export type StandbySide = { cfg: Config; crew: Crew; dashboard: Subprocess; url: string };

/** What the chaos run needs to lose its primary cluster: the standby answering, its indices, its bolts, and the
 * dashboard on both clusters. Refused, saying what to do, when the standby is not running. */
export async function startStandbySide(cfg: Config, crewEnv: Record<string, string>): Promise<StandbySide> {
  const env = { ...process.env, BTC_NAMESPACE: cfg.namespace, ES_STANDBY: "1" };
  const standby = standbyConfigOf(env);
  const why = await esNotReady(standby);
  if (why)
    throw new Error(
      `the full schedule loses the primary Elasticsearch cluster and needs the standby (${standby.es.nodes.join(", ")}: ${why}): ` +
        "ES_STANDBY=1 in .env, then make up (docs/scenario-3-elasticsearch-loss.md); or CHAOS_STANDBY=0 to leave the cluster loss out",
    );
  await ensureIndices(standby);
  const crew = new Crew(cfg, { ...crewEnv, ES_STANDBY: "1", ES_TARGET: "standby" }, "standby");
  for (const b of BOLT_NAMES) crew.startBolt(b);
  const free = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = free.port;
  free.stop(true);
  const dashboard = Bun.spawn(["bun", "scripts/dashboard/server.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...env, DASHBOARD_PORT: String(port), FAILBACK_AFTER_MS: "5000", LOG_LEVEL: "info" },
    stdout: Bun.file(logFileOf(cfg, "dashboard")),
    stderr: Bun.file(logFileOf(cfg, "dashboard-err")),
  });
  return { cfg: standby, crew, dashboard, url: `http://127.0.0.1:${port}` };
}

/** The cluster the dashboard serves from, as it last wrote it (clusters.ts), and when it wrote it. */
export function servingOf(cfg: Pick<Config, "healthDir">): { cluster: string; at: number } | undefined {
  try {
    return JSON.parse(readFileSync(join(cfg.healthDir, SERVING_FILE), "utf8"));
  } catch {
    return undefined;
  }
}

/** Milliseconds from `from` until the dashboard serves from `cluster` (written at or after `from`), or null after
 * waiting `ms`. */
async function servedBy(cfg: Config, cluster: string, from: number, ms: number): Promise<number | null> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) {
    const s = servingOf(cfg);
    if (s?.cluster === cluster && s.at >= from) return s.at - from;
  }
  return null;
}

const seconds = (ms: number | null) => (ms === null ? "never" : `${(ms / 1000).toFixed(1)} s`);

/** The fault: every primary node frozen 60 s then killed; resolves with the failover time (null: never). The
 * dashboard must serve from the primary when it lands (waited for, up to 5 minutes), so that the switch is measured. The failback is watched in the
 * background while the schedule goes on: `failback()` waits for it (up to 15 minutes after the primary answers)
 * and gives the fault's whole account. */
export function clusterLoss(cfg: Config, side: StandbySide, nodes: number[]) {
  const programs = nodes.map((n) => `es-kibana:elasticsearch${n}`);
  let account = "not landed";
  let watch: Promise<string> = Promise.resolve(account);
  const fault: Fault = {
    name: `the whole primary Elasticsearch cluster lost (${nodes.length} nodes frozen 60 s, then killed): the dashboard serves from the standby`,
    bolt: "transactions",
    inject: async () => {
      const onPrimary = (await servedBy(cfg, "primary", 0, 300_000)) !== null; // any time: serving now
      const pids: number[] = [];
      for (const p of programs) pids.push(await signalProgram(p, "SIGSTOP"));
      const lostAt = Date.now();
      const failover = onPrimary ? await servedBy(cfg, "standby", lostAt, 30_000) : null;
      let answered = 0;
      let asked = 0;
      for (; Date.now() - lostAt < 60_000; await sleep(2000)) {
        asked++;
        const r = await fetch(`${side.url}/api/volume?from=2026-10-31T22:00Z&to=2026-11-01T14:00Z&unit=btc`, {
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined);
        if (r?.status === 200) answered++;
      }
      for (const p of programs) await signalProgram(p, "SIGKILL");
      account =
        `${onPrimary ? `failover ${seconds(failover)} after the loss` : "the dashboard was still on the standby after an earlier fault: failover not measured"}; ` +
        `${answered}/${asked} dashboard queries answered from the standby`;
      watch = (async () => {
        const back = await Promise.all(programs.map((p, i) => waitRestarted(p, pids[i]!, 120_000)));
        if (back.includes(false)) return `${account}; primary nodes not restarted by supervisord`;
        const answers = async () => !((await esNotReady(cfg)) ?? "").startsWith("unreachable");
        for (const until = Date.now() + 600_000; Date.now() < until && !(await answers()); ) await sleep(500);
        const answersAt = Date.now();
        const failback = await servedBy(cfg, "primary", answersAt - 1000, 900_000);
        return `${account}; primary answering ${seconds(answersAt - lostAt)} after the loss, failback ${seconds(failback)} after that`;
      })();
      return onPrimary ? failover : null;
    },
  };
  return { fault, failback: () => watch };
}
