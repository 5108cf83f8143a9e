// Producer of the Bitcoin price: p3-btc-bpi, key "BTC-EUR", value the source's body exactly as received.
// SOURCE_MODE=live: on the BPI_SCHEDULE cron, the BPI_SOURCES in failover order (price-poll.ts; parsers in
// domain/price-sources.ts); simulate: the same tick, with /ticker bodies of the simulator's EUR random walk;
// replay: the price lines of REPLAY_FILE (blockchain.info/ticker, kraken/ticker, coinbase/spot, coindesk/bpi),
// judged by the same rules as live. CAPTURE_FILE gets every body that arrived, refused ones included.
// Topic out: p3-btc-bpi. Env: SOURCE_MODE, CAPTURE_FILE, REPLAY_FILE, REPLAY_SPEED, SIM_SEED, BPI_SCHEDULE,
// BPI_SOURCES, BPI_MAX_JUMP_PCT, BPI_TIMEOUT_MS, BLOCKCHAIN_API, KRAKEN_API, COINBASE_API, COINDESK_API,
// PRODUCER_BUFFER_MAX(_MB), PRODUCER_BATCH_MAX, KAFKA_*, BTC_NAMESPACE.

import { CronJob } from "cron";
import { isPriceFeed, priceUrl } from "../domain/price-sources.ts";
import { type Config, ConfigError, configOrExit } from "../lib/config.ts";
import { fatal, log } from "../lib/log.ts";
import { onShutdown, whenStopping } from "../lib/shutdown.ts";
import { simulatePrices } from "../simulator/simulator.ts";
import { getText } from "./block-details.ts";
import { type Fetched, judge, type PriceState, pollOnce, settle } from "./price-poll.ts";
import { type Ingest, paced, startPublishing } from "./runtime.ts";
import { type SourceHealth, sourceResult } from "./source-health.ts";

/** How a source is asked for a body, per mode. */
export function fetcherOf(cfg: Config): (feed: string) => Promise<Fetched> {
  const p = cfg.producers;
  if (p.mode === "simulate") {
    const walk = simulatePrices({ seed: p.simSeed });
    return async () => ({ text: walk.next().value as string, at: Date.now() });
  }
  return async (feed) => {
    if (!isPriceFeed(feed)) return { error: `unknown source ${feed}` };
    try {
      const text = await getText(priceUrl(feed, p), p.bpiTimeoutMs);
      return { text, at: Date.now() };
    } catch (e) {
      const err = e as Error;
      return { error: err.name === "TimeoutError" ? `timeout after ${p.bpiTimeoutMs} ms` : err.message };
    }
  };
}

async function onSchedule(cfg: Config, ingest: Ingest, health: SourceHealth): Promise<void> {
  const p = cfg.producers;
  const feeds = p.mode === "simulate" ? ["blockchain.info/ticker"] : p.bpiSources;
  const fetchBody = fetcherOf(cfg);
  const state: PriceState = { jumpOnlyTicks: 0 };
  // waitForCompletion: a tick still running (slow sources) makes cron skip the next one; stop() waits for it.
  const job = CronJob.from({
    cronTime: p.bpiSchedule,
    start: true,
    waitForCompletion: true,
    errorHandler: (e) => log.error("price tick failed", { error: String(e) }),
    onTick: async () => {
      const r = await pollOnce(feeds, fetchBody, state, p.bpiMaxJumpPct);
      for (const s of r.skipped) log.warn("price source skipped", s);
      for (const s of r.skipped) sourceResult(health, s.feed, s.reason);
      if (r.accepted) sourceResult(health, r.accepted.feed, undefined);
      for (const c of r.refused) await ingest(c, { capturedOnly: true });
      if (r.accepted) await ingest(r.accepted);
      else log.error("no price source gave a sound price this tick", { sources: feeds });
      if (r.accepted) log.debug("price", { feed: r.accepted.feed, ...r.accepted.price });
    },
  });
  onShutdown("price schedule", () => job.stop());
}

async function replay(cfg: Config, ingest: Ingest): Promise<void> {
  const file = cfg.producers.replayFile;
  if (!file) throw new ConfigError("SOURCE_MODE=replay needs REPLAY_FILE");
  const state: PriceState = { jumpOnlyTicks: 0 };
  for await (const c of paced(file, cfg.producers.replaySpeed, isPriceFeed)) {
    const price = judge(c.feed, c.text, state, cfg.producers.bpiMaxJumpPct);
    const ok = !("error" in price);
    if (!ok) log.warn("price skipped", { feed: c.feed, reason: price.error });
    settle(
      state,
      ok
        ? { accepted: { ...c, price }, refused: [], skipped: [] }
        : { refused: [], skipped: [{ feed: c.feed, reason: price.error }] },
    );
    await ingest(c, { wait: true, capturedOnly: !ok });
  }
  log.info("replay finished", { file });
}

export async function main(): Promise<void> {
  const cfg = configOrExit();
  for (const f of cfg.producers.bpiSources) if (!isPriceFeed(f)) fatal(new Error(`BPI_SOURCES: unknown source ${f}`));
  const { ingest, health } = startPublishing(cfg, "bpi");
  log.info("price producer started", {
    mode: cfg.producers.mode,
    schedule: cfg.producers.bpiSchedule,
    sources: cfg.producers.bpiSources,
    ...(cfg.producers.mode === "replay"
      ? { file: cfg.producers.replayFile ?? null, speed: cfg.producers.replaySpeed }
      : {}),
  });
  if (cfg.producers.mode === "replay") await replay(cfg, ingest);
  else await onSchedule(cfg, ingest, health);
  await whenStopping();
}

if (import.meta.main) main().catch(fatal);
