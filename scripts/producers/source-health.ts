// What a producer knows of its sources, for `make status`: per feed the time of its last message, the WebSocket's
// losses (reconnection attempts, the last reason), the price sources failing and why, and the blocks waiting for
// their details (block-gaps.ts). Each producer writes it
// to var/run/producer-<name>.json every few seconds (replaced atomically); status reads every such file and says
// which source is silent or failing. Pure helpers apart from write/read.

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type SourceHealth = {
  producer: string;
  mode: string;
  at: number;
  feeds: Record<string, { last: number; count: number }>;
  reconnects: number;
  lastLoss?: { reason: string; at: number };
  failing: Record<string, { reason: string; since: number; last: number }>;
  /** blocks whose details are being fetched again (announced, or found missing), oldest first */
  waiting?: Array<{ hash: string; height: number; why: string; since: number; attempts: number; reason?: string }>;
  /** the newest block whose details were fetched (a new run resumes from it) */
  tip?: { hash: string; height: number };
};

export function newSourceHealth(producer: string, mode: string): SourceHealth {
  return { producer, mode, at: Date.now(), feeds: {}, reconnects: 0, failing: {} };
}

export function messageSeen(h: SourceHealth, feed: string, at = Date.now()): void {
  const f = h.feeds[feed] ?? { last: at, count: 0 };
  h.feeds[feed] = { last: at, count: f.count + 1 };
}

export function connectionLost(h: SourceHealth, reason: string, at = Date.now()): void {
  h.reconnects++;
  h.lastLoss = { reason, at };
}

/** The blocks waiting for their details now (only those tried at least once and failed are shown by status), and
 * the newest block fetched. */
export function blocksWaiting(
  h: SourceHealth,
  waiting: NonNullable<SourceHealth["waiting"]>,
  tip?: SourceHealth["tip"],
): void {
  h.waiting = [...waiting].sort((a, b) => a.since - b.since);
  if (tip) h.tip = tip;
}

/** A source answered (ok) or was skipped with a reason. */
export function sourceResult(h: SourceHealth, feed: string, reason: string | undefined, at = Date.now()): void {
  if (!reason) delete h.failing[feed];
  else h.failing[feed] = { reason, since: h.failing[feed]?.since ?? at, last: at };
}

/** What is wrong with a producer's sources now, as sentences (empty: all well). Live mode only expects traffic. */
export function sourceProblems(h: SourceHealth, now: number, silentMs = 60_000): string[] {
  const out: string[] = [];
  if (now - h.at > 3 * 5000 + 5000)
    out.push(`${h.producer}: no news from the producer for ${Math.round((now - h.at) / 1000)} s`);
  if (h.mode === "live") {
    const feeds = Object.entries(h.feeds);
    if (feeds.length === 0) out.push(`${h.producer}: no message from any source yet`);
    for (const [feed, f] of feeds)
      if (now - f.last > silentMs) out.push(`${feed}: SILENT for ${Math.round((now - f.last) / 1000)} s`);
  }
  for (const [feed, f] of Object.entries(h.failing))
    out.push(`${feed}: FAILING since ${new Date(f.since).toISOString()}: ${f.reason}`);
  const waiting = (h.waiting ?? []).filter((w) => w.reason !== undefined);
  if (waiting.length > 0)
    out.push(`${h.producer}: ${waiting.length} blocks waiting for details (fetched again until they come)`);
  for (const w of waiting.slice(0, 5))
    out.push(
      `  block ${w.height} ${w.hash} (${w.why}) waiting ${Math.round((now - w.since) / 1000)} s, ${w.attempts} tries, last: ${w.reason}`,
    );
  if (waiting.length > 5) out.push(`  and ${waiting.length - 5} more`);
  if (h.lastLoss && now - h.lastLoss.at < 10 * 60_000)
    out.push(
      `${h.producer}: connection lost ${h.reconnects} times, last ${Math.round((now - h.lastLoss.at) / 1000)} s ago (${h.lastLoss.reason})`,
    );
  return out;
}

export function writeSourceHealth(dir: string, h: SourceHealth): void {
  mkdirSync(dir, { recursive: true });
  h.at = Date.now();
  const file = join(dir, `producer-${h.producer}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(h));
  renameSync(`${file}.tmp`, file);
}

export function readSourceHealth(dir: string): SourceHealth[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => /^producer-[a-z-]+\.json$/.test(f));
  } catch {
    return [];
  }
  return names.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(dir, f), "utf8")) as SourceHealth];
    } catch {
      return [];
    }
  });
}
