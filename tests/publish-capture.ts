// Test helper: publish a capture file ({"at","feed","msg"} lines) to a namespace's source topics with the
// producers' record contract: value = the message's bytes, headers feed / received-at (= at) / origin, key = tx
// hash (transactions), height (blocks), "BTC-EUR" (prices). Messages that are not JSON go where their feed points
// (blockchain.info/ws: the transactions topic) with no key. Independent of the producers' replay mode.
// CLI: bun tests/publish-capture.ts <file> (uses BTC_NAMESPACE and the Kafka variables).

import { readFileSync } from "node:fs";
import { fatalOrUsage, toolArgs, UsageError } from "../scripts/lib/args.ts";
import { type Config, configOrExit, topicsOf } from "../scripts/lib/config.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import { type Captured, parseCaptureLine } from "../scripts/producers/capture.ts";

const PRICE_FEEDS = new Set(["blockchain.info/ticker", "kraken/ticker", "coinbase/spot", "coindesk/bpi"]);

export function readCaptureFile(file: string): Captured[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(parseCaptureLine)
    .sort((a, b) => a.at - b.at);
}

/** The topic and key of a captured message under the record contract. */
export function routeOf(cfg: Config, c: Captured): { topic: string; key: string | null } {
  const t = topicsOf(cfg);
  let json: unknown;
  try {
    json = JSON.parse(c.text);
  } catch {}
  const o = (json ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (PRICE_FEEDS.has(c.feed)) return { topic: t.bpi, key: "BTC-EUR" };
  if (c.feed === "blockchain.info/ws") {
    if ((o.op as unknown) === "block") return { topic: t.blocks, key: String(o.x?.height) };
    return { topic: t.transactions, key: typeof o.x?.hash === "string" ? o.x.hash : null };
  }
  if (c.feed === "mempool.space/block-txs") {
    const first = Array.isArray(json) ? (json[0] as { status?: { block_height?: unknown } } | undefined) : undefined;
    return {
      topic: t.blocks,
      key: first?.status?.block_height === undefined ? null : String(first.status.block_height),
    };
  }
  return {
    topic: t.blocks,
    key: (o as Record<string, unknown>).height === undefined ? null : String((o as Record<string, unknown>).height),
  };
}

/** Publish captured messages in `at` order (per partition order is what matters); resolves once acknowledged. */
export async function publishCapture(cfg: Config, messages: Captured[], origin = "replay"): Promise<void> {
  const producer = new ReliableProducer(cfg, "test-publish-capture", cfg.kafka.sendTimeoutMs);
  try {
    for (const c of messages) {
      const { topic, key } = routeOf(cfg, c);
      const headers = { feed: c.feed, "received-at": String(c.at), origin };
      await producer.send(topic, [{ key, value: c.text, headers }]);
    }
  } finally {
    await producer.disconnect();
  }
}

if (import.meta.main) {
  const usage = "bun tests/publish-capture.ts <capture.jsonl>";
  try {
    const [file] = toolArgs(usage, {}, { positionals: 1 }).positionals;
    if (!file) throw new UsageError(`usage: ${usage}`);
    await publishCapture(configOrExit(), readCaptureFile(file));
  } catch (e) {
    fatalOrUsage(e);
  }
}
