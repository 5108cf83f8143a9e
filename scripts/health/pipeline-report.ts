// The Pipeline section of `make status`, as lines: per bolt (always all of them) its lag and rate, or "unknown
// (<why>)" when Kafka did not answer; STUCK and LOST; then what waits for a price in the rollups (pending_count of
// btc-volume and btc-miner days), unknown when Elasticsearch does not answer, and said to be partial while the bolts
// upstream have records not yet written or a lag that could not be read. Pure lines, plus the one search.
// Indices read: btc-volume, btc-miner. Env: none (the caller's Config).

import type { Client } from "@elastic/elasticsearch";
import { type Config, indicesOf } from "../lib/config.ts";
import { type BoltHealth, type Health, unknownText } from "./health-figures.ts";

export const STUCK_WINDOW_MS = 3000;

/** One line per bolt, with STUCK, LOST and unknown under it; `ok` is false when a lag is unknown. */
export function boltLines(h: Pick<Health, "bolts">, windowMs = STUCK_WINDOW_MS): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  for (const b of h.bolts) {
    const lag = b.lag === null ? "unknown" : String(b.lag);
    const rate = b.rate === null ? "-" : b.rate.toFixed(1);
    lines.push(`  ${b.bolt.padEnd(14)} lag ${lag.padStart(8)}  ${rate} msg/s  (group ${b.group})`);
    if (b.lag === null) lines.push(`    UNKNOWN: ${unknownText(b.unknown ?? { why: "not read" })}`);
    if (b.lag !== null && b.lag > 0 && b.rate === 0)
      lines.push(`    STUCK: ${b.lag} records waiting and no progress in ${windowMs / 1000} s (see its log)`);
    if (b.lost) lines.push(`    LOST: ${b.lost} records deleted by Kafka's retention before this bolt read them`);
  }
  return { lines, ok: h.bolts.length > 0 && h.bolts.every((b) => b.lag !== null) };
}

export type Waiting = { n: number; since?: string } | { error: string };
/** What feeds each count: the source bolt (records not yet written) and the rollup bolt (periods not yet summed). */
export const UPSTREAM = { transactions: ["transactions", "volume"], blocks: ["blocks", "miners"] } as const;

/** "<what> waiting for a price: N", unknown when not read, and what it cannot include yet. */
export function waitingLine(what: keyof typeof UPSTREAM, w: Waiting, bolts: BoltHealth[]): string {
  const head = `  ${what} waiting for a price: `;
  if ("error" in w) return `${head}unknown (${w.error})`;
  const up = bolts.filter((b) => (UPSTREAM[what] as readonly string[]).includes(b.bolt));
  const notRead = up.filter((b) => b.lag === null).map((b) => b.bolt);
  const behind = up.filter((b) => (b.lag ?? 0) > 0).map((b) => `${b.bolt} has ${b.lag} records to read`);
  const since = w.n > 0 && w.since ? ` (the oldest in the period of ${w.since})` : "";
  if (up.length < UPSTREAM[what].length || notRead.length > 0)
    return `${head}at least ${w.n}${since}; more may wait: lag unknown for ${notRead.join(", ") || "a bolt"}`;
  if (behind.length > 0) return `${head}at least ${w.n}${since}; not counted yet: ${behind.join(", ")}`;
  return `${head}${w.n}${since}`;
}

/** The pending counts of the rollups (one search each, bounded); an error becomes its message. */
export async function waitingForPrice(cfg: Config, es: Client, timeoutMs = 5000) {
  const ix = indicesOf(cfg);
  const one = async (index: string, time: string, days: boolean): Promise<Waiting> => {
    try {
      const r = await es.search(
        {
          index,
          size: 0,
          query: {
            bool: {
              filter: [{ range: { pending_count: { gt: 0 } } }, ...(days ? [{ term: { period: "day" } }] : [])],
            },
          },
          aggs: { n: { sum: { field: "pending_count" } }, since: { min: { field: time } } },
        },
        { requestTimeout: timeoutMs, maxRetries: 0 },
      );
      const n = (r.aggregations?.n as { value?: number } | undefined)?.value;
      if (typeof n !== "number") return { error: `${index}: no sum in the answer` };
      return { n, since: (r.aggregations?.since as { value_as_string?: string } | undefined)?.value_as_string };
    } catch (e) {
      return { error: `${index}: ${(e as Error).message}` };
    }
  };
  const [transactions, blocks] = await Promise.all([one(ix.volume, "hour", false), one(ix.miner, "start", true)]);
  return { transactions, blocks };
}

/** The whole Pipeline section's lines after the dead letters; `ok` false when anything is unknown. */
export function waitingLines(w: Awaited<ReturnType<typeof waitingForPrice>>, h: Pick<Health, "bolts">) {
  const lines = (["transactions", "blocks"] as const).map((what) => waitingLine(what, w[what], h.bolts));
  return { lines, ok: !("error" in w.transactions) && !("error" in w.blocks) };
}
