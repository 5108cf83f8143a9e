// Shared by the standby tests: a private Elasticsearch node started through the standby's own launcher
// (`bin/es-node standby 1` with its ports, cluster name and data folder given), which can be killed (SIGKILL to its
// process group: the launcher and the server JVM) and started again on the same data; a reader of the dashboard's
// SSE events; and the dashboard's figures (its named queries) compared with the reference figures.
// Only processes it started are touched; the data folders are under var/standby-test/ and removed by remove().

import { mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { centsOf } from "../scripts/reference/figures.ts";
import type { Figures } from "../scripts/reference/reference-figures.ts";
import { ROOT } from "./cluster.ts";

/** A one-node cluster on `httpPort` (transport httpPort + 100), named `name`, its data in var/standby-test/<name>. */
export function privateNode(name: string, httpPort: number) {
  const data = join(ROOT, "var/standby-test", name);
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: Subprocess | null = null;
  const kill = () => {
    if (proc?.pid)
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {}
  };
  return {
    url,
    /** the process group of the node (its launcher's pid), while it runs */
    pid: () => proc?.pid ?? 0,
    /** start it (again, on the same data) and wait until it answers yellow or green */
    async start(timeoutMs = 240_000): Promise<number> {
      mkdirSync(data, { recursive: true });
      const out = openSync(join(data, "launcher.log"), "a");
      const env = {
        ...process.env,
        ES_STANDBY: "1",
        ES_STANDBY_NODES_N: "1",
        ES_STANDBY_HTTP_PORT: String(httpPort),
        ES_STANDBY_TRANSPORT_PORT: String(httpPort + 100),
        ES_STANDBY_CLUSTER_NAME: name,
        ES_STANDBY_DATA: data,
        ES_STANDBY_HEAP: process.env.PRIVATE_ES_HEAP || "384m",
      };
      const t0 = Date.now();
      proc = Bun.spawn(["setsid", "bin/es-node", "standby", "1"], { cwd: ROOT, env, stdout: out, stderr: out });
      while (Date.now() - t0 < timeoutMs) {
        if (proc.exitCode !== null) break;
        const h = await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(2000) })
          .then((r) => r.json() as Promise<{ status?: string }>)
          .catch(() => undefined);
        if (h?.status === "green" || h?.status === "yellow") return Date.now() - t0;
        await Bun.sleep(500);
      }
      kill();
      throw new Error(`${name} did not start (${proc.exitCode ?? "timeout"}): see ${data}/launcher.log`);
    },
    /** every process of the node, at once (the launcher and the server JVM share its process group) */
    kill,
    /** kill it and delete its data */
    async remove(): Promise<void> {
      kill();
      await proc?.exited;
      await Bun.sleep(300);
      kill();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export type Event = { at: number; event: string; data: string };

/** Read the SSE events of `url` into `events` until abort() is called. */
export function readEvents(url: string) {
  const events: Event[] = [];
  const ctrl = new AbortController();
  const done = (async () => {
    const res = await fetch(url, { signal: ctrl.signal });
    const dec = new TextDecoder();
    let buf = "";
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      buf += dec.decode(r.value, { stream: true });
      for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = block.match(/^event: (.*)$/m)?.[1];
        const data = block.match(/^data: (.*)$/m)?.[1];
        if (event && data !== undefined) events.push({ at: Date.now(), event, data });
      }
    }
  })().catch(() => {});
  return { events, abort: () => ctrl.abort(), done };
}

// biome-ignore lint/suspicious/noExplicitAny: the dashboard's JSON answers, read as they are
type J = any;

/** The dashboard's hours and miners for the periods of `want`, compared with it (to the satoshi and the cent);
 * empty when equal. Any answer other than 200 is a difference. */
