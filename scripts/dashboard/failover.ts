// The dashboard's choice of cluster, as pure decisions: it serves from the primary Elasticsearch cluster, fails over
// to the standby once the primary has not answered for FAILOVER_AFTER_MS (and the standby answers), and fails back
// once the primary has answered, with its bolts at most FAILBACK_BEHIND_S behind Kafka, for FAILBACK_AFTER_MS (so a
// primary that comes back empty or far behind is not served before it has caught up). A standby that stops
// answering while the primary answers sends it back to the primary at once: something beats nothing.
// What the page is told (`servingInfo`): which cluster, since when, and how far behind Kafka it is.
// No I/O: the probes are in clusters.ts. No env (the policy comes from config.ts: cfg.standby).

export type Serving = "primary" | "standby";

export type FailoverState = {
  serving: Serving;
  /** when it started serving from that cluster */
  since: number;
  /** since when the primary has not answered (null: it answers) */
  primaryDownSince: number | null;
  /** since when the primary has answered and been caught up (null: it is not) */
  primaryReadySince: number | null;
};

/** One round of probes: whether each cluster answered, and how far the primary's bolts are behind (null: unknown). */
export type Observation = { now: number; primaryUp: boolean; standbyUp: boolean; primaryBehindS: number | null };

export type Policy = { failoverAfterMs: number; failbackAfterMs: number; failbackBehindS: number };

export const initialState = (now: number): FailoverState => ({
  serving: "primary",
  since: now,
  primaryDownSince: null,
  primaryReadySince: null,
});

/** The state after one observation. */
export function decide(s: FailoverState, o: Observation, p: Policy): FailoverState {
  const caughtUp = o.primaryUp && o.primaryBehindS !== null && o.primaryBehindS <= p.failbackBehindS;
  const next: FailoverState = {
    ...s,
    primaryDownSince: o.primaryUp ? null : (s.primaryDownSince ?? o.now),
    primaryReadySince: caughtUp ? (s.primaryReadySince ?? o.now) : null,
  };
  const switchTo = (serving: Serving): FailoverState => ({ ...next, serving, since: o.now });
  if (s.serving === "primary") {
    const down = next.primaryDownSince !== null && o.now - next.primaryDownSince >= p.failoverAfterMs;
    return down && o.standbyUp ? switchTo("standby") : next;
  }
  if (!o.standbyUp && o.primaryUp) return switchTo("primary");
  const ready = next.primaryReadySince !== null && o.now - next.primaryReadySince >= p.failbackAfterMs;
  return ready ? switchTo("primary") : next;
}

/** What the page shows: the cluster serving, since when, and its seconds behind Kafka (null: unknown). */
export type ServingInfo = { cluster: Serving; name: string | null; since: number; behindS: number | null };

const utc = (t: number) => `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;

/** The page's banner ("" on the primary): the standby serves, how far behind, since when. */
export function bannerOf(i: ServingInfo): string {
  if (i.cluster === "primary") return "";
  const behind = i.behindS === null ? "how far behind is unknown" : `${i.behindS} s behind`;
  const name = i.name ? ` ${i.name}` : "";
  return `The primary Elasticsearch cluster is lost: serving from the standby${name}, ${behind}, since ${utc(i.since)}.`;
}
