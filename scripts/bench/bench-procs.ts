// The processes of `make bench`: the children it starts (bolts, Kafka's perf tools), killed on a timeout or at the
// end; and what the programs cost while the pipeline runs: CPU seconds and the largest resident memory of each
// bolt, of the bench itself (its producer and polls), of each Kafka broker and each Elasticsearch node, sampled
// from /proc every half second. Linux only (/proc).

import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";

const children = new Set<Subprocess>();
let closed = false;

/** Start a child process that the bench kills if it has to stop early. */
export function spawnChild(
  cmd: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; output?: "pipe" | "inherit" } = {},
) {
  if (closed) throw new Error("the bench is stopping: no new process");
  const out = opts.output ?? "pipe";
  const p = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env, stdout: out, stderr: out });
  children.add(p);
  void p.exited.then(() => children.delete(p));
  return p;
}

/** Run a command to its end (or kill it after `timeoutMs`); its exit code and output. */
export async function run(cmd: string[], timeoutMs: number, env?: Record<string, string | undefined>) {
  const p = spawnChild(cmd, { env });
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Stop every child still running (SIGTERM, then SIGKILL after `graceMs`); `close`: start no more. */
export async function stopChildren(graceMs = 10_000, close = false): Promise<void> {
  closed ||= close;
  const all = [...children];
  for (const p of all) p.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const p of all) p.kill("SIGKILL");
  }, graceMs);
  await Promise.all(all.map((p) => p.exited));
  clearTimeout(timer);
}

export type Prog = { name: string; pid: number };

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** The pids whose command line contains `pattern` (pgrep -f). */
function pgrep(pattern: string): number[] {
  const out = Bun.spawnSync(["pgrep", "-f", pattern]).stdout.toString();
  return out
    .split("\n")
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** The running Kafka brokers (named by their data folder, e.g. kafka-9092) and Elasticsearch nodes (es#1..). */
export function clusterProcs(): Prog[] {
  const brokers = pgrep("kafka\\.Kafka ").map((pid) => {
    const m = /\/(kafka-\d+)\/server\.properties/.exec(cmdline(pid));
    return { name: m ? m[1]! : `kafka pid ${pid}`, pid };
  });
  const nodes = pgrep("org\\.elasticsearch\\.bootstrap\\.Elasticsearch")
    .sort((a, b) => a - b)
    .map((pid, i) => ({ name: `elasticsearch#${i + 1}`, pid }));
  return [...brokers.sort((a, b) => (a.name < b.name ? -1 : 1)), ...nodes];
}

/** Clock ticks per second of /proc's CPU times. */
export const TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;
const PAGE = Number(Bun.spawnSync(["getconf", "PAGESIZE"]).stdout.toString().trim()) || 4096;

/** The fields of a /proc stat file (a process's or a thread's) after its command name: utime is [11], stime [12],
 * rss [21]. Throws once the process or thread is gone. */
export function statFields(path: string): string[] {
  const s = readFileSync(path, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
}

/** CPU ticks, user + system, of a stat file's fields. */
export const cpuTicksOf = (f: string[]) => Number(f[11]) + Number(f[12]);

/** CPU ticks (user + system) and resident bytes of a process, undefined once it is gone. */
function stat(pid: number): { ticks: number; rss: number } | undefined {
  try {
    const f = statFields(`/proc/${pid}/stat`);
    return { ticks: cpuTicksOf(f), rss: Number(f[21]) * PAGE };
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

export type Usage = { program: string; pid: number; cpu_s: number; max_rss_mb: number };

/** Sample `progs` every `everyMs` until stop(): CPU seconds used in between and the largest RSS seen. */
export function sampleUsage(progs: Prog[], everyMs = 500) {
  const first = new Map(progs.map((p) => [p.pid, stat(p.pid)]));
  const last = new Map(first);
  const maxRss = new Map(progs.map((p) => [p.pid, first.get(p.pid)?.rss ?? 0]));
  const m0 = machineTicks();
  const tick = () => {
    for (const p of progs) {
      const s = stat(p.pid);
      if (!s) continue;
      last.set(p.pid, s);
      maxRss.set(p.pid, Math.max(maxRss.get(p.pid) ?? 0, s.rss));
    }
  };
  const timer = setInterval(tick, everyMs);
  return {
    stop(): { programs: Usage[]; machine_cpu_busy_pct: number; machine_busy_cpu_s: number; others_cpu_s: number } {
      clearInterval(timer);
      tick();
      const m1 = machineTicks();
      const programs = progs.map((p) => ({
        program: p.name,
        pid: p.pid,
        cpu_s: Math.round((((last.get(p.pid)?.ticks ?? 0) - (first.get(p.pid)?.ticks ?? 0)) / TICKS) * 100) / 100,
        max_rss_mb: Math.round((maxRss.get(p.pid) ?? 0) / 1_048_576),
      }));
      const pct = (100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total);
      const busy = (m1.busy - m0.busy) / TICKS;
      const others = Math.max(0, busy - programs.reduce((a, u) => a + u.cpu_s, 0));
      const r1 = (x: number) => Math.round(x * 10) / 10;
      return {
        programs,
        machine_cpu_busy_pct: Math.round(pct),
        machine_busy_cpu_s: r1(busy),
        others_cpu_s: r1(others),
      };
    },
  };
}
