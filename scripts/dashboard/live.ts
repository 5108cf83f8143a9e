// The dashboard's live side: runs the named queries (one _msearch per range watched, every POLL_MS), pushes a
// snapshot to the range's SSE subscribers only when it changed, keeps the pipeline's health fresh, and tells every
// page when Elasticsearch stops answering and when it is back. Indices read: btc-value, btc-volume, btc-miner.

import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import type { Config } from "../lib/config.ts";
import { log, sleep } from "../lib/log.ts";
import { type Health, pipelineHealth, type Sample } from "../tools/pipeline-health.ts";
import { minersQuery, priceQuery, type Range, type Search, volumeQuery } from "./queries.ts";
import { type EsAnswer, originLabel, originsOf, shapeHours, shapeMiners, shapePrice } from "./shape.ts";

export const POLL_MS = 1000;
export const HEALTH_MS = 2000;
const READ = { requestTimeout: 3000, maxRetries: 0 } as const;

/** Run searches in one _msearch; any failed item fails the whole (the page then shows the outage). */
export async function runSearches(es: Client, searches: Search[]): Promise<EsAnswer[]> {
  const res = await es.msearch({ searches: searches.flatMap((s) => [{ index: s.index }, s.body]) }, READ);
  return res.responses.map((r, i) => {
    if ("error" in r) throw new Error(`${searches[i]!.index}: ${r.error.type}: ${r.error.reason ?? ""}`);
    return r as EsAnswer;
  });
}

/** Everything the page draws for one range, both units. */
export async function snapshot(cfg: Config, es: Client, range: Range, now = Date.now()) {
  const [price, volume, dayBtc, dayEur, monthBtc, monthEur] = await runSearches(es, [
    priceQuery(cfg, range, now),
    volumeQuery(cfg, range, now),
    minersQuery(cfg, "day", "btc"),
    minersQuery(cfg, "day", "eur"),
    minersQuery(cfg, "month", "btc"),
    minersQuery(cfg, "month", "eur"),
  ]);
  const origins = [...new Set([price, volume, dayBtc, monthBtc].flatMap((a) => originsOf(a!)))].sort();
  return {
    range,
    origins,
    label: originLabel(origins),
    price: shapePrice(price!),
    hours: shapeHours(volume!),
    miners: {
      day: { btc: shapeMiners(dayBtc!), eur: shapeMiners(dayEur!) },
      month: { btc: shapeMiners(monthBtc!), eur: shapeMiners(monthEur!) },
    },
  };
}

export type Sub = { range: Range; send: (event: string, data: string) => void };
type EsStatus = { es: "up" | "down"; since: number; error?: string };

export class Live {
  private subs = new Set<Sub>();
  private last = new Map<Range, string>();
  private status: EsStatus = { es: "up", since: Date.now() };
  private health: string | null = null;
  private stopped = false;

  constructor(
    private cfg: Config,
    private es: Client,
    private admin: Admin | null,
  ) {}

  subscribe(sub: Sub): () => void {
    this.subs.add(sub);
    sub.send("status", JSON.stringify(this.status));
    const last = this.last.get(sub.range);
    if (last) sub.send("data", last);
    if (this.health) sub.send("health", this.health);
    return () => this.subs.delete(sub);
  }

  private broadcast(event: string, data: string, range?: Range) {
    for (const s of this.subs) if (!range || s.range === range) s.send(event, data);
  }

  private setStatus(next: EsStatus["es"], error?: string) {
    if (this.status.es === next) return;
    this.status = { es: next, since: Date.now(), error };
    log[next === "up" ? "info" : "warn"](`elasticsearch ${next}`, { error });
    this.broadcast("status", JSON.stringify(this.status));
  }

  /** One round: a snapshot per watched range, pushed when it changed. */
  async pollOnce(): Promise<void> {
    const ranges = new Set([...this.subs].map((s) => s.range));
    for (const range of ranges) {
      try {
        const json = JSON.stringify(await snapshot(this.cfg, this.es, range));
        this.setStatus("up");
        if (json !== this.last.get(range)) {
          this.last.set(range, json);
          this.broadcast("data", json, range);
        }
      } catch (e) {
        this.setStatus("down", (e as Error).message);
      }
    }
  }

  async healthOnce(previous?: Sample): Promise<Health> {
    const h = await pipelineHealth(this.cfg, { admin: this.admin ?? undefined, es: this.es, previous });
    this.health = JSON.stringify(h);
    this.broadcast("health", this.health);
    return h;
  }

  /** The latest health the loop measured (with rates), or a fresh probe before the first one. */
  async currentHealth(): Promise<Health> {
    if (this.health) return JSON.parse(this.health) as Health;
    return pipelineHealth(this.cfg, { admin: this.admin ?? undefined, es: this.es });
  }

  async run(): Promise<void> {
    void (async () => {
      let prev: Sample | undefined;
      while (!this.stopped) {
        prev = (await this.healthOnce(prev).catch(() => undefined))?.sample ?? prev;
        await sleep(HEALTH_MS);
      }
    })();
    while (!this.stopped) {
      const t0 = Date.now();
      await this.pollOnce();
      await sleep(Math.max(100, POLL_MS - (Date.now() - t0)));
    }
  }

  stop() {
    this.stopped = true;
  }
}
