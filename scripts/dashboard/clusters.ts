// The dashboard's Elasticsearch, primary or standby: every second it probes both clusters (_cluster/health, 2 s)
// and lets failover.ts decide which one serves; in a loop of its own, every 2 s, it reads how far each cluster's
// bolts are behind Kafka (standby/behind.ts), so a slow Kafka never delays a failover. `client` is a client whose
// every call goes to the cluster serving at that moment, so the live polls and the named queries switch without
// knowing; `onChange` tells the page (the "cluster" event: banner "standby, N s behind"). Each switch is logged,
// and the choice is written for make status to var/run/health/<namespace>/dashboard-serving.json. Without a
// standby (ES_STANDBY=0) it is the primary's client and probes nothing.
// Reads: _cluster/health of both clusters, Kafka offsets. Env: ES_NODES, ES_STANDBY*, FAILOVER_AFTER_MS,
// FAILBACK_AFTER_MS, FAILBACK_BEHIND_S, BTC_NAMESPACE.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import { type Config, standbyConfigOf } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { log, sleep } from "../lib/log.ts";
import { Behind, type ClusterLag } from "../standby/behind.ts";
import { decide, type FailoverState, initialState, type ServingInfo } from "./failover.ts";

export const PROBE_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;
export const LAG_MS = 2000;
export const SERVING_FILE = "dashboard-serving.json";

/** A client that forwards every call to `pick()`'s client at the moment of the call. */
export function switching(pick: () => Client): Client {
  return new Proxy({} as Client, { get: (_t, k) => Reflect.get(pick(), k) });
}

/** Whether a cluster answers (not red), and its name. */
async function probe(es: Client): Promise<{ up: boolean; name: string | null }> {
  try {
    const h = await es.cluster.health({}, { requestTimeout: PROBE_TIMEOUT_MS, maxRetries: 0 });
    return { up: String(h.status).toLowerCase() !== "red", name: h.cluster_name };
  } catch {
    return { up: false, name: null };
  }
}

export class Clusters {
  readonly primary: Client;
  readonly standby: Client | null;
  readonly client: Client;
  private state = initialState(Date.now());
  private names: Record<string, string | null> = { primary: null, standby: null };
  private lags: Partial<Record<string, ClusterLag>> = {};
  private behind: Behind | null;
  private listeners: Array<(i: ServingInfo) => void> = [];
  private last = "";
  private lagError = "";
  private stopped = false;

  constructor(
    private cfg: Config,
    admin: Admin | null,
  ) {
    this.primary = esClient(cfg);
    this.standby = cfg.standby.enabled ? esClient(standbyConfigOf()) : null;
    this.behind = this.standby && admin ? new Behind(cfg, admin) : null;
    this.client = this.standby ? switching(() => this.current()) : this.primary;
  }

  current(): Client {
    return this.state.serving === "standby" && this.standby ? this.standby : this.primary;
  }

  info(): ServingInfo {
    const c = this.state.serving;
    return { cluster: c, name: this.names[c] ?? null, since: this.state.since, behindS: this.lags[c]?.behindS ?? null };
  }

  onChange(fn: (i: ServingInfo) => void): void {
    this.listeners.push(fn);
  }

  /** How far each cluster's bolts are behind Kafka now (its own loop: a slow Kafka never delays a failover). */
  async sampleLags(): Promise<void> {
    if (!this.behind) return;
    const got = await this.behind.sample().catch((e: Error) => {
      if (e.message !== this.lagError) log.warn("kafka offsets not read: how far behind is unknown", { error: e });
      this.lagError = e.message;
    });
    if (got) this.lagError = "";
    this.lags = got ? Object.fromEntries(got.map((l) => [l.cluster, l])) : {};
  }

  /** One round: probe both clusters, decide, tell when what the page shows changed. */
  async round(): Promise<FailoverState> {
    if (!this.standby) return this.state;
    const [p, s] = await Promise.all([probe(this.primary), probe(this.standby)]);
    this.names = { primary: p.name ?? this.names.primary!, standby: s.name ?? this.names.standby! };
    const before = this.state.serving;
    const obs = {
      now: Date.now(),
      primaryUp: p.up,
      standbyUp: s.up,
      primaryBehindS: this.lags.primary?.behindS ?? null,
    };
    this.state = decide(this.state, obs, this.cfg.standby);
    if (this.state.serving !== before)
      log.warn(`dashboard now serving from the ${this.state.serving}`, {
        ...obs,
        standbyBehindS: this.lags.standby?.behindS,
      });
    const info = this.info();
    const json = JSON.stringify(info);
    if (json !== this.last) {
      this.last = json;
      this.save(info);
      for (const fn of this.listeners) fn(info);
    }
    return this.state;
  }

  private save(info: ServingInfo): void {
    try {
      mkdirSync(this.cfg.healthDir, { recursive: true });
      writeFileSync(join(this.cfg.healthDir, SERVING_FILE), JSON.stringify({ ...info, at: Date.now() }));
    } catch (e) {
      log.warn("serving cluster not saved for make status", { error: e });
    }
  }

  async run(): Promise<void> {
    const every = async (ms: number, fn: () => Promise<unknown>) => {
      while (!this.stopped && this.standby) {
        const t0 = Date.now();
        await fn();
        await sleep(Math.max(100, ms - (Date.now() - t0)));
      }
    };
    await Promise.all([every(PROBE_MS, () => this.round()), every(LAG_MS, () => this.sampleLags())]);
  }

  stop(): void {
    this.stopped = true;
  }
}
