// What both producers share: the Kafka producer behind the bounded Publisher, the one ingest path every mode goes
// through (capture, route to topic and key, buffer), clean shutdown, and replay pacing.

import { type Config, topicsOf } from "../lib/config.ts";
import { log, sleep } from "../lib/log.ts";
import { ReliableProducer } from "../lib/reliable-producer.ts";
import { isStopping, onShutdown, whenStopping } from "../lib/shutdown.ts";
import { type Captured, captureWriter, readCapture } from "./capture.ts";
import { Publisher } from "./publisher.ts";
import { type Origin, route } from "./records.ts";
import { messageSeen, newSourceHealth, type SourceHealth, writeSourceHealth } from "./source-health.ts";

export const ORIGIN_OF_MODE = { live: "live", simulate: "simulated", replay: "replay" } as const;

/** height: the announced height (block details); wait: back-pressure (replay); capturedOnly: refused, not published */
export type Ingest = (
  c: Captured,
  opts?: { height?: number; wait?: boolean; capturedOnly?: boolean },
) => Promise<boolean>;

/** Connect (lazily, retried by the publisher's loop), and return the ingest function. */
export function startPublishing(
  cfg: Config,
  name: string,
): { publisher: Publisher; ingest: Ingest; health: SourceHealth } {
  // A failed send retires the Kafka producer (see ReliableProducer): never reuse one after a timeout.
  const producer = new ReliableProducer(cfg, `${cfg.kafka.clientId}-${name}`, cfg.kafka.sendTimeoutMs);
  const publisher = new Publisher((topic, messages) => producer.send(topic, messages), {
    max: cfg.producers.bufferMax,
    maxBytes: cfg.producers.bufferMaxBytes,
    batchMax: cfg.producers.batchMax,
    lingerMs: cfg.producers.lingerMs,
  });
  publisher.start();
  const origin: Origin = ORIGIN_OF_MODE[cfg.producers.mode];
  const capture = captureWriter(cfg.producers.captureFile);
  const topics = topicsOf(cfg);
  let skipped = 0;
  const health = newSourceHealth(name, cfg.producers.mode);
  const writeHealth = () => {
    try {
      writeSourceHealth(cfg.healthDir, health);
    } catch (e) {
      log.debug("source health not written", { error: e });
    }
  };
  writeHealth();
  const healthTimer = setInterval(writeHealth, 5000);
  const ingest: Ingest = async (c, opts = {}) => {
    capture(c);
    messageSeen(health, c.feed);
    if (opts.capturedOnly) return false;
    const r = route(topics, c, origin, opts.height);
    if ("skip" in r) {
      skipped++;
      log.debug("not published", { feed: c.feed, reason: r.skip, skipped });
      return false;
    }
    if (opts.wait) {
      await publisher.pushWait(r);
      return true;
    }
    return publisher.push(r);
  };
  const stats = setInterval(
    () =>
      log.info("producer stats", {
        published: publisher.published,
        dropped: publisher.dropped,
        buffered: publisher.count,
        skipped,
      }),
    60_000,
  );
  onShutdown("kafka producer", async () => {
    clearInterval(stats);
    clearInterval(healthTimer);
    await publisher.close(7000);
    await producer.disconnect();
  });
  return { publisher, ingest, health };
}

/**
 * The messages of a capture file, in file order, at `speed` x their original pace (Infinity: no waiting), for
 * the feeds `keep` accepts. Waits between messages are cut short by shutdown.
 */
export async function* paced(file: string, speed: number, keep: (feed: string) => boolean): AsyncGenerator<Captured> {
  let first: { at: number; wall: number } | undefined;
  for await (const c of readCapture(file)) {
    if (isStopping()) return;
    if (!keep(c.feed)) continue;
    first ??= { at: c.at, wall: Date.now() };
    if (Number.isFinite(speed)) {
      const due = first.wall + (c.at - first.at) / speed - Date.now();
      if (due > 0) await Promise.race([sleep(due), whenStopping()]);
    }
    yield c;
  }
}

/** Wait until a wall-clock time (epoch ms) or shutdown. */
export async function until(ms: number): Promise<void> {
  const d = ms - Date.now();
  if (d > 0) await Promise.race([sleep(d), whenStopping()]);
}
