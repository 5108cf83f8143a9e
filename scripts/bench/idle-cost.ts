// What the programs cost at rest (issue 18, "programs cost nothing at rest"): starts, in a fresh namespace of the
// running clusters, one bolt (volume), one producer (blockchain, live, against a local WebSocket source that accepts
// and stays silent) and the dashboard (no page open), lets them settle, then reads each one's CPU time
// (utime + stime of /proc/<pid>/stat) over IDLE_SECONDS and prints the share of one core. Nothing flows meanwhile.
// Linux only. usage: bun scripts/bench/idle-cost.ts   Env: IDLE_SECONDS (60), IDLE_SETTLE_S (20), the clusters'.
// Two rounds in one run: first with upstream kafkajs's request queue put back (kafkajs-upstream-queue.ts, preloaded;
// IDLE_COMPARE_UPSTREAM=0 skips it), then as the programs run. One JSON line per program and round; exit 1 when
// a program of the second round is at or over IDLE_MAX_PCT (0.5) of a core.

import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { loadConfig, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { dropIndices, ensureIndices } from "../setup/indices.ts";
import { ensureTopics } from "../setup/topics.ts";

const TICKS = 100; // clock ticks per second (getconf CLK_TCK, 100 on Linux)

/** CPU seconds (user + system) of a process, from the text of /proc/<pid>/stat. */
export function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // fields 14 and 15 of the whole line
}

const cpuOf = (pid: number) => cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"));

/** Percent of one core over a window, from the CPU seconds at its two ends. */
export const pctOfCore = (cpu0: number, cpu1: number, seconds: number) => (100 * (cpu1 - cpu0)) / seconds;

type Row = { round: string; program: string; seconds: number; pctOfCore: number; stopMs: number; exit: number };

/** One round: the three programs started (with `preload`, if any), settled, measured, stopped. */
async function round(name: string, env: Record<string, string>, preload: string[], o: Opts): Promise<Row[]> {
  const source = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, s) => (s.upgrade(req) ? undefined : new Response("ws only", { status: 400 })),
    websocket: { message() {} },
  });
  const progs: { program: string; p: Subprocess }[] = [];
  const start = (program: string, script: string, extra: Record<string, string> = {}) =>
    progs.push({
      program,
      p: Bun.spawn(["bun", ...preload, script], { env: { ...env, ...extra }, stdout: "ignore", stderr: "inherit" }),
    });
  try {
    start("bolt-volume", "scripts/bolts/volume.ts");
    start("producer-blockchain", "scripts/producers/blockchain.ts", {
      SOURCE_MODE: "live",
      BLOCKCHAIN_WS_URL: `ws://127.0.0.1:${source.port}/`,
      WS_SILENCE_MS: String((o.seconds + o.settle + 60) * 1000),
    });
    const port = 19_000 + Math.floor(Math.random() * 900);
    start("dashboard", "scripts/dashboard/server.ts", { DASHBOARD_PORT: String(port), DASHBOARD_HOST: "127.0.0.1" });
    await sleep(o.settle * 1000);
    for (const { program, p } of progs) if (p.exitCode !== null) throw new Error(`${program} exited (${p.exitCode})`);
    const cpu0 = progs.map(({ p }) => cpuOf(p.pid));
    await sleep(o.seconds * 1000);
    const rows = progs.map(({ program, p }, i) => ({
      round: name,
      program,
      seconds: o.seconds,
      pctOfCore: +pctOfCore(cpu0[i]!, cpuOf(p.pid), o.seconds).toFixed(2),
      stopMs: -1,
      exit: -1,
    }));
    // how long each takes to stop on SIGTERM (a bolt waits for the fetch in flight; the programs must stop in 10 s)
    const t0 = Date.now();
    for (const { p } of progs) p.kill("SIGTERM");
    const stopped = progs.map(({ p }, i) =>
      p.exited.then((code) => {
        [rows[i]!.stopMs, rows[i]!.exit] = [Date.now() - t0, code];
      }),
    );
    await Promise.race([Promise.all(stopped), sleep(15_000)]);
    return rows;
  } finally {
    for (const { p } of progs) if (p.exitCode === null) p.kill("SIGTERM");
    await Promise.race([Promise.all(progs.map(({ p }) => p.exited)), sleep(15_000)]);
    for (const { p } of progs) if (p.exitCode === null) p.kill("SIGKILL");
    source.stop(true);
  }
}

type Opts = { seconds: number; settle: number };

async function main() {
  const o = { seconds: Number(process.env.IDLE_SECONDS ?? 60), settle: Number(process.env.IDLE_SETTLE_S ?? 20) };
  const maxPct = Number(process.env.IDLE_MAX_PCT ?? 0.5);
  const ns = `idle-${Date.now().toString(36)}`;
  const env = { ...process.env, BTC_NAMESPACE: ns, LOG_LEVEL: "warn" } as Record<string, string>;
  const cfg = loadConfig(env);
  await ensureTopics(cfg);
  // on a busy cluster the client retries a create that timed out, and the retry says "exists": ask again
  for (let i = 1; ; i++)
    if (
      await ensureIndices(cfg).then(
        () => true,
        (e) => (i < 5 ? false : Promise.reject(e)),
      )
    )
      break;
  try {
    const rows: Row[] = [];
    if (process.env.IDLE_COMPARE_UPSTREAM !== "0")
      rows.push(...(await round("upstream queue", env, ["--preload", "./scripts/bench/kafkajs-upstream-queue.ts"], o)));
    const patched = await round("patched", env, [], o);
    rows.push(...patched);
    for (const r of rows) console.log(JSON.stringify(r));
    const over = patched.filter((r) => r.pctOfCore >= maxPct);
    console.log(
      over.length === 0 ? `every program under ${maxPct}% of a core` : `over ${maxPct}%: ${over.map((r) => r.program)}`,
    );
    process.exitCode = over.length === 0 ? 0 : 1;
  } finally {
    await dropIndices(cfg).catch(() => {});
    const admin = kafkaClient(cfg, "idle-cost-drop").admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topicsOf(cfg)) }).catch(() => {});
    await admin.disconnect();
  }
}

if (import.meta.main)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
