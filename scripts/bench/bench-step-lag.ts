// The lag of a paced step of `make bench` (bench-steps.ts): a consumer group's records not yet committed, sampled
// every second, and whether it stayed bounded over the step.

import type { Admin } from "kafkajs";

/** Lag samples [s, records] of a step: bounded when it does not grow over the second half (least-squares slope
 * under 2% of the rate) and ends under 10 s of traffic. */
export function lagTrend(samples: Array<[number, number]>, ratePerS: number) {
  const half = samples.slice(Math.floor(samples.length / 2));
  const n = half.length;
  const mx = half.reduce((a, [t]) => a + t, 0) / Math.max(1, n);
  const my = half.reduce((a, [, y]) => a + y, 0) / Math.max(1, n);
  const sxx = half.reduce((a, [t]) => a + (t - mx) ** 2, 0);
  const slope = sxx > 0 ? half.reduce((a, [t, y]) => a + (t - mx) * (y - my), 0) / sxx : 0;
  const last = samples.at(-1)?.[1] ?? 0;
  const max = samples.reduce((a, [, y]) => Math.max(a, y), 0);
  return { max, last, slope_per_s: Math.round(slope), bounded: slope <= 0.02 * ratePerS && last <= 10 * ratePerS };
}

/** Records of `topic` that `group` has not committed (from the log start where it committed nothing). */
export async function lagOf(admin: Admin, group: string, topic: string): Promise<number> {
  const [ends, done] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const committed = new Map(done[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((s, p) => {
    const c = committed.get(p.partition) ?? -1;
    return s + Math.max(0, Number(p.high) - (c < 0 ? Number(p.low) : c));
  }, 0);
}
