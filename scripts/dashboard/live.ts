// The dashboard's live side: for each view watched (a time range, a day and a month for the miners), runs the
// named queries in one _msearch every POLL_MS (views one after another, so load stays bounded), pushes a snapshot
// to the view's SSE subscribers only when it changed, keeps the pipeline's health fresh while a page watches, and
// tells every page when Elasticsearch stops answering and when it is back. What reaches the browser never carries
// an error's text.
// Indices read: btc-value, btc-volume, btc-miner. Kafka: consumer-group offsets (health), the dead-letter topic
// (what is new, per bolt: health/dead-letters.ts).

import type { Client } from "@elastic/elasticsearch";
import type { Admin } from "kafkajs";
import { emptyTally } from "../health/dead-letters.ts";
import { type Health, pipelineHealth, type Sample } from "../health/pipeline-health.ts";
import { type Config, topicsOf } from "../lib/config.ts";
import { log, sleep } from "../lib/log.ts";
import type { Params } from "./params.ts";
import { minersQuery, priceQuery, type Search, volumeIntervalOf, volumeQuery, windowOf } from "./queries.ts";
import {
  type EsAnswer,
  extentOf,
  originLabel,
  originsOf,
  publicHealth,
  shapeHours,
  shapeMiners,
  shapePrice,
} from "./shape.ts";

export const POLL_MS = 1000;
export const HEALTH_MS = 2000;
/** The live poll's timeout: a slower answer counts as an outage (the page says so and keeps the last figures). */
export const POLL_TIMEOUT_MS = 3000;

/** Run searches in one _msearch, no retry; any failed item fails the whole (the page then shows the outage). */
export async function runSearches(es: Client, searches: Search[], timeoutMs = POLL_TIMEOUT_MS): Promise<EsAnswer[]> {
  const body = { searches: searches.flatMap((s) => [{ index: s.index }, s.body]) };
  const res = await es.msearch(body, { requestTimeout: timeoutMs, maxRetries: 0 });
  return res.responses.map((r, i) => {
    if ("error" in r) throw new Error(`${searches[i]!.index}: ${r.error.type}: ${r.error.reason ?? ""}`);
    return r as EsAnswer;
  });
}

export type StreamView = Pick<Params, "view" | "day" | "month">;
export const viewKey = (v: StreamView) => JSON.stringify([v.view, v.day, v.month]);

/** Everything the page draws for one view, both units. */
export async function snapshot(cfg: Config, es: Client, v: StreamView, now = Date.now()) {
  const w = windowOf(v.view, now);
  const [price, volume, dayBtc, dayEur, monthBtc, monthEur] = await runSearches(es, [
    priceQuery(cfg, w),
    volumeQuery(cfg, w),
    minersQuery(cfg, "day", v.day, "btc"),
    minersQuery(cfg, "day", v.day, "eur"),
    minersQuery(cfg, "month", v.month, "btc"),
    minersQuery(cfg, "month", v.month, "eur"),
  ]);
  const origins = [...new Set([price, volume, dayBtc, monthBtc].flatMap((a) => originsOf(a!)))].sort();
  return {
    window: w,
    origins,
    label: originLabel(origins),
    extent: { value: extentOf(price!), volume: extentOf(volume!) },
    price: shapePrice(price!),
    interval: volumeIntervalOf(w),
    hours: shapeHours(volume!),
    miners: {
      day: { btc: shapeMiners(dayBtc!, v.day), eur: shapeMiners(dayEur!, v.day) },
      month: { btc: shapeMiners(monthBtc!, v.month), eur: shapeMiners(monthEur!, v.month) },
    },
  };
}

/** A live page: its view, how to send it an event, and its address (streams per address are capped: sse.ts). */
export type Sub = { view: StreamView; send: (event: string, data: string) => void; client?: string };
type EsStatus = { es: "up" | "down"; since: number };

export class Live {
  private subs = new Set<Sub>();
  private last = new Map<string, string>();
  private status: EsStatus = { es: "up", since: Date.now() };
  private health: string | null = null;
  private healthRaw: Health | null = null;
  private stopped = false;
  /** the dead letters per bolt, read as they come (dead-letters.ts; consumer group btc-dashboard-dead-letters) */
  private deadLetters;

