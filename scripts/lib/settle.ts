// A slice is settled when the handler went through it: every record written or refused with its reason. A handler
// error that says something about the records (a period too big to compute, an aggregation Elasticsearch refuses)
// is tried SLICE_TRIES times; then the slice is halved until the records that fail alone are found, and those are
// refused (dead-lettered by the caller) with the error; the rest of the slice goes on. An error that says nothing
// about the records (Kafka or Elasticsearch unavailable, busy or timing out, a conflict with another writer: see
// isTransient) is waited for however long it lasts, never counted. A fatal error (refused credentials) and an error
// of the consumer group (a rebalance: the caller's pause throws it) stop the settling at once.
// Used by lib/consume.ts; pure of Kafka and Elasticsearch clients (the handler and the pause are given).

import type { KafkaMessage } from "kafkajs";
import type { Slice } from "./consume.ts";
import { retryableRead } from "./es.ts";
import type { Rejected } from "./kafka.ts";
import { log } from "./log.ts";
import { isStopping } from "./shutdown.ts";

/** How many times a slice, or a part of it, fails for a reason of its own before it is halved. */
export const SLICE_TRIES = 3;

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

const UNAVAILABLE = new Set(["ConnectionError", "TimeoutError", "NoLivingConnectionsError", "RequestAbortedError"]);

/** An error that says nothing about the records: Kafka (any kafkajs error; a send that failed or timed out, marked
 * `transient` by reliable-producer.ts), Elasticsearch unreachable, timing out, busy or failing (what withRetry
 * retries), or marked `transient` by a handler. */
export function isTransient(e: unknown): boolean {
  const err = (e ?? {}) as { name?: unknown; transient?: unknown; meta?: { statusCode?: unknown } };
  if (err.transient === true) return true;
  if (typeof err.name === "string" && (err.name.startsWith("KafkaJS") || UNAVAILABLE.has(err.name))) return true;
  return err.meta !== undefined && typeof err.meta.statusCode === "number" && retryableRead(e);
}

const textOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

/**
 * Run `run` on the slice until it settles; returns every refusal (the handler's, and the records that failed alone
 * `tries` times). `pause` runs between tries (backoff, heartbeat; it throws to give the slice up).
 */
export async function settleSlice(
  slice: Slice,
  run: (slice: Slice) => Promise<Rejected[]>,
  opts: { tries?: number; pause: (attempt: number, e: unknown) => Promise<void> },
): Promise<Rejected[]> {
  const tries = opts.tries ?? SLICE_TRIES;
  const first = slice.messages[0]!.offset;
  const last = slice.messages[slice.messages.length - 1]!.offset;
  const where = { topic: slice.topic, partition: slice.partition, from: first, to: last };
  let failures = 0;
  let cause: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(slice);
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal || (e as { group?: boolean }).group || isStopping()) throw e;
      const transient = isTransient(e);
      if (!transient) {
        failures++;
        cause = e;
      }
      log.warn("slice failed: trying it again", { ...where, attempt, transient, failures, error: textOf(e) });
      if (failures >= tries) break;
      await opts.pause(attempt, e);
    }
  }
  const why = `slice failed ${tries} times with this record alone: ${textOf(cause)}`;
  if (slice.messages.length === 1) return [rejectedOf(slice, slice.messages[0]!, why)];
  log.warn(`slice failed ${tries} times: halving it to find the records that fail`, where);
  const half = Math.ceil(slice.messages.length / 2);
  const out: Rejected[] = [];
  for (const messages of [slice.messages.slice(0, half), slice.messages.slice(half)])
    out.push(...(await settleSlice({ ...slice, messages }, run, opts)));
  return out;
}
