// The reference's chain rule, for scripts/reference/reference-figures.ts: which blocks lost a chain split, by a plain
// walk down the heights over the blocks' prev_block links, independently of the bolts' code (it imports nothing of
// scripts/domain). The rule (README, "Bolts"): a block counts only on the best chain, the one ending at the
// highest height; two blocks racing at the highest height both count until a child names one.

/** The blocks that lost a chain split: walking down from the highest height, a block stays when a block kept
 * just above names it as prev; where no kept block just above names one (a missing height, a block without
 * prev), every block at that height stays and the walk goes on from them. */
export function lostSplits(blocks: Map<string, { height: number; prev?: string }>): Set<string> {
  const lost = new Set<string>();
  const heights = [...new Set([...blocks.values()].map((b) => b.height))].sort((a, b) => b - a);
  let named: string[] = [];
  let above = Number.NaN;
  for (const h of heights) {
    const here = [...blocks.keys()].filter((hash) => blocks.get(hash)!.height === h);
    const walkReaches = above === h + 1 && named.length > 0;
    const kept = walkReaches ? here.filter((hash) => named.includes(hash)) : here;
    for (const hash of here) if (!kept.includes(hash)) lost.add(hash);
    named = kept.map((hash) => blocks.get(hash)!.prev).filter((p): p is string => p !== undefined);
    above = h;
  }
  return lost;
}
