// Shared by the fault tests: a fault proves something only when it lands on records in flight. This gives them a
// stream long enough for that (the seeded stream of make chaos, scripts/chaos/chaos-stream.ts: prices every 10 s,
// late prices and transactions, block races, poison, across a day and a month turn), its reference figures, a
// publisher that feeds it at a steady pace in the background, and the wait before a fault: until the bolt it hits
// has committed progress (it is consuming) and still has lag (records wait behind its open batch).

import type { Admin } from "kafkajs";
import { chaosStream } from "../scripts/chaos/chaos-stream.ts";
import { defaultTopics, groupOf, lagOf } from "../scripts/health/pipeline-health.ts";
import type { Config } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import type { Captured } from "../scripts/producers/capture.ts";
import { type Figures, referenceFigures } from "../scripts/reference/reference-figures.ts";
import { routeOf } from "./publish-capture.ts";

/** One hour and a half of traffic from 23:30 UTC on 31 October 2026 (about 2,400 records), and what it must give. */
export function faultStream(seed: number): { lines: Captured[]; want: Figures & { rejects: number } } {
  const { lines, minerOf } = chaosStream({ seed, startMs: Date.UTC(2026, 9, 31, 23, 30), hours: 1.5, rate: 0.05 });
  return { lines, want: referenceFigures(lines, (h) => minerOf.get(h) ?? "Unknown") };
}

/** Publish the lines in order, spread evenly over `durationMs` (every 100 ms what is due, one send per topic). */
export function publishPaced(cfg: Config, lines: Captured[], durationMs: number): Promise<void> {
  return (async () => {
    const producer = new ReliableProducer(cfg, "test-paced", 30_000);
    try {
      const t0 = Date.now();
      for (let sent = 0; sent < lines.length; await Bun.sleep(100)) {
        const due = Math.min(lines.length, Math.ceil(((Date.now() - t0) / durationMs) * lines.length));
        const byTopic = new Map<
          string,
          Array<{ key: string | null; value: string; headers: Record<string, string> }>
        >();
        for (const c of lines.slice(sent, due)) {
          const { topic, key } = routeOf(cfg, c);
          if (!byTopic.has(topic)) byTopic.set(topic, []);
          byTopic
            .get(topic)!
            .push({ key, value: c.text, headers: { feed: c.feed, "received-at": String(c.at), origin: "replay" } });
        }
        for (const [topic, messages] of byTopic) await producer.send(topic, messages);
        sent = due;
      }
    } finally {
      await producer.disconnect();
    }
  })();
}

/** A bolt's lag and the sum of its committed offsets now. */
export async function boltOffsets(admin: Admin, cfg: Config, bolt: string) {
  const topic = defaultTopics(cfg)[bolt]![0]!;
  const [ends, groups] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: groupOf(cfg, bolt), topics: [topic] }),
  ]);
  const committed: Record<string, number> = {};
  for (const p of groups[0]?.partitions ?? []) committed[`${topic}/${p.partition}`] = Number(p.offset);
  const end = Object.fromEntries(ends.map((p) => [`${topic}/${p.partition}`, Number(p.high)]));
  const sum = Object.values(committed).reduce((s, o) => s + Math.max(0, o), 0);
  return { lag: lagOf(end, committed), committed: sum };
}

/** Wait until `bolt` has committed past `after` (it is consuming) and has lag; throws when that does not happen
 * within `timeoutMs` (the fault would land on an idle bolt). */
export async function waitInFlight(admin: Admin, cfg: Config, bolt: string, after: number, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let last = { lag: 0, committed: 0 };
  while (Date.now() < until) {
    // A partition moving (its leader changing) answers NOT_LEADER for a moment: read again.
    last = await boltOffsets(admin, cfg, bolt).catch((e) => {
      if ((e as { retriable?: boolean }).retriable) return last;
      throw e;
    });
    if (last.committed > after && last.lag > 0) return last;
    await Bun.sleep(20);
  }
  throw new Error(`bolt ${bolt} never had records in flight (last: lag ${last.lag}, committed ${last.committed})`);
}

/** An admin client of the namespace, connected. */
export async function adminOf(cfg: Config): Promise<Admin> {
  const admin = kafkaClient(cfg, "test-in-flight").admin();
  await admin.connect();
  return admin;
}
