import { expect, test } from "bun:test";
import { bannerOf, decide, type FailoverState, initialState, type Observation, type Policy } from "./failover.ts";

const P: Policy = { failoverAfterMs: 3000, failbackAfterMs: 10_000, failbackBehindS: 5 };
const up = { primaryUp: true, standbyUp: true, primaryBehindS: 1 };

/** Run observations one second apart from t=0; the states after each. */
function run(obs: Array<Omit<Observation, "now">>, s: FailoverState = initialState(0)) {
  return obs.map((o, i) => {
    s = decide(s, { ...o, now: (i + 1) * 1000 }, P);
    return s;
  });
}

test("the primary answering: it keeps serving", () => {
  expect(run([up, up, up]).map((s) => s.serving)).toEqual(["primary", "primary", "primary"]);
});

test("the primary silent for FAILOVER_AFTER_MS: the standby serves; a short silence changes nothing", () => {
  const down = { ...up, primaryUp: false, primaryBehindS: null };
  expect(run([up, down, down, up, down, down, down, down]).map((s) => s.serving)).toEqual([
    "primary",
    "primary",
    "primary",
    "primary",
    "primary",
    "primary",
    "primary",
    "standby",
  ]);
  const s = run([down, down, down, down]).at(-1)!;
  expect(s).toMatchObject({ serving: "standby", since: 4000, primaryDownSince: 1000 });
});

test("no failover to a standby that does not answer either", () => {
  const bothDown = { primaryUp: false, standbyUp: false, primaryBehindS: null };
  expect(run([bothDown, bothDown, bothDown, bothDown, bothDown]).at(-1)!.serving).toBe("primary");
});

test("failback only once the primary has answered, caught up, for FAILBACK_AFTER_MS", () => {
  const onStandby: FailoverState = { serving: "standby", since: 0, primaryDownSince: 0, primaryReadySince: null };
  const behind = { ...up, primaryBehindS: 60 };
  const unknown = { ...up, primaryBehindS: null };
  // back but far behind, or unknown: stays on the standby
  expect(run([behind, behind, unknown, behind], onStandby).every((s) => s.serving === "standby")).toBe(true);
  // caught up for 9 s, then behind again: the count starts over
  const states = run([...Array(9).fill(up), behind, ...Array(11).fill(up)], onStandby);
  expect(states.slice(0, 20).every((s) => s.serving === "standby")).toBe(true);
  expect(states[20]).toMatchObject({ serving: "primary", since: 21_000, primaryReadySince: 11_000 });
});

test("the standby stops answering while the primary answers: back to the primary at once", () => {
  const onStandby: FailoverState = { serving: "standby", since: 0, primaryDownSince: null, primaryReadySince: null };
  const s = run([{ primaryUp: true, standbyUp: false, primaryBehindS: 90 }], onStandby)[0]!;
  expect(s.serving).toBe("primary");
});

test("the banner says standby, how far behind and since when; nothing on the primary", () => {
  const since = Date.UTC(2026, 11, 6, 11, 2, 3);
  expect(bannerOf({ cluster: "primary", name: "oc-da-p3", since, behindS: 0 })).toBe("");
  expect(bannerOf({ cluster: "standby", name: "oc-da-p3-standby", since, behindS: 4 })).toBe(
    "The primary Elasticsearch cluster is lost: serving from the standby oc-da-p3-standby, 4 s behind, since 2026-12-06 11:02:03 UTC.",
  );
  expect(bannerOf({ cluster: "standby", name: null, since, behindS: null })).toContain("how far behind is unknown");
});
