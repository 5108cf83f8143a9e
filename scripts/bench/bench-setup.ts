// What `make bench` sets up and tears down: its records (simulated `utx` messages as the producers publish them),
// its private namespaces (topics, indices, consumer groups), the step it is in, and the hard time limit
// (BENCH_TIMEOUT_S) after which it stops its children, cleans up and exits 1 saying which step was running.

import type { Message } from "kafkajs";
import { type Config, loadConfig, standbyConfigOf, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { route } from "../producers/records.ts";
import { dropIndices, ensureIndices } from "../setup/indices.ts";
import { ensureTopics } from "../setup/topics.ts";
import { esNotReady } from "../setup/wait-ready.ts";
import { simulateChain } from "../simulator/simulator.ts";
import { leaveGroups } from "./bench-ceilings.ts";
import { BOLTS } from "./bench-pipeline.ts";
import { stopChildren } from "./bench-procs.ts";

const POOLS = [{ id: 1, name: "BenchPool", addresses: [], tags: ["/bench/"], link: "" }];

/** `n` simulated transactions (x1000 the real rate from 2026-01-01), as the producers would publish them. */
export function benchRecords(cfg: Config, n: number): Message[] {
  const out: Message[] = [];
  const chain = simulateChain({
    seed: 7,
    startMs: Date.UTC(2026, 0, 1),
    rate: 1000,
    blockSeconds: 1e9,
    pools: POOLS,
    repeatProb: 0,
  });
  for (const c of chain) {
    if (!c.text.includes('"op":"utx"')) continue;
    const r = route(topicsOf(cfg), c, "simulated");
    if ("topic" in r) out.push(r.message);
    if (out.length >= n) break;
  }
  return out;
}

/** The topics on the cluster beside the production namespace's (`cfg` has none): test or bench namespaces left
 * behind. Every broker's fetches walk the replicas of every partition it holds, so they cost the brokers CPU on
 * every send, and a bench on such a cluster measures them too (a test's leftovers, 48 topics, were measured here
 * to add about two fifths to the brokers' CPU at x10). */
export async function otherTopics(cfg: Config) {
  const admin = kafkaClient(cfg, "bench-census").admin();
  await admin.connect();
  try {
    const own = new Set(Object.values(topicsOf(cfg)));
    const others = (await admin.listTopics()).filter((t) => !own.has(t) && !t.startsWith("__"));
    const meta = others.length > 0 ? await admin.fetchTopicMetadata({ topics: others }) : { topics: [] };
    const partitions = meta.topics.reduce((sum, t) => sum + t.partitions.length, 0);
    return { topics: others.length, partitions, names: others.slice(0, 20) };
  } finally {
    await admin.disconnect();
  }
}

/** The step running (named by the timeout) and its progress. */
export const state = { step: "starting", detail: "", abandoned: false };
const namespaces: Config[] = [];
const started = performance.now();

export function step(name: string) {
  if (state.abandoned) throw new Error(`stopping: not starting "${name}"`);
  state.step = name;
  state.detail = "";
  console.log(`- [${((performance.now() - started) / 1000).toFixed(1)} s] ${name}`);
}

/** A private namespace on the running clusters: its own topics and indices, deleted by cleanup(). */
export async function namespace(name: string): Promise<Config> {
  if (state.abandoned) throw new Error("stopping: no new namespace");
  const cfg = loadConfig({ ...process.env, BTC_NAMESPACE: `bench-${name}-${Date.now().toString(36)}` });
  namespaces.push(cfg);
  await ensureTopics(cfg);
  await ensureIndices(cfg);
  return cfg;
}

/** The standby cluster's side of a namespace (BENCH_STANDBY=1): its indices, deleted by cleanup() with the rest. */
export async function standbyOf(cfg: Config): Promise<Config> {
  const standby = standbyConfigOf({ ...process.env, BTC_NAMESPACE: cfg.namespace, ES_STANDBY: "1" });
  const why = await esNotReady(standby);
  if (why?.startsWith("unreachable"))
    throw new Error(`BENCH_STANDBY=1 but the standby cluster is ${why}: ES_STANDBY=1 in .env, then make up`);
  namespaces.push(standby);
  await ensureIndices(standby);
  return standby;
}

/** Delete the bench's topics, indices and consumer groups (best effort). */
export async function cleanup(): Promise<void> {
  for (const cfg of namespaces.splice(0)) {
    await dropIndices(cfg).catch(() => {}); // the generations behind the aliases
    const admin = kafkaClient(cfg, "bench-cleanup").admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topicsOf(cfg)) }).catch(() => {});
    const bolts = BOLTS.flatMap((b) => [`btc-${b}`, `btc-${b}${cfg.bolt.groupSuffix}`]);
    const groups = [...new Set([...bolts, "bench-read", "perf-consumer"])].map((g) => `${cfg.namespace}-${g}`);
    await admin.deleteGroups(groups).catch(() => {});
    await admin.disconnect();
  }
}

/** Stop the children and clean up, within 25 s whatever happens. */
export async function abandon(): Promise<void> {
  state.abandoned = true;
  await Promise.all([stopChildren(5000, true), Promise.race([leaveGroups(), Bun.sleep(5000)])]);
  await Promise.race([cleanup(), Bun.sleep(20_000)]);
}

/** The hard limit: after `seconds`, say which step was running, clean up and exit 1. */
export function armTimeout(seconds: number) {
  return setTimeout(async () => {
    const detail = state.detail ? ` (${state.detail})` : "";
    console.error(`bench: BENCH_TIMEOUT_S=${seconds} reached during "${state.step}"${detail}; stopping`);
    await abandon();
    process.exit(1);
  }, seconds * 1000);
}
