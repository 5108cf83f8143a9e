// Which blocks lost a chain split, from the blocks known and their prev_block links: pure, no I/O.
// The rule (README, "Bolts"): a block counts when it is on the best chain, the one ending at the highest height,
// walked back over prev_block links. Going down from the highest height: every block there is kept (two tips at
// one height are both kept until a child names one: the 1-block race rule); at each lower height the blocks kept
// are those named as parent by a kept block just above, the others lost; when no kept block just above names a
// parent (a height with no block, or a tip whose parent is not known yet: announced only), nothing known decides
// and every block at that height is kept, the walk going on from them. A named parent not received yet still
// makes the other blocks at its height lose.
// bestChainFlags: orphaned or not for every known block. orphanFlags: the flags that change when blocks arrive at
// some heights, limited to REORG_DEPTH below the lowest of them.

export type Linked = { hash: string; height: number; prev_block?: string; orphaned?: boolean };

/** How far below an arriving block flags are re-evaluated: 100 blocks, Bitcoin's coinbase maturity (a coinbase
 * can be spent 100 blocks later, so no node expects a reorganisation that deep). A split deeper than this is
 * decided where it lies within 100 blocks of the arrival, and left as it was below. */
export const REORG_DEPTH = 100;

/** Whether each known block lost a chain split (true) or is on the best chain (false), by the rule above. */
export function bestChainFlags(known: Linked[]): Map<string, boolean> {
  const byHeight = new Map<number, Linked[]>();
  for (const b of known) byHeight.set(b.height, [...(byHeight.get(b.height) ?? []), b]);
  const out = new Map<string, boolean>();
  let named = new Set<string>();
  let above = Number.POSITIVE_INFINITY;
  for (const h of [...byHeight.keys()].sort((a, b) => b - a)) {
    const at = byHeight.get(h)!;
    const decided = above === h + 1 && named.size > 0;
    const kept = decided ? at.filter((b) => named.has(b.hash)) : at;
    for (const b of at) out.set(b.hash, !kept.includes(b));
    named = new Set(kept.flatMap((b) => (b.prev_block ? [b.prev_block] : [])));
    above = h;
  }
  return out;
}

/** The orphan flags that change, given the known blocks (the arrivals among them) and the arrivals' heights:
 * only blocks from REORG_DEPTH below the lowest arrival up to the highest are re-evaluated (nothing above an
 * arrival depends on it). */
export function orphanFlags(known: Linked[], touched: number[]): Map<string, boolean> {
  const changes = new Map<string, boolean>();
  if (touched.length === 0) return changes;
  const lo = Math.min(...touched) - REORG_DEPTH;
  const hi = Math.max(...touched);
  const flags = bestChainFlags(known);
  for (const b of known) {
    const orphaned = flags.get(b.hash)!;
    if (b.height >= lo && b.height <= hi && orphaned !== (b.orphaned ?? false)) changes.set(b.hash, orphaned);
  }
  return changes;
}
