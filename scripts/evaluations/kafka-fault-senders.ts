// The ways of sending compared by kafka-client-faults.ts, each an idempotent producer (acks=all, one request in
// flight, gzip) whose every send resolves or rejects within `boundMs`:
// - kafkajs-reliable: the kafkajs ReliableProducer the project had (evaluations/kafkajs-producer.ts): a failed send
//   retires the producer;
// - kafkajs-one: one kafkajs producer for the whole run, sends bounded as sendBounded() (lost records before);
// - platformatic-one: one @platformatic/kafka producer for the whole run, its send raced against the bound;
// - platformatic-replaced: the project's ReliableProducer (lib/reliable-producer.ts): a failed or timed-out send closes
//   the producer, the next gets a new one.
// A send given up on may still land later (the client goes on retrying): `late` counts how they settled after
// the bound (not seen inside ReliableProducer). No topic, index or environment of its own.

import { Producer as PlatProducer } from "@platformatic/kafka";
import { CompressionTypes } from "kafkajs";
import type { Config } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { within as boundedBy, errorChain, producerOptions, ReliableProducer } from "../lib/reliable-producer.ts";
import type { Rec } from "./kafka-clients-pair.ts";
import { connectProducer, KafkajsReliableProducer } from "./kafkajs-producer.ts";

export const VARIANTS = ["kafkajs-reliable", "kafkajs-one", "platformatic-one", "platformatic-replaced"] as const;
export type Variant = (typeof VARIANTS)[number];
export type Late = { resolved: number; rejected: number; errors: string[] };
export type FaultSender = { send(recs: Rec[]): Promise<void>; close(): Promise<void>; late: Late };

/** `p` within `ms`, else a SendTimeout (lib's `within`); `late` counts how `p` settled after the bound. */
export function within<T>(p: Promise<T>, ms: number, late?: Late): Promise<T> {
  const t0 = performance.now();
  const over = () => performance.now() - t0 >= ms;
  p.then(
    () => {
      if (late && over()) late.resolved++;
    },
    (e) => {
      if (!late || !over()) return;
      late.rejected++;
      if (late.errors.length < 3) late.errors.push(errorChain(e).slice(0, 600));
    },
  );
  return boundedBy(p, ms, "send");
}

const quietly = (p: Promise<unknown>, ms = 5000) => Promise.race([p.catch(() => {}), Bun.sleep(ms)]).then(() => {});

/** A sender of `variant` to `topic` on `cfg`'s brokers. */
export async function openFaultSender(variant: Variant, cfg: Config, topic: string, boundMs: number) {
  const late: Late = { resolved: 0, rejected: 0, errors: [] };
  if (variant === "kafkajs-reliable") {
    const rp = new KafkajsReliableProducer(cfg, "faults", boundMs);
    return {
      late,
      send: async (recs) => void (await rp.send(topic, recs)),
      close: () => rp.disconnect(),
    } as FaultSender;
  }
  if (variant === "kafkajs-one") {
    const p = await within(connectProducer(kafkaClient(cfg, "faults")), boundMs);
    return {
      late,
      // as sendBounded(), and told when a send given up on resolves later
      send: async (recs) =>
        void (await within(
          p.send({ topic, messages: recs, acks: -1, compression: CompressionTypes.GZIP }),
          boundMs,
          late,
        )),
      close: () => quietly(p.disconnect()),
    } as FaultSender;
  }
  if (variant === "platformatic-one") {
    const p = new PlatProducer<Buffer, Buffer, string, Buffer>(producerOptions(cfg, "faults"));
    const send = (recs: Rec[]) => p.send({ messages: recs.map((r) => ({ topic, ...r })) });
    return {
      late,
      send: async (recs) => void (await within(send(recs), boundMs, late)),
      close: () => quietly(p.close(true)),
    } as FaultSender;
  }
  const rp = new ReliableProducer(cfg, "faults", boundMs);
  return {
    late,
    send: async (recs) => void (await rp.send(topic, recs)),
    close: () => rp.disconnect(),
  } as FaultSender;
}
