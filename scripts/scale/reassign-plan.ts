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
 * outside it: draining): within every topic at most one apart (a topic's traffic reaches a new broker only if the
 * topic has replicas there), and over the whole cluster at most one apart too. A replica moves from the most
 * loaded broker to the least loaded one the partition does not use yet; ties go by the cluster-wide load; the
 * position in the replica list (the preferred leader first) is kept. */
export function balancedPlan(placements: Placement[], brokers: number[]): Placement[] {
  if (brokers.length === 0) throw new Error("no broker to place the replicas on");
  const rf = Math.max(0, ...placements.map((p) => p.replicas.length));
  if (rf > brokers.length)
    throw new Error(`replication ${rf} needs ${rf} brokers, only ${brokers.length} would be left`);
  const next = new Map(placements.map((p) => [key(p), { ...p, replicas: [...p.replicas] }]));
  const topics = [...new Set(placements.map((p) => p.topic))];
  const load = loadOf(placements, brokers);
  const topicLoad = new Map(
    topics.map((t) => [
      t,
      loadOf(
        placements.filter((p) => p.topic === t),
        brokers,
      ),
    ]),
  );
  const allowed = new Set(brokers);
  /** Brokers of `brokers`, the least loaded first: by the topic's load, then the cluster's, then the id. */
  const byLoad = (topic: string) =>
    brokers
      .map((b) => [b, topicLoad.get(topic)!.get(b)!, load.get(b)!] as const)
      .sort(([a, ta, la], [b, tb, lb]) => ta - tb || la - lb || a - b);
  const move = (p: Placement, i: number, to: number) => {
    const from = p.replicas[i]!;
    for (const l of [load, topicLoad.get(p.topic)!]) {
      l.set(from, (l.get(from) ?? 0) - 1);
      l.set(to, (l.get(to) ?? 0) + 1);
    }
    p.replicas[i] = to;
  };
  // First every replica off a broker that is not kept (draining).
  for (const p of next.values())
    p.replicas.forEach((r, i) => {
      if (!allowed.has(r)) move(p, i, byLoad(p.topic).find(([b]) => !p.replicas.includes(b))![0]);
    });
  // Then, topic by topic, from its most to its least loaded broker until they are at most one apart.
  for (const topic of topics)
    for (let guard = 0; guard < 100_000; guard++) {
      const sorted = byLoad(topic);
      const [fewest, low] = sorted[0]!;
      const [most, high] = sorted[sorted.length - 1]!;
      if (high - low <= 1) break;
      const p = [...next.values()].find(
        (q) => q.topic === topic && q.replicas.includes(most) && !q.replicas.includes(fewest),
      );
      if (!p) break;
      move(p, p.replicas.indexOf(most), fewest);
    }
  // Last, the cluster: a move from the most to the least loaded broker, in a topic where the first holds one more
  // than the second (the two swap counts, so every topic stays at most one apart).
  for (let guard = 0; guard < 100_000; guard++) {
    const sorted = brokers.map((b) => [b, load.get(b)!] as const).sort(([a, la], [b, lb]) => la - lb || a - b);
    const [fewest, low] = sorted[0]!;
    const [most, high] = sorted[sorted.length - 1]!;
    if (high - low <= 1) break;
    const p = [...next.values()].find(
      (q) =>
        q.replicas.includes(most) &&
        !q.replicas.includes(fewest) &&
        topicLoad.get(q.topic)!.get(most)! > topicLoad.get(q.topic)!.get(fewest)!,
    );
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
