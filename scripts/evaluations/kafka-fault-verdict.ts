// What kafka-client-faults.ts counts as passing, as pure functions, and how it reads a topic back: Kafka's own
// console consumer (a JVM client, neither of the clients compared) prints every record's partition, offset and key.
// A run passes when every send settled within the bound + 2 s, sends were acknowledged again after the fault, and
// every acknowledged record is in the topic exactly once (a rejected send's records may or may not be there).
// No topic, index or environment of its own.

import type { PrivateCluster } from "./kafka-private-cluster.ts";

/** One send of a run: its keys, whether it was acknowledged, how long it took, when it started (ms from the start). */
export type Send = { keys: string[]; ok: boolean; ms: number; at: number; error?: string };
/** A record read back: its key, partition and offset. */
export type Read = { key: string; partition: number; offset: number };

/** A console-consumer line "Partition:P<TAB>Offset:O<TAB>KEY". */
export function parseRead(line: string): Read | undefined {
  const m = /^Partition:(\d+)\tOffset:(\d+)\t(.+)$/.exec(line.trim());
  return m ? { partition: Number(m[1]), offset: Number(m[2]), key: m[3]! } : undefined;
}

/** The verdict on a run: sends, bound, recovery, and each acknowledged key counted in what was read back. */
export function verdict(sends: Send[], read: Read[], faultEndMs: number, boundMs: number) {
  const count = new Map<string, number>();
  for (const r of read) count.set(r.key, (count.get(r.key) ?? 0) + 1);
  const acked = sends.filter((s) => s.ok).flatMap((s) => s.keys);
  const rejected = sends.filter((s) => !s.ok).flatMap((s) => s.keys);
  const dups = (s: Send) => s.keys.filter((k) => (count.get(k) ?? 0) > 1);
  const out = {
    sends: sends.length,
    rejected_sends: sends.filter((s) => !s.ok).length,
    acked_records: acked.length,
    slowest_ms: Math.max(0, ...sends.map((s) => s.ms)),
    acked_sends_after_fault: sends.filter((s) => s.ok && s.at >= faultEndMs).length,
    missing: acked.filter((k) => !count.has(k)).length,
    duplicated: acked.filter((k) => (count.get(k) ?? 0) > 1).length,
    rejected_but_written: rejected.filter((k) => count.has(k)).length,
    read_back: read.length,
    // where duplicated acknowledged records come from: the send, its start (s), duration (ms), and one record's copies
    duplicated_by_send: sends
      .map((s, i) => ({ send: i, at_s: s.at / 1000, ms: s.ms, ok: s.ok, dup: dups(s) }))
      .filter((x) => x.ok && x.dup.length > 0)
      .slice(0, 8)
      .map(({ dup, ...x }) => ({ ...x, records: dup.length, example: read.filter((r) => r.key === dup[0]) })),
    errors: [...new Set(sends.filter((s) => !s.ok).map((s) => s.error ?? ""))].slice(0, 4),
  };
  const pass =
    out.slowest_ms <= boundMs + 2000 && out.acked_sends_after_fault > 0 && out.missing + out.duplicated === 0;
  return { ...out, pass };
}

/** Every record of `topic` (key, partition, offset), read by Kafka's console consumer from the private cluster. */
export async function readBack(cluster: PrivateCluster, topic: string): Promise<Read[]> {
  const props = ["print.key=true", "print.value=false", "print.partition=true", "print.offset=true"];
  const args = [
    "--topic",
    topic,
    "--from-beginning",
    "--timeout-ms",
    "20000",
    ...props.flatMap((p) => ["--property", p]),
  ];
  const r = await cluster.tool("org.apache.kafka.tools.consumer.ConsoleConsumer", args);
  return r.stdout
    .split("\n")
    .map(parseRead)
    .filter((x): x is Read => !!x);
}
