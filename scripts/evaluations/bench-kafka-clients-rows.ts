// The rows of bench-kafka-clients.ts: the order of the runs (for each compression, the client that goes first
// alternates between repetitions), one row per (client, compression, repetition), the medians, the printed table.
// Pure functions; no topic, index or environment.

import { CLIENTS, type ClientName, type Compression } from "./kafka-clients-pair.ts";

export type Row = {
  client: ClientName;
  compression: Compression;
  rep: number;
  position: number;
  produce_ms: number;
  produce_records_per_s: number;
  produce_cpu_ms: number;
  consume_records_per_s: number;
  consume_join_ms: number;
  consume_cpu_ms: number;
  /** the machine's 1-minute load average when the row was measured (other work on the machine) */
  load1: number;
};

/** The runs in order: a warm-up repetition (rep 0, discarded from the medians: the JIT and the brokers' caches),
 * then `reps` of them; gzip only, as the project sends (lib/kafka.ts); the client that goes first alternates from
 * one repetition to the next. */
export function schedule(reps: number) {
  const out: { rep: number; compression: Compression; order: ClientName[] }[] = [];
  for (let rep = 0; rep <= reps; rep++)
    out.push({ rep, compression: "gzip", order: rep % 2 === 1 ? [...CLIENTS] : [...CLIENTS].reverse() });
  return out;
}

/** Median of each client's figures per compression (the lower of the two middle ones for an even count), the
 * warm-up repetition (rep 0) left out; CPU also in microseconds per record. */
export function summarize(rows: Row[], n = 1) {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  const out: Record<string, Record<string, number>> = {};
  const counted = rows.filter((x) => x.rep > 0);
  for (const r of counted) {
    const same = counted.filter((x) => x.client === r.client && x.compression === r.compression);
    out[`${r.client} ${r.compression}`] = {
      produce_records_per_s: med(same.map((x) => x.produce_records_per_s)),
      consume_records_per_s: med(same.map((x) => x.consume_records_per_s)),
      produce_cpu_ms: med(same.map((x) => x.produce_cpu_ms)),
      consume_cpu_ms: med(same.map((x) => x.consume_cpu_ms)),
      produce_cpu_us_per_record: Math.round((med(same.map((x) => x.produce_cpu_ms)) * 10_000) / n) / 10,
      consume_cpu_us_per_record: Math.round((med(same.map((x) => x.consume_cpu_ms)) * 10_000) / n) / 10,
    };
  }
  return out;
}

/** The table of every row, one line each. */
export function printRows(rows: Row[]): void {
  console.log(
    "\nclient        compression  rep  first?  produce rec/s  (cpu ms)  consume rec/s  (cpu ms)  join ms  load",
  );
  for (const x of rows)
    console.log(
      `${x.client.padEnd(13)} ${x.compression.padEnd(12)} ${String(x.rep).padStart(3)}  ${x.position === 1 ? "yes" : "no "}   ` +
        `${String(x.produce_records_per_s).padStart(13)}  ${String(x.produce_cpu_ms).padStart(8)}  ` +
        `${String(x.consume_records_per_s).padStart(13)}  ${String(x.consume_cpu_ms).padStart(8)}  ${String(x.consume_join_ms).padStart(7)}  ${x.load1.toFixed(1)}`,
    );
}
