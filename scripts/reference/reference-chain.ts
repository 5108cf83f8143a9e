// The reference's chain rule, for scripts/reference/reference-figures.ts: which blocks are left out of the figures,
// by plain loops over the blocks and their prev_block links, independently of the bolts' code (it imports nothing
// of scripts/domain). The rule (docs/write-path.md; docs/reliability.md): only connected blocks decide and count; a
// block counts only on the best chain, the one ending at the highest connected height; two blocks racing at the
// highest height both count until a child names one.

/** How far below a block another must be known for that block to need its parent (Bitcoin's coinbase maturity). */
const DEPTH = 100;

/** The blocks left out: those not connected (waiting for their parent), and those that lost a chain split.
 * Connected, from the lowest height up: a block with no block at all in the DEPTH heights below it; else a block
 * whose prev names a connected block one height below; else a block without prev with exactly one connected block
 * one height below. Then, walking down from the highest connected height over connected blocks only: a block stays
 * when a block kept just above names it (its prev, or for one without prev the block below it); where no kept
 * block is just above, every connected block at that height stays and the walk goes on from them. */
export function lostSplits(blocks: Map<string, { height: number; prev?: string }>): Set<string> {
  const all = [...blocks.keys()].sort((a, b) => blocks.get(a)!.height - blocks.get(b)!.height);
  const height = (hash: string) => blocks.get(hash)!.height;
  const connected = new Set<string>();
  for (const hash of all) {
    const h = height(hash);
    const prev = blocks.get(hash)!.prev;
    const anyBelow = all.some((o) => height(o) < h && height(o) >= h - DEPTH);
    const parents = all.filter((o) => height(o) === h - 1 && connected.has(o));
    if (!anyBelow) connected.add(hash);
    else if (prev === undefined ? parents.length === 1 : parents.includes(prev)) connected.add(hash);
  }
  const lost = new Set(all.filter((hash) => !connected.has(hash)));
  const heights = [...new Set([...connected].map(height))].sort((a, b) => b - a);
  let named: string[] = [];
  let above = Number.NaN;
  for (const h of heights) {
    const here = [...connected].filter((hash) => height(hash) === h);
    const below = [...connected].filter((hash) => height(hash) === h - 1);
    const walkReaches = above === h + 1 && named.length > 0;
    const kept = walkReaches ? here.filter((hash) => named.includes(hash)) : here;
    for (const hash of here) if (!kept.includes(hash)) lost.add(hash);
    named = kept.flatMap((hash) => {
      const prev = blocks.get(hash)!.prev;
      return prev === undefined ? below : [prev];
    });
    above = h;
  }
  return lost;
}
