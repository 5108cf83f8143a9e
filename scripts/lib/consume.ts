// The consumption loop of every bolt (Storm's spout + ack): one consumer group per bolt, manual commits.
// For each partition batch: handle(slice) writes to Elasticsearch and returns the records it refused; those are
// dead-lettered; only then is the slice's last offset committed. A crash anywhere replays from the last commit,
// and the handlers' writes are idempotent, so the effect is exactly once.
// Watchdog: no fetch, heartbeat or progress for BOLT_STALL_TIMEOUT_MS, or a kafkajs crash without restart,
// exits 1 so supervisord restarts the process. SIGTERM stops consuming, finishes the slice, and exits.

import type { Consumer, KafkaMessage } from "kafkajs";
import type { Config } from "./config.ts";
import { deadLetter, kafkaClient, type Rejected, ReliableProducer } from "./kafka.ts";
import { log } from "./log.ts";
import { isStopping, onShutdown, shutdown } from "./shutdown.ts";

export type Slice = { topic: string; partition: number; messages: KafkaMessage[] };
/** `assignment` counts the group joins of this process: it changes when partitions may have moved, so state a
 * handler keeps per partition (a cache) is valid only while it stays the same. */
export type BoltContext = { producer: ReliableProducer; heartbeat: () => Promise<void>; assignment: number };
export type Handler = (slice: Slice, ctx: BoltContext) => Promise<Rejected[]>;

/** Cut a batch into slices of at most `max` messages, so each write and commit stays small and timely. */
export function slicesOf<T>(items: T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out;
}

/** A refusal for one message, in the shape deadLetter() takes. */
export function rejectedOf(slice: Slice, m: KafkaMessage, reason: string): Rejected {
  return {
    topic: slice.topic,
    partition: slice.partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers,
    reason,
  };
}

export async function runBolt(opts: { cfg: Config; name: string; topics: string[]; handle: Handler }): Promise<void> {
  const { cfg, name } = opts;
  const kafka = kafkaClient(cfg, `${cfg.kafka.clientId}-${name}`);
  const producer = new ReliableProducer(kafka, cfg.kafka.sendTimeoutMs);
  const groupId = `${cfg.namespace ? `${cfg.namespace}-` : ""}btc-${name}${cfg.bolt.groupSuffix}`;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: cfg.bolt.sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3000,
    maxBytesPerPartition: 4 * 1_048_576,
    // the broker answers a fetch as soon as a record arrives; this bounds only how often an idle bolt asks (3 brokers:
    // 12 fetches/s at 250 ms, 1.5/s at 2 s; docs/speed.md) and how long a stop waits for the fetch in flight
    maxWaitTimeInMs: 2000,
    // Partitions added live (scripts/scale/partitions.ts) are seen within this, and the group rebalances onto them.
    metadataMaxAge: 30_000,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  let lastSign = Date.now();
  const alive = () => {
    lastSign = Date.now();
  };
  let assignment = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    assignment++;
  });
  consumer.on(consumer.events.FETCH, alive);
  consumer.on(consumer.events.HEARTBEAT, alive);
  consumer.on(consumer.events.CRASH, (e) => {
    const restart = (e.payload as { restart?: boolean }).restart;
    log.error("consumer crashed", { error: e.payload.error, restart });
    if (!restart && !isStopping()) void shutdown("consumer crashed without restart", 1);
  });
  const watchdog = setInterval(() => {
    const idle = Date.now() - lastSign;
    if (idle > cfg.bolt.stallTimeoutMs && !isStopping()) {
      log.error("no fetch, heartbeat or progress: exiting for a restart", { idleMs: idle });
      void shutdown("stalled", 1);
    }
  }, 1000);
  onShutdown("producer", () => producer.disconnect());
  onShutdown("consumer", async () => {
    clearInterval(watchdog);
    await consumer.disconnect();
  });

  await consumer.connect();
  for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: cfg.bolt.partitionsConcurrently,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      const ctx: BoltContext = {
        producer,
        assignment,
        heartbeat: async () => {
          alive();
          await heartbeat();
        },
      };
      for (const messages of slicesOf(batch.messages, cfg.bolt.batchMax)) {
        if (!isRunning() || isStale() || isStopping()) break;
        const slice = { topic: batch.topic, partition: batch.partition, messages };
        let rejected: Rejected[];
        try {
          rejected = await opts.handle(slice, ctx);
        } catch (e) {
          if ((e as { fatal?: boolean }).fatal) {
            log.error("cannot go on: stopping", { topic: slice.topic, partition: slice.partition, error: e });
            void shutdown("fatal error", 1);
            throw e;
          }
          log.error("slice failed: it will be consumed again", {
            topic: slice.topic,
            partition: slice.partition,
            error: e,
          });
          throw e;
        }
        await deadLetter(producer, cfg, name, rejected);
        if (cfg.bolt.testCrashAfterWrite > 0 && Math.random() < cfg.bolt.testCrashAfterWrite) {
          log.warn("test hook: killed between the Elasticsearch acknowledgement and the commit");
          process.kill(process.pid, "SIGKILL");
        }
        const last = messages[messages.length - 1]!.offset;
        resolveOffset(last);
        const next = (BigInt(last) + 1n).toString();
        await commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
        });
        await ctx.heartbeat();
      }
    },
  });
  log.info("consuming", { group: groupId, topics: opts.topics });
}
