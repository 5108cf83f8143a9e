// Blocks never missed for good (live mode): what the producer saw of the chain this run, and the fetches of what is
// missing, tried again until they succeed. Missing: an announced block whose details failed from every source
// (tried again after 2 s, 4 s, ... up to BLOCK_RETRY_MAX_MS, with jitter, each failure logged); a parent never
// seen (a block's details name a previous block not seen, at a height the run already covers: fetched by hash,
// then its own parent, down to a block seen); the source's tip never seen (asked on each (re)connection and every
// BLOCK_TIP_CHECK_MS: an announcement sent while the WebSocket was down). The blocks waiting for details and the
// newest block fetched are in the source-health file, which `make status` reads (source-health.ts); a new run
// resumes from them (resume), so blocks mined while the producer was down are fetched too (up to REORG_DEPTH).
// Details bodies are published keyed by the block's height (as the details tell it), like an announcement's.
// Env: BLOCK_RETRY_MAX_MS, BLOCK_TIP_CHECK_MS.

import { REORG_DEPTH } from "../domain/best-chain.ts";
import { type BlockPart, blockPartOf } from "../domain/chain.ts";
import { log } from "../lib/log.ts";
import type { Captured } from "./capture.ts";

/** A block whose details are wanted: why, since when, how many tries, the last failure. */
export type Wanted = { hash: string; height: number; why: string; since: number; attempts: number; reason?: string };
export type BlockId = { hash: string; height: number };

export type GapDeps = {
  /** the details bodies of a block; throws with the reason when every source failed */
  fetchDetails: (hash: string) => Promise<Captured[]>;
  publish: (c: Captured, height: number) => void;
  /** the source's newest block */
  fetchTip: () => Promise<{ hash: string; height: number }>;
  retryMaxMs: number;
  /** told whenever the blocks waiting or the newest block fetched change */
  onChange?: (waiting: Wanted[], tip: BlockId | undefined) => void;
};

/** More blocks waiting than this (a flood of bogus announcements) are refused, logged. */
export const MAX_WAITING = 1000;

/** The delay after `failures` failed tries (1, 2, ...): 2 s x 2^(failures-1), capped, times 0.5 to 1.5. */
export function retryDelay(failures: number, capMs: number, rand: () => number = Math.random): number {
  return Math.round(Math.min(capMs, 2000 * 2 ** Math.min(failures - 1, 20)) * (0.5 + rand()));
}

/** Whether the parent of a block at `height` should have been seen: its height is within what this run saw (not
 * below its lowest block, nor more than REORG_DEPTH below its highest). */
export function parentExpected(height: number, seen: Iterable<number>): boolean {
  const hs = [...seen];
  if (hs.length === 0) return false;
  return height - 1 >= Math.min(...hs) && height - 1 >= Math.max(...hs) - REORG_DEPTH;
}

export class BlockGaps {
  /** every block this run announced, fetched or wants: hash -> height (the 2 x REORG_DEPTH newest heights) */
  private readonly seen = new Map<string, number>();
  private readonly detailed = new Set<string>();
  readonly waiting = new Map<string, Wanted>();
  private readonly busy = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  constructor(private readonly d: GapDeps) {}

  /** A `block` announcement: its details are fetched (once per block). */
  announced(hash: string, height: number): void {
    this.want(hash, height, "announced");
  }

  /** What a previous run left: its newest block fetched (seen, so the blocks above it are walked back to it) and
   * the blocks it was still waiting for (wanted again). */
  resume(prev: { tip?: BlockId; waiting?: Wanted[] } | undefined): void {
    if (prev?.tip) {
      this.note(prev.tip.hash, prev.tip.height);
      this.detailed.add(prev.tip.hash);
    }
    for (const w of prev?.waiting ?? []) this.want(w.hash, w.height, w.why);
    this.d.onChange?.([...this.waiting.values()], this.tip()); // reported again even if nothing is fetched
  }

  /** The newest block whose details were fetched (this run, or the previous one's). */
  tip(): BlockId | undefined {
    let best: BlockId | undefined;
    for (const hash of this.detailed) {
      const height = this.seen.get(hash)!;
      if (!best || height > best.height) best = { hash, height };
    }
    return best;
  }

  /** Compare the source's tip with what was seen; an unseen tip is fetched (then its missing parents). */
  async checkTip(): Promise<void> {
    try {
      const tip = await this.d.fetchTip();
      if (this.seen.has(tip.hash)) return;
      log.warn("source tip never seen, fetching it", tip);
      this.want(tip.hash, tip.height, "tip never seen");
    } catch (e) {
      log.warn("source tip unknown", { reason: (e as Error).message });
    }
  }

  want(hash: string, height: number, why: string): void {
    if (this.detailed.has(hash) || this.waiting.has(hash)) return;
    if (this.waiting.size >= MAX_WAITING) {
      log.error("too many blocks waiting for details, this one refused", { hash, height, why, max: MAX_WAITING });
      return;
    }
    this.note(hash, height);
    this.waiting.set(hash, { hash, height, why, since: Date.now(), attempts: 0 });
    void this.attempt(hash);
  }

  private note(hash: string, height: number): void {
    this.seen.set(hash, height);
  }

  /** The heights of the blocks fetched: those the details told (an announced height is not trusted). */
  private fetchedHeights(): number[] {
    return [...this.detailed].map((h) => this.seen.get(h)!);
  }

  /** Forget blocks fetched more than 2 x REORG_DEPTH below the newest (a block waiting is kept: MAX_WAITING). */
  private prune(): void {
    const floor = Math.max(...this.fetchedHeights()) - 2 * REORG_DEPTH;
    for (const [h, at] of this.seen)
      if (at < floor && !this.waiting.has(h)) {
        this.seen.delete(h);
        this.detailed.delete(h);
      }
  }

  private async attempt(hash: string): Promise<void> {
    const w = this.waiting.get(hash);
    if (!w || this.busy.has(hash)) return;
    this.busy.add(hash);
    w.attempts++;
    try {
      const bodies = await this.d.fetchDetails(hash);
      this.waiting.delete(hash);
      this.detailed.add(hash);
      if (w.attempts > 1 || w.why !== "announced")
        log.info("missing block details fetched", { ...w, reason: undefined, waitedMs: Date.now() - w.since });
      const parts = bodies.map((b) => blockPartOf(b.feed, b.text, b.at)).filter((p): p is BlockPart => !("error" in p));
      for (const part of parts) if (part.hash === hash) this.note(hash, part.height);
      for (const b of bodies) this.d.publish(b, this.seen.get(hash)!); // keyed by the height the details tell
      this.prune();
      for (const part of parts) {
        if (!part.prev_block || this.seen.has(part.prev_block)) continue;
        if (parentExpected(part.height, this.fetchedHeights()))
          this.want(part.prev_block, part.height - 1, "parent never seen");
      }
    } catch (e) {
      w.reason = (e as Error).message;
      const delayMs = retryDelay(w.attempts, this.d.retryMaxMs);
      log.warn("block details missing, trying again", { ...w, delayMs });
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.attempt(hash);
      }, delayMs);
      this.timers.add(t);
    } finally {
      this.busy.delete(hash);
      this.d.onChange?.([...this.waiting.values()], this.tip());
    }
  }

  /** No more tries (shutdown). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