export async function dashboardDifferences(base: string, want: Figures): Promise<string[]> {
  const out: string[] = [];
  const get = async (q: string): Promise<J> => {
    const r = await fetch(`${base}/api/${q}`, { signal: AbortSignal.timeout(15_000) });
    if (r.status !== 200) throw new Error(`/api/${q}: ${r.status}`);
    return r.json();
  };
  const sat = (btc: number) => Math.round(btc * 1e8);
  const cents = (eur: number) => Math.round(eur * 100);
  try {
    const hours = Object.keys(want.volume).sort();
    const range = `from=${hours[0]!.slice(0, 16)}Z&to=${new Date(Date.parse(hours.at(-1)!) + 3_600_000).toISOString().slice(0, 16)}Z`;
    const [vb, ve, mb, me] = await Promise.all(
      ["volume&unit=btc", "volume&unit=eur", "max&unit=btc", "max&unit=eur"].map((q) =>
        get(`${q.replace("&", `?${range}&`)}`),
      ),
    );
    const got = new Map<string, Record<string, number>>();
    for (const [i, a] of [vb, ve, mb, me].entries())
      for (const h of a.hours as Array<{ t: number; value: number; tx: number }>) {
        if (!h.tx) continue;
        const row = got.get(new Date(h.t).toISOString()) ?? { tx_count: h.tx };
        const field = ["volume_sat", "volume_eur", "max_sat", "max_eur"][i]!;
        row[field] = i % 2 === 0 ? sat(h.value) : cents(h.value);
        got.set(new Date(h.t).toISOString(), row);
      }
    for (const id of new Set([...hours, ...got.keys()])) {
      const w = want.volume[id];
      const g = got.get(id);
      if (!w || !g) out.push(`dashboard hour ${id}: ${w ? "missing" : "unexpected"}`);
      else
        for (const [f, v] of Object.entries(w)) {
          const expected = f.endsWith("_eur") ? centsOf(v) : v;
          if (g[f] !== expected) out.push(`dashboard hour ${id} ${f}: ${g[f]}, expected ${expected}`);
        }
    }
    const periods = new Set(Object.keys(want.miners).map((id) => id.slice(0, id.indexOf("Z:") + 1)));
    for (const p of periods) {
      const [kind, iso] = [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(":") + 1)];
      const q = `miners?${kind}=${kind === "day" ? iso.slice(0, 10) : iso.slice(0, 7)}`;
      const [btc, eur] = await Promise.all([get(`${q}&unit=btc`), get(`${q}&unit=eur`)]);
      const rows = new Map<string, J>(btc.miners.map((m: J) => [m.miner, m]));
      const eurOf = new Map<string, number>(eur.miners.map((m: J) => [m.miner, m.reward_eur]));
      const wanted = Object.entries(want.miners).filter(([id]) => id.startsWith(`${p}:`));
      // the page shows the top 10; all of them must be the reference's, and the count of miners too
      if (btc.count !== wanted.length || rows.size !== Math.min(10, wanted.length))
        out.push(`dashboard ${p}: ${rows.size} of ${btc.count} miners, expected ${wanted.length}`);
      for (const [id, w] of wanted) {
        const m = rows.get(id.slice(p.length + 1));
        if (!m && wanted.length > 10) continue;
        const g = m && { blocks: m.blocks, reward_sat: sat(m.reward_btc), reward_eur: cents(eurOf.get(m.miner)!) };
        const e = { blocks: w.blocks, reward_sat: w.reward_sat, reward_eur: centsOf(w.reward_eur) };
        if (JSON.stringify(g) !== JSON.stringify(e))
          out.push(`dashboard ${id}: ${JSON.stringify(g)}, expected ${JSON.stringify(e)}`);
      }
    }
  } catch (e) {
    out.push(`dashboard: ${(e as Error).message}`);
  }
  return out;
}

/** CPU seconds and resident memory (MB) of the processes whose process group or pid is in `ids` (from /proc). */
export function usageOf(ids: number[]): { cpuS: number; rssMb: number } {
  let ticks = 0;
  let pages = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
    if (!ids.includes(Number(d)) && !ids.includes(Number(f[2]))) continue;
    ticks += Number(f[11]) + Number(f[12]);
    pages += Number(f[21]);
  }
  return { cpuS: ticks / 100, rssMb: Math.round((pages * 4096) / 1_048_576) };
}
