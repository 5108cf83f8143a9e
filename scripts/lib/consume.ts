// The consumption loop of every bolt (Storm's spout + ack): one consumer group per bolt, manual commits.
// For each partition batch: handle(slice) writes to Elasticsearch and returns the records it refused; those are
// dead-lettered; only then is the slice's last offset committed. A crash anywhere replays from the last commit,
// and the handlers' writes are idempotent, so the effect is exactly once.
// A handler error is tried again in place, and a record that fails every time is dead-lettered with the error
// (lib/settle.ts); Kafka or Elasticsearch unavailable is waited for. While a handler works (Elasticsearch slow or
// hung included), the member heartbeats every 3 s, so a long slice never costs the group its partitions.
// Watchdog: no fetch and no heartbeat for BOLT_STALL_TIMEOUT_MS (a handler at work heartbeats), or a kafkajs crash
// without restart, exits 1 so supervisord restarts the process. SIGTERM stops consuming, finishes the slice, exits.

import type { Consumer, KafkaMessage } from "kafkajs";
import type { Config } from "./config.ts";
import { deadLetter, kafkaClient, type Rejected } from "./kafka.ts";
import { backoff, log, sleep } from "./log.ts";
import { ReliableProducer } from "./reliable-producer.ts";
import { rejectedOf, settleSlice } from "./settle.ts";
import { isStopping, onShutdown, shutdown } from "./shutdown.ts";

export { rejectedOf };

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

/** How often the member heartbeats, between batches and while a handler works. */
const HEARTBEAT_MS = 3000;
/** Heartbeat answers that mean the member must join the group again (kafkajs isRebalancing, and unknown member). */
const GROUP_ERRORS = new Set([
  "REBALANCE_IN_PROGRESS",
  "NOT_COORDINATOR_FOR_GROUP",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);
const batchOf = (b: { topic: string; partition: number }) => ({ topic: b.topic, partition: b.partition });

export async function runBolt(opts: { cfg: Config; name: string; topics: string[]; handle: Handler }): Promise<void> {
  const { cfg, name } = opts;
  const kafka = kafkaClient(cfg, `${cfg.kafka.clientId}-${name}`);
  const producer = new ReliableProducer(cfg, `${cfg.kafka.clientId}-${name}`, cfg.kafka.sendTimeoutMs);
  const groupId = `${cfg.namespace ? `${cfg.namespace}-` : ""}btc-${name}${cfg.bolt.groupSuffix}`;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: cfg.bolt.sessionTimeoutMs,
    rebalanceTimeout: 60_000,
    heartbeatInterval: HEARTBEAT_MS,
    maxBytesPerPartition: 4 * 1_048_576,
    maxWaitTimeInMs: fetchWaitMs(cfg),
    // Partitions added live (scripts/scale/partitions.ts) are seen within this, and the group rebalances onto them.
    metadataMaxAge: 30_000,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  let lastSign = Date.now();
  const alive = () => {
    lastSign = Date.now();
  };
  let assignment = 0;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment++;
    log.info("joined the group", { joins: assignment, partitions: e.payload.memberAssignment });
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
      // the member heartbeats while the handler works (kafkajs sends one every HEARTBEAT_MS at most); an error of
      // the group (a rebalance, this member unknown) gives the slice up; another (a timeout) is tried at the next tick
      let groupError: unknown;
      let failures = 0;
      const beat = async () => {
        if (groupError) throw groupError;
        await heartbeat().catch((e) => {
          if (GROUP_ERRORS.has((e as { type?: string }).type ?? "")) groupError = Object.assign(e, { group: true });
          if (failures++ === 0 || groupError) log.warn("heartbeat failed", { ...batchOf(batch), error: e });
          throw e;
        });
        failures = 0;
      };
      const ticker = setInterval(() => void beat().catch(() => {}), 1000);
      const ctx: BoltContext = { producer, assignment, heartbeat: beat };
      const pause = async (attempt: number, e: unknown) => {
        await sleep(backoff(attempt, "slice", e, cfg.bolt.retryMaxMs));
        if (!isRunning() || isStale()) throw Object.assign(new Error("partition given up meanwhile"), { group: true });
        await beat();
      };
      try {
        for (const messages of slicesOf(batch.messages, cfg.bolt.batchMax)) {
          if (!isRunning() || isStale() || isStopping()) break;
          const slice = { topic: batch.topic, partition: batch.partition, messages };
          let rejected: Rejected[];
          try {
            rejected = await settleSlice(slice, (s) => opts.handle(s, ctx), { pause });
          } catch (e) {
            if ((e as { fatal?: boolean }).fatal) {
              log.error("cannot go on: stopping", { topic: slice.topic, partition: slice.partition, error: e });
              void shutdown("fatal error", 1);
            } else log.warn("slice given up: it will be consumed again", { ...slice, messages: undefined, error: e });
            throw e;
          }
          // named with the group's suffix: the standby's bolts (and any other group) refuse the same records too
          await deadLetter(producer, cfg, `${name}${cfg.bolt.groupSuffix}`, rejected);
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
      } finally {
        clearInterval(ticker);
      }
    },
  });
  log.info("consuming", { group: groupId, topics: opts.topics });
}

/** How long a fetch waits on the broker when nothing is there. The broker answers as soon as a record arrives, so
 * this adds no latency; it bounds how often an idle bolt asks (3 brokers: 12 fetches/s at 250 ms, 0.6/s at 5 s:
 * docs/speed.md). A stop waits for the fetch in flight (kafkajs), and must end within 10 s: at most 5 s. An idle
 * member heartbeats and gives signs of life between fetches: under a third of the session timeout and half the
 * stall timeout. */
export const fetchWaitMs = (cfg: Pick<Config, "bolt">) =>
  Math.min(5000, Math.floor(cfg.bolt.sessionTimeoutMs / 3), Math.floor(cfg.bolt.stallTimeoutMs / 2));
