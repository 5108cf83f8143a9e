// Where the Elasticsearch JVMs' CPU goes during a part of `make bench`, by kind of thread: the node's thread pools
// (write: the indexing itself; refresh; merge; flush; search; transport_worker: HTTP and node-to-node traffic; ...),
// the JVM's garbage collector and its JIT compilers. `_nodes/stats` (bench-es-stats.ts) gives wall times, which
// grow with the cores' queue when the machine is busy; these are CPU seconds, read from /proc/<pid>/task/*/stat at
// the start and at the end, the threads named afterwards by `jcmd <pid> Thread.print` (its nid is the Linux thread
// id). CPU of threads that ended in between is "threads that ended"; of threads jcmd could not name, "unnamed".
// Linux only (/proc); jcmd from the JVM's own folder, else from PATH.

import { existsSync, readdirSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { cpuTicksOf, type Prog, statFields, TICKS } from "./bench-procs.ts";
import type { BenchResult } from "./bench-report.ts";

/** The kind of a JVM thread from its name: an Elasticsearch pool, or the JVM's own GC, JIT or other threads. */
export function kindOf(name: string | undefined): string {
  if (name === undefined) return "unnamed";
  const pool = /^elasticsearch\[[^\]]*\]\[([A-Za-z_]+)\]/.exec(name);
  if (pool) return pool[1]!;
  if (name.startsWith("elasticsearch")) return "elasticsearch, other";
  if (/^GC Thread/.test(name)) return "jvm: GC pauses";
  if (/^G1 /.test(name)) return "jvm: GC concurrent";
  if (/^C[12] CompilerThread/.test(name)) return "jvm: JIT compiler";
  return "jvm: other";
}

/** Linux thread id -> name, from the text of `jcmd <pid> Thread.print` (`"name" #12 ... nid=0x1a2b ...`). */
export function threadNames(dump: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of dump.matchAll(/^"(.*)" .*?\bnid=(0x[0-9a-f]+|\d+)/gm)) names.set(Number(m[2]), m[1]!);
  return names;
}

/** CPU ticks (user + system) of each living thread of `pid`, and of the whole process. */
function threadTicks(pid: number): { threads: Map<number, number>; total: number } {
  const ticksOf = (path: string) => cpuTicksOf(statFields(path));
  const threads = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        threads.set(Number(tid), ticksOf(`/proc/${pid}/task/${tid}/stat`));
      } catch {} // the thread ended while listed
    }
    return { threads, total: ticksOf(`/proc/${pid}/stat`) };
  } catch {
    return { threads, total: Number.NaN }; // the process is gone: its figures are unknown
  }
}

function jcmdDump(pid: number): string {
  let jcmd = "jcmd";
  try {
    const own = join(dirname(readlinkSync(`/proc/${pid}/exe`)), "jcmd");
    if (existsSync(own)) jcmd = own;
  } catch {}
  const r = Bun.spawnSync([jcmd, String(pid), "Thread.print"], { stdout: "pipe", stderr: "pipe" });
  return r.exitCode === 0 ? r.stdout.toString() : "";
}

/** CPU seconds of each kind between two readings of one process (`names`: thread id -> name). */
export function cpuByKind(
  before: { threads: Map<number, number>; total: number },
  after: { threads: Map<number, number>; total: number },
  names: Map<number, string>,
  ticksPerS: number,
): Record<string, number> {
  const kinds: Record<string, number> = {};
  let living = 0;
  for (const [tid, ticks] of after.threads) {
    const used = ticks - (before.threads.get(tid) ?? 0);
    const kind = kindOf(names.get(tid));
    kinds[kind] = (kinds[kind] ?? 0) + used / ticksPerS;
    living += used;
  }
  const ended = after.total - before.total - living;
  if (ended > 0) kinds["threads that ended"] = ended / ticksPerS;
  return kinds;
}

/** Start counting the Elasticsearch JVMs' CPU by kind of thread; stop(n): CPU s per 1,000 of `n`, all nodes summed,
 * the largest kind first (4 decimals, kinds that used none left out). A JVM that could not be read leaves its
 * kinds out and is named in `unread`. */
export function sampleEsThreads(procs: Prog[]) {
  const nodes = procs.filter((p) => p.name.startsWith("elasticsearch"));
  const first = new Map(nodes.map((p) => [p.pid, threadTicks(p.pid)]));
  return {
    stop(n: number): { cpu_s_per_1000: Record<string, number>; unread: string[] } {
      const sum: Record<string, number> = {};
      const unread: string[] = [];
      const last = new Map(nodes.map((p) => [p.pid, threadTicks(p.pid)])); // every node's, before any jcmd runs
      for (const p of nodes) {
        const after = last.get(p.pid)!;
        const before = first.get(p.pid)!;
        if (Number.isNaN(after.total) || Number.isNaN(before.total)) {
          unread.push(p.name);
          continue;
        }
        for (const [k, s] of Object.entries(cpuByKind(before, after, threadNames(jcmdDump(p.pid)), TICKS)))
          sum[k] = (sum[k] ?? 0) + s;
      }
      const per = Object.entries(sum)
        .map(([k, s]) => [k, Math.round(((s * 1000) / n) * 10_000) / 10_000] as const)
        .filter(([, s]) => s > 0)
        .sort((a, b) => b[1] - a[1]);
      return { cpu_s_per_1000: Object.fromEntries(per), unread };
    },
  };
}

type Threads = { cpu_s_per_1000: Record<string, number>; unread: string[] };

/** "kind drain / raw, ..." in CPU ms per 1,000 transactions, the kinds of at least `minMs` in either, the largest in
 * the drain first, then the rest and the totals; undefined for results from before the count (2026-12-07). */
export function threadsText(drain: Threads | undefined, raw: Threads | undefined, minMs = 2): string | undefined {
  if (!drain || !raw) return undefined;
  const ms = (t: Threads, k: string) => (t.cpu_s_per_1000[k] ?? 0) * 1000;
  const kinds = [...new Set([...Object.keys(drain.cpu_s_per_1000), ...Object.keys(raw.cpu_s_per_1000)])];
  const shown = kinds
    .filter((k) => ms(drain, k) >= minMs || ms(raw, k) >= minMs)
    .sort((a, b) => ms(drain, b) - ms(drain, a));
  const rest = (t: Threads) => kinds.filter((k) => !shown.includes(k)).reduce((a, k) => a + ms(t, k), 0);
  const total = (t: Threads) => kinds.reduce((a, k) => a + ms(t, k), 0);
  const f = (x: number) => x.toFixed(1);
  const unread = [...drain.unread, ...raw.unread];
  return [
    ...shown.map((k) => `${k} ${f(ms(drain, k))} / ${f(ms(raw, k))}`),
    `the rest ${f(rest(drain))} / ${f(rest(raw))}`,
    `all ${f(total(drain))} / ${f(total(raw))}${unread.length ? ` (not read: ${unread.join(", ")})` : ""}`,
  ].join(", ");
}

/** The tables' row (docs/bench.md and the README's summary): the median run's drain against its raw `_bulk`. */
export function threadsRow(r: BenchResult): Array<[string, string]> {
  type WithThreads = { es_threads?: Threads };
  const text = threadsText(
    (r.pipeline as WithThreads).es_threads,
    (r.elasticsearch.raw_bulk as WithThreads).es_threads,
  );
  return text
    ? [["Elasticsearch's CPU ms per 1,000 tx by kind of thread, drain / raw `_bulk` (/proc, jcmd)", text]]
    : [];
}
