// The faults of `make chaos`, each injected while records are in flight (the bolts' lag is read just before: a
// fault that lands on idle bolts proves nothing and is reported as such), with the time until the pipeline made
// progress again. Short schedule (the test command): each bolt killed once, rebalance churn, a bolt held stopped
// past the retention check, the raw transactions index closed under the bolts, a broker frozen, a broker killed, an
// Elasticsearch node killed, and the source's connection closed then silent (chaos-source.ts: the live producer
// must reconnect twice; it touches no cluster, so it is in the schedule without the cluster faults too). Full
// schedule (`make chaos`): 20 bolt kills, a minute-long freeze, two brokers killed one after the other, the whole
// Elasticsearch cluster stopped for 2 minutes, the primary cluster lost while the dashboard serves from the standby
// (chaos-cluster-loss.ts), Kafka grown and shrunk live (chaos-growth.ts), and the rest as in the short one.

import { pipelineHealth } from "../health/pipeline-health.ts";
import { type Config, indicesOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { sleep } from "../lib/log.ts";
import { BOLT_NAMES, type BoltName, type Crew, ctl, signalProgram, waitRestarted } from "./chaos-crew.ts";
import { growth } from "./chaos-growth.ts";

/** A fault; `bolt`: it hits that bolt, so that bolt's own lag must be non-zero when it lands. A fault that measures
 * its own recovery resolves with it (ms, or null: never), the others with nothing (then: until offsets move again). */
export type Fault = { name: string; bolt?: BoltName; inject: (crew: Crew) => Promise<unknown> };
export type Outcome = {
  fault: string;
  lagAtFault: number;
  inFlight: boolean;
  recoveryMs: number | null;
  /** what the fault measured besides its recovery (the cluster loss: failover and failback) */
  detail?: string;
};

const brokers = (cfg: Config) => (cfg.profile === "full" ? ["9094", "9093"] : ["9092", "9092"]);
export const esNodes = (cfg: Config) => (cfg.profile === "full" ? [1, 2, 3] : [1]);

/** The faults of a schedule, in order; without `clusterFaults`, only the bolts' and the source's (the clusters are
 * not ours); `source`: the source fault (ChaosSource.fault()), landed right after the first bolt kills; `loss`: the
 * primary cluster's loss (chaos-cluster-loss.ts, full schedule), early enough that the dashboard is back on the
 * primary before the whole cluster is stopped. */
export function schedule(
  cfg: Config,
  full: boolean,
  clusterFaults = true,
  source: Fault[] = [],
  loss: Fault[] = [],
): Fault[] {
  const kills = (full ? [1, 2, 3, 4] : [1]).flatMap((round) =>
    BOLT_NAMES.map((b) => ({
      name: `kill -9 bolt ${b}${full ? ` (round ${round})` : ""}`,
      bolt: b,
      inject: (c: Crew) => c.kill(b),
    })),
  );
  const [b1, b2] = brokers(cfg) as [string, string];
  const churn: Fault = {
    name: `rebalance churn: instances join and leave ${full ? 12 : 3} times`,
    inject: async (c) => {
      for (let i = 0; i < (full ? 12 : 3); i++) {
        const extra = (["transactions", "volume", "miners", "blocks"] as const).map((b) => c.startExtra(b));
        await sleep(4000 + Math.random() * 3000);
        for (const p of extra) p.kill("SIGKILL");
        await Promise.all(extra.map((p) => p.exited));
      }
    },
  };
  const freeze: Fault = {
    name: `broker ${b1} frozen (SIGSTOP) for ${full ? 60 : 20} s`,
    inject: async () => {
      await signalProgram(`storm:kafka-${b1}`, "SIGSTOP");
      await sleep(full ? 60_000 : 20_000);
      await signalProgram(`storm:kafka-${b1}`, "SIGCONT");
    },
  };
  const killBroker = (port: string): Fault => ({
    name: `broker ${port} killed (SIGKILL), restarted by supervisord`,
    inject: async () => {
      const pid = await signalProgram(`storm:kafka-${port}`, "SIGKILL");
      if (!(await waitRestarted(`storm:kafka-${port}`, pid, 60_000))) throw new Error(`broker ${port} not back`);
    },
  });
  const twoBrokers: Fault = {
    name: `brokers ${b1} then ${b2} killed (no quorum of replicas: producers wait), both back`,
    inject: async () => {
      await ctl("stop", `storm:kafka-${b1}`);
      await sleep(10_000);
      await ctl("stop", `storm:kafka-${b2}`);
      await sleep(20_000);
      await ctl("start", `storm:kafka-${b1}`, `storm:kafka-${b2}`);
    },
  };
  const node = esNodes(cfg).at(-1)!;
  const killNode: Fault = {
    name: `Elasticsearch node ${node} killed (SIGKILL), restarted by supervisord`,
    inject: async () => {
      const pid = await signalProgram(`es-kibana:elasticsearch${node}`, "SIGKILL");
      if (!(await waitRestarted(`es-kibana:elasticsearch${node}`, pid, 90_000))) throw new Error("node not back");
    },
  };
  const esDown: Fault = {
    name: "the whole Elasticsearch cluster stopped for 2 minutes",
    inject: async () => {
      const programs = esNodes(cfg).map((n) => `es-kibana:elasticsearch${n}`);
      await ctl("stop", ...programs);
      await sleep(120_000);
      await ctl("start", ...programs);
    },
  };
  // the stream replays a capture dated 2026-10-31: with CreateTime its records would be past retention
  const held: Fault = {
    name: "bolt blocks stopped for 45 s (past the brokers' 30 s retention check) while an old capture replays",
    bolt: "blocks",
    inject: (c) => c.hold("blocks", 45_000),
  };
  // shards failing searches and writes: the stream's own raw index closed under the bolts, then opened
  const closed: Fault = {
    name: "btc-raw-transactions closed for 10 s (the bolts' writes and searches on it fail), then opened",
    bolt: "transactions",
    inject: async () => {
      const index = indicesOf(cfg).rawTransactions;
      await esClient(cfg).indices.close({ index });
      await sleep(10_000);
      await esClient(cfg).indices.open({ index });
    },
  };
  if (!clusterFaults) return [...kills, ...source, churn, held, closed];
  return full
    ? [
        ...kills.slice(0, 10),
        ...source,
        churn,
        freeze,
        ...kills.slice(10),
        held,
        closed,
        ...loss,
        killBroker(b2),
        twoBrokers,
        killNode,
        esDown,
        growth(cfg),
      ]
    : [...kills, ...source, churn, held, closed, freeze, killBroker(b2), killNode];
}

const health = (cfg: Config) => pipelineHealth(cfg, { timeoutMs: 5000 });
const committed = (h: Awaited<ReturnType<typeof health>>) =>
  Object.values(h.sample.committed).reduce((s, n) => s + n, 0);
const lagOf = (h: Awaited<ReturnType<typeof health>>, bolt?: BoltName) =>
  h.bolts.filter((b) => !bolt || b.bolt === bolt).reduce((s, b) => s + Math.max(0, b.lag ?? 0), 0);

/** Inject one fault once records are in flight; then the time until the committed offsets move again (or the
 * fault's own measure). */
export async function inject(cfg: Config, crew: Crew, f: Fault): Promise<Outcome> {
  let lag = 0;
  const lagNow = async () => lagOf(await health(cfg).catch(() => ({ bolts: [] }) as never), f.bolt);
  for (let i = 0; i < 20 && lag === 0; i++) {
    lag = await lagNow();
    if (lag === 0) await sleep(500);
  }
  if (lag === 0 && f.bolt) {
    // a bolt that keeps up with a sparse topic (blocks, miners): frozen until records wait for it, then the fault
    crew.signal(f.bolt, "SIGSTOP");
    for (let i = 0; i < 120 && lag === 0; i++) {
      await sleep(500);
      lag = await lagNow();
    }
    crew.signal(f.bolt, "SIGCONT");
  }
  const own = await f.inject(crew);
  if (typeof own === "number" || own === null)
    return { fault: f.name, lagAtFault: lag, inFlight: lag > 0, recoveryMs: own };
  const base = await health(cfg)
    .then(committed)
    .catch(() => Number.POSITIVE_INFINITY);
  const t0 = Date.now();
  let recoveryMs: number | null = null;
  while (Date.now() - t0 < 240_000) {
    const h = await health(cfg).catch(() => undefined);
    if (h && (committed(h) > base || (Number.isFinite(base) && lagOf(h) === 0))) {
      recoveryMs = Date.now() - t0;
      break;
    }
    await sleep(500);
  }
  return { fault: f.name, lagAtFault: lag, inFlight: lag > 0, recoveryMs };
}