  constructor(
    private cfg: Config,
    private es: Client,
    private admin: Admin | null,
  ) {
    this.deadLetters = { reader: "dashboard", tally: emptyTally(topicsOf(cfg).deadLetters) };
  }

  /** Events every page gets now and again on connecting, by name (the failover's "cluster": clusters.ts). */
  private announced = new Map<string, string>();
  announce(event: string, data: string): void {
    this.announced.set(event, data);
    this.broadcast(event, data);
  }

  get subscribers(): number {
    return this.subs.size;
  }

  /** Streams open from one address. */
  streamsFrom(client: string): number {
    let n = 0;
    for (const s of this.subs) if (s.client === client) n++;
    return n;
  }

  /** Distinct views watched (each is one query a poll). */
  get views(): number {
    return new Set([...this.subs].map((s) => viewKey(s.view))).size;
  }

  watches(key: string): boolean {
    return [...this.subs].some((s) => viewKey(s.view) === key);
  }

  subscribe(sub: Sub): () => void {
    this.subs.add(sub);
    sub.send("status", JSON.stringify(this.status));
    for (const [event, data] of this.announced) sub.send(event, data);
    const key = viewKey(sub.view);
    const last = this.last.get(key);
    if (last) sub.send("data", last);
    else void this.pollView(key, sub.view); // a new view is answered at once, not at the next round
    if (this.health) sub.send("health", this.health);
    return () => {
      this.subs.delete(sub);
      if (!this.watches(key)) this.last.delete(key);
    };
  }

  protected broadcast(event: string, data: string, key?: string) {
    for (const s of this.subs) if (key === undefined || viewKey(s.view) === key) s.send(event, data);
  }

  private setStatus(next: EsStatus["es"], error?: string) {
    if (this.status.es === next) return;
    this.status = { es: next, since: Date.now() };
    log[next === "up" ? "info" : "warn"](`elasticsearch ${next}`, { error });
    this.broadcast("status", JSON.stringify(this.status));
  }

  private async pollView(key: string, view: StreamView) {
    try {
      const json = JSON.stringify(await snapshot(this.cfg, this.es, view));
      this.setStatus("up");
      if (json !== this.last.get(key) && this.watches(key)) {
        this.last.set(key, json);
        this.broadcast("data", json, key);
      }
    } catch (e) {
      this.setStatus("down", (e as Error).message);
    }
  }

  /** One round: a snapshot per watched view, pushed when it changed. */
  async pollOnce(): Promise<void> {
    const views = new Map([...this.subs].map((s) => [viewKey(s.view), s.view]));
    for (const [key, view] of views) await this.pollView(key, view);
  }

  async healthOnce(previous?: Sample): Promise<Health> {
    const h = await pipelineHealth(this.cfg, {
      admin: this.admin ?? undefined,
      es: this.es,
      previous,
      deadLetters: this.deadLetters,
    });
    this.healthRaw = h;
    this.health = JSON.stringify(publicHealth(h));
    this.broadcast("health", this.health);
    return h;
  }

  /** An on-demand probe in flight: concurrent /api/health requests share it (their number bounds nothing else). */
  private probing: Promise<Health> | null = null;

  /** The latest health the loop measured (with rates), or a fresh probe before the first one; browser-safe. */
  async currentHealth() {
    if (this.healthRaw) return publicHealth(this.healthRaw);
    const opts = { admin: this.admin ?? undefined, es: this.es, deadLetters: this.deadLetters };
    this.probing ??= pipelineHealth(this.cfg, opts).finally(() => {
      this.probing = null;
    });
    return publicHealth(await this.probing);
  }

  async run(): Promise<void> {
    void (async () => {
      let prev: Sample | undefined;
      while (!this.stopped) {
        // nobody watching: no probe, so an idle dashboard costs next to nothing (docs/speed.md); what it knew is
        // dropped, not shown stale: /api/health then probes on demand, a new page gets health within HEALTH_MS
        if (this.subs.size > 0) prev = (await this.healthOnce(prev).catch(() => undefined))?.sample ?? prev;
        else [this.health, this.healthRaw] = [null, null];
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
