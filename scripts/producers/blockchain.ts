// Producer of transactions and blocks: p3-btc-transactions (each `utx`, key tx hash) and p3-btc-blocks (each
// `block` announcement and the details bodies fetched for it, key height), values exactly as received.
// SOURCE_MODE=live: the blockchain.info WebSocket (ws-feed.ts) + block details (block-details.ts), and what is
// missing (an announcement sent while the connection was down, details that failed, a parent never seen) fetched
// until it succeeds (block-gaps.ts; the blocks waiting are in the source-health file, read by `make status`);
// simulate: the simulator's transactions and blocks paced on the wall clock (simulator/simulator.ts);
// replay: the blockchain.info/ws, blockchain.info/rawblock and mempool.space/* lines of REPLAY_FILE.
// Topics out: p3-btc-transactions, p3-btc-blocks. Env: SOURCE_MODE, CAPTURE_FILE, REPLAY_FILE, REPLAY_SPEED,
// SIM_RATE, SIM_SEED, SIM_BLOCK_SECONDS, BLOCKCHAIN_WS_URL, BLOCKCHAIN_API, MEMPOOL_API, WS_PING_MS,
// WS_SILENCE_MS, WS_BACKOFF_MAX_MS, BLOCK_FETCH_RETRIES, BLOCK_FETCH_TIMEOUT_MS, RAWBLOCK_MAX_BYTES,
// BLOCK_RETRY_MAX_MS, BLOCK_TIP_CHECK_MS,
// PRODUCER_BUFFER_MAX(_MB), PRODUCER_BATCH_MAX, KAFKA_*, BTC_NAMESPACE.

import { readFileSync } from "node:fs";
import { type Config, configOrExit } from "../lib/config.ts";
import { fatal, log } from "../lib/log.ts";
import { isStopping, onShutdown, whenStopping } from "../lib/shutdown.ts";
import { simulateChain } from "../simulator/simulator.ts";
import type { Pool } from "../simulator/simulator-random.ts";
import { fetchBlockDetails, fetchTip } from "./block-details.ts";
import { BlockGaps } from "./block-gaps.ts";
import { type Ingest, paced, startPublishing, until } from "./runtime.ts";
import { blocksWaiting, connectionLost, readSourceHealth, type SourceHealth } from "./source-health.ts";
import { runWsFeed } from "./ws-feed.ts";

export const CHAIN_FEEDS = new Set([
  "blockchain.info/ws",
  "blockchain.info/rawblock",
  "mempool.space/block",
  "mempool.space/block-txs",
]);

/** The hash and height of a `block` announcement, or undefined for any other message. */
export function announcedBlock(text: string): { hash: string; height: number } | undefined {
  if (!text.includes('"block"')) return undefined;
  try {
    const m = JSON.parse(text) as { op?: string; x?: { hash?: unknown; height?: unknown } };
    if (m.op !== "block" || typeof m.x?.hash !== "string" || typeof m.x.height !== "number") return undefined;
    return { hash: m.x.hash, height: m.x.height };
  } catch {
    return undefined;
  }
}

async function live(cfg: Config, ingest: Ingest, health?: SourceHealth, before?: SourceHealth): Promise<void> {
  const p = cfg.producers;
  const details = {
    blockchainApi: p.blockchainApi,
    mempoolApi: p.mempoolApi,
    retries: p.blockFetchRetries,
    timeoutMs: p.blockFetchTimeoutMs,
    maxBytes: p.rawblockMaxBytes,
  };
  const gaps = new BlockGaps({
    fetchDetails: (hash) => fetchBlockDetails(hash, details),
    fetchTip: () => fetchTip(details),
    publish: (c, height) => void ingest(c, { height }),
    retryMaxMs: p.blockRetryMaxMs,
    onChange: (waiting, tip) => health && blocksWaiting(health, waiting, tip),
  });
  if (before?.mode === "live") gaps.resume(before);
  const tipTimer = setInterval(() => void gaps.checkTip(), p.blockTipCheckMs);
  onShutdown("block gaps", async () => {
    clearInterval(tipTimer);
    gaps.stop();
  });
  await runWsFeed({
    url: p.blockchainWsUrl,
    pingMs: p.wsPingMs,
    silenceMs: p.wsSilenceMs,
    backoffMaxMs: p.wsBackoffMaxMs,
    subscriptions: ['{"op":"unconfirmed_sub"}', '{"op":"blocks_sub"}'],
    isStopping,
    whenStopping: whenStopping(),
    onLost: (reason) => health && connectionLost(health, reason),
    onOpen: () => void gaps.checkTip(),
    onMessage: (text, at) => {
      void ingest({ at, feed: "blockchain.info/ws", text });
      const block = announcedBlock(text);
      if (!block) return;
      log.info("block announced, fetching details", block);
      gaps.announced(block.hash, block.height);
    },
  });
}

async function simulate(cfg: Config, ingest: Ingest): Promise<void> {
  const pools = JSON.parse(
    readFileSync(new URL("../../vendor/mining-pools/pools-v2.json", import.meta.url), "utf8"),
  ) as Pool[];
  const p = cfg.producers;
  log.info("simulating", { rate: p.simRate, seed: p.simSeed, blockSeconds: p.simBlockSeconds });
  for (const c of simulateChain({
    seed: p.simSeed,
    startMs: Date.now(),
    rate: p.simRate,
    blockSeconds: p.simBlockSeconds,
    pools,
  })) {
    if (isStopping()) return;
    if (c.at > Date.now() + 5) await until(c.at);
    // The simulator is a source we control: when Kafka is slow it waits for room (back-pressure), never drops.
    await ingest(c, { wait: true });
  }
}

async function replay(cfg: Config, ingest: Ingest): Promise<void> {
  const file = cfg.producers.replayFile;
  if (!file) throw new Error("SOURCE_MODE=replay needs REPLAY_FILE");
  let n = 0;
  for await (const c of paced(file, cfg.producers.replaySpeed, (f) => CHAIN_FEEDS.has(f))) {
    if (await ingest(c, { wait: true })) n++;
  }
  log.info("replay finished", { file, published: n });
}

export async function main(): Promise<void> {
  const cfg = configOrExit();
  // what the previous run reported (read before this run's first report replaces it): the live mode resumes from it
  const before = readSourceHealth(cfg.healthDir).find((h) => h.producer === "blockchain");
  const { ingest, health } = startPublishing(cfg, "blockchain");
  log.info("blockchain producer started", {
    mode: cfg.producers.mode,
    capture: cfg.producers.captureFile ?? null,
    ...(cfg.producers.mode === "replay"
      ? { file: cfg.producers.replayFile ?? null, speed: cfg.producers.replaySpeed }
      : {}),
  });
  const run = { live, simulate, replay }[cfg.producers.mode];
  await run(cfg, ingest, health, before);
  await whenStopping();
}

if (import.meta.main) main().catch(fatal);
