// Where partition replicas should go when brokers are added or drained: the fewest moves that leave every broker
// with an even share of the replicas (at most one apart), each partition keeping its replication factor and never
// two replicas on one broker. Pure, no I/O: scripts/scale/reassign.ts hands the plan to Kafka's own reassignment
// tool (bin/kafka-reassign-partitions), which copies each new replica before dropping an old one, so a partition is
// never under-replicated nor below min.insync.replicas during a move. Kafka's own --generate is not used: it deals
// every partition out again (most replicas move), where adding a fourth broker needs only a quarter of them moved.

export type Placement = { topic: string; partition: number; replicas: number[] };

/** How many replicas each broker holds (every broker of `brokers` listed, 0 included). */
export function loadOf(placements: Placement[], brokers: number[]): Map<number, number> {
  const load = new Map(brokers.map((b) => [b, 0]));
  for (const p of placements) for (const r of p.replicas) load.set(r, (load.get(r) ?? 0) + 1);
  return load;
}

const key = (p: Placement) => `${p.topic}/${p.partition}`;

/** The placements that change so that the replicas spread evenly over `brokers` (and nothing stays on a broker
 * outside it: draining). A replica moves from the most loaded broker to the least loaded one the partition does
 * not use yet; the position in the replica list (the preferred leader first) is kept. */
export function balancedPlan(placements: Placement[], brokers: number[]): Placement[] {
  if (brokers.length === 0) throw new Error("no broker to place the replicas on");
  const rf = Math.max(0, ...placements.map((p) => p.replicas.length));
  if (rf > brokers.length)
    throw new Error(`replication ${rf} needs ${rf} brokers, only ${brokers.length} would be left`);
  const next = new Map(placements.map((p) => [key(p), { ...p, replicas: [...p.replicas] }]));
  const load = loadOf(placements, brokers);
  const allowed = new Set(brokers);
  const least = (exclude: number[]) =>
    [...load.entries()]
      .filter(([b]) => allowed.has(b) && !exclude.includes(b))
      .sort(([a, la], [b, lb]) => la - lb || a - b)[0]?.[0];
  const move = (p: Placement, i: number, to: number) => {
    const from = p.replicas[i]!;
    load.set(from, (load.get(from) ?? 0) - 1);
    load.set(to, (load.get(to) ?? 0) + 1);
    p.replicas[i] = to;
  };
  // First every replica off a broker that is not kept (draining).
  for (const p of next.values())
    p.replicas.forEach((r, i) => {
      if (!allowed.has(r)) move(p, i, least(p.replicas)!);
    });
  // Then from the most to the least loaded, one replica at a time, until they are at most one apart.
  for (let guard = 0; guard < 100_000; guard++) {
    const sorted = [...load.entries()].filter(([b]) => allowed.has(b)).sort(([a, la], [b, lb]) => lb - la || a - b);
    const [[most, high], [fewest, low]] = [sorted[0]!, sorted[sorted.length - 1]!];
    if (high - low <= 1) break;
    const p = [...next.values()].find((q) => q.replicas.includes(most) && !q.replicas.includes(fewest));
    if (!p) break;
    move(p, p.replicas.indexOf(most), fewest);
  }
  return placements
    .map((p) => next.get(key(p))!)
    .filter((p, i) => p.replicas.join() !== placements[i]!.replicas.join());
}

/** The reassignment file Kafka's tool takes (--reassignment-json-file). */
export function reassignmentJson(plan: Placement[]): string {
  return JSON.stringify({
    version: 1,
    partitions: plan.map(({ topic, partition, replicas }) => ({ topic, partition, replicas })),
  });
}

/** From the tool's --verify output: how many partitions are done (a partition whose topic was deleted meanwhile
 * counts as done: nothing is left to move), which are still moving, and which ended elsewhere than planned. */
export function verifyProgress(output: string): { done: number; moving: string[]; elsewhere: string[] } {
  const completed = (output.match(/is completed/g) ?? []).length;
  const gone = (output.match(/but replica set is {2}rather than/g) ?? []).length;
  const moving = [...output.matchAll(/Reassignment of partition (\S+) is still in progress/g)].map((m) => m[1]!);
  const elsewhere = [...output.matchAll(/no active reassignment of partition (\S+), but replica set is \S/g)].map(
    (m) => m[1]!,
  );
  return { done: completed + gone, moving, elsewhere };
}
