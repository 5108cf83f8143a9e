// Which blocks count, from the blocks known and their prev_block links: pure, no I/O. Chain text is untrusted, so
// the best chain is decided only by connected blocks (docs/write-path.md; docs/reliability.md).
// Connected: a block whose parent is known and connected: the block its prev_block names, at the height just
// below; or, for a block without prev_block (announced, details not in yet), the only connected block just below
// (two or more there: its parent is ambiguous). A block with no other block known in the REORG_DEPTH heights
// below it starts the known chain (the first block a fresh platform sees). Any other block waits, not counted and
// deciding nothing, until its parent arrives (the producer fetches it: producers/block-gaps.ts).
// Counted: the connected blocks on the best chain, the one ending at the highest connected height, walked back
// over the links. Going down: every connected block at the top is kept (two tips at one height both count until
// a child names one: the 1-block race rule); at each lower height the blocks kept are those a kept block just
// above names as parent (its prev_block, or the only block below it), the others lost a split; below a stretch of
// heights with no connected block, the walk starts again from every connected block there.
// bestChainFlags: not counted (true: lost a split or waiting) or counted (false) for every known block.
// orphanFlags: the flags that change when blocks arrive at some heights, from REORG_DEPTH below the lowest of them
// up (an arrival can connect the blocks above it), to a bound the caller gives (a block is judged on what is known
// up to REORG_DEPTH above it).

export type Linked = { hash: string; height: number; prev_block?: string; orphaned?: boolean };

/** How far below an arriving block flags are re-evaluated: 100 blocks, Bitcoin's coinbase maturity (a coinbase
 * can be spent 100 blocks later, so no node expects a reorganisation that deep). A split deeper than this is
 * decided where it lies within 100 blocks of the arrival, and left as it was below. Also how far below a block
 * another must be known for that block to need its parent. */
export const REORG_DEPTH = 100;

function byHeight(blocks: Linked[]): Map<number, Linked[]> {
  const out = new Map<number, Linked[]>();
  for (const b of blocks) out.set(b.height, [...(out.get(b.height) ?? []), b]);
  return out;
}

/** The hashes of the connected blocks, by the rule above (heights taken upwards). */
export function connectedBlocks(known: Linked[]): Set<string> {
  const at = byHeight(known);
  const ok = new Set<string>();
  let lower: number | undefined;
  for (const h of [...at.keys()].sort((a, b) => a - b)) {
    const starts = lower === undefined || h - lower > REORG_DEPTH;
    const below = lower === h - 1 ? at.get(h - 1)!.filter((b) => ok.has(b.hash)) : [];
    for (const b of at.get(h)!) {
      const linked = b.prev_block === undefined ? below.length === 1 : below.some((p) => p.hash === b.prev_block);
      if (starts || linked) ok.add(b.hash);
    }
    lower = h;
  }
  return ok;
}

/** The known blocks that wait for their parent (not connected). */
export function waitingBlocks(known: Linked[]): Linked[] {
  const ok = connectedBlocks(known);
  return known.filter((b) => !ok.has(b.hash));
}

/** Whether each known block is left out of the figures (true: it lost a split, or it waits for its parent) or
 * counts (false, on the best chain), by the rule above. */
export function bestChainFlags(known: Linked[]): Map<string, boolean> {
  const ok = connectedBlocks(known);
  const at = byHeight(known.filter((b) => ok.has(b.hash)));
  const out = new Map<string, boolean>(known.map((b) => [b.hash, true]));
  let named = new Set<string>();
  let above = Number.NaN;
  for (const h of [...at.keys()].sort((a, b) => b - a)) {
    const here = at.get(h)!;
    const kept = above === h + 1 && named.size > 0 ? here.filter((b) => named.has(b.hash)) : here;
    for (const b of here) out.set(b.hash, !kept.includes(b));
    const below = (at.get(h - 1) ?? []).map((b) => b.hash);
    named = new Set(kept.flatMap((b) => (b.prev_block === undefined ? below : [b.prev_block])));
    above = h;
  }
  return out;
}

/** The flags that change, given the known blocks (the arrivals among them) and the arrivals' heights: blocks from
 * REORG_DEPTH below the lowest arrival up to `upTo` are re-evaluated (the others keep their flags). The known
 * blocks should reach 2 x REORG_DEPTH below the lowest arrival and REORG_DEPTH above `upTo`, so that every block
 * re-evaluated is judged on what lies under it and on the splits decided within REORG_DEPTH above it. */
export function orphanFlags(known: Linked[], touched: number[], upTo = Number.POSITIVE_INFINITY): Map<string, boolean> {
  const changes = new Map<string, boolean>();
  if (touched.length === 0) return changes;
  const lo = Math.min(...touched) - REORG_DEPTH;
  const flags = bestChainFlags(known);
  for (const b of known) {
    const orphaned = flags.get(b.hash)!;
    if (b.height >= lo && b.height <= upTo && orphaned !== (b.orphaned ?? false)) changes.set(b.hash, orphaned);
  }
  return changes;
}
