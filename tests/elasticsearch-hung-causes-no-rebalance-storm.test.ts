// Elasticsearch hung (frozen with SIGSTOP: it neither answers nor refuses) for 75 s while records are in flight,
// then resumed: every bolt pauses and stays in its group (it heartbeats while its handler waits), so each group keeps
// its one member (sampled every second with describeGroups: an evicted member comes back under a new member id) and
// is joined at most twice, no bolt exits, nothing is lost and every figure is exact. Before the fix a handler
// waiting on Elasticsearch (30 s per request, retried by the client) did not heartbeat: members were evicted at the
// session timeout and joined again under new ids.
// The bolts run with the production timeouts (session 30 s, stall 60 s) and write to a private single node
// (tests/private-es.ts, port 19320): the shared nodes are never frozen. Kafka is the shared cluster, in a namespace.
// Run: bun test --timeout 600000 tests/elasticsearch-hung-causes-no-rebalance-storm.test.ts

import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { groupOf } from "../scripts/health/pipeline-health.ts";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace, ROOT } from "./cluster.ts";
import { adminOf, boltOffsets, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";
import { type PrivateEs, startPrivateEs } from "./private-es.ts";

let es: PrivateEs | undefined;
let cfg: Config | undefined;
let admin: Admin | undefined;
const procs: Subprocess[] = [];

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await admin?.disconnect().catch(() => {});
  if (cfg) await dropNamespace(cfg).catch(() => {});
  await es?.stop();
});

const PRODUCTION = { BOLT_SESSION_TIMEOUT_MS: "30000", BOLT_STALL_TIMEOUT_MS: "60000", BOLT_RETRY_MAX_MS: "2000" };
const joinsOf = (bolt: string) =>
  readFileSync(`${ROOT}/test-artifacts/${cfg!.namespace}-${bolt}.log`, "utf8")
    .split("\n")
    .filter((l) => l.includes('"joined the group"')).length;

/** Sample the bolts' groups every second until stopped: the member ids each group had. */
function sampleMembers(admin: Admin, cfg: Config) {
  const members = new Map<string, Set<string>>(BOLTS.map((b) => [b, new Set<string>()]));
  let on = true;
  const done = (async () => {
    while (on) {
      const res = await admin.describeGroups(BOLTS.map((b) => groupOf(cfg, b))).catch(() => undefined);
      for (const g of res?.groups ?? []) {
        const bolt = BOLTS.find((b) => groupOf(cfg, b) === g.groupId)!;
        for (const m of g.members) members.get(bolt)!.add(m.memberId);
      }
      await Bun.sleep(1000);
    }
  })();
  return async () => {
    on = false;
    await done;
    return Object.fromEntries([...members].map(([b, ids]) => [b, ids.size]));
  };
}

test("Elasticsearch hung for 75 s under load: few group joins, no exits, nothing lost, figures exact", async () => {
  es = await startPrivateEs(Number(process.env.PRIVATE_ES_PORT || 19320));
  const env = { ES_NODES: es.url, INDEX_REPLICAS: "0" };
  cfg = await freshNamespace("eshung", env);
  admin = await adminOf(cfg);
  const { lines, want } = faultStream(21);
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b, { ...env, ...PRODUCTION }));
  const feeding = publishPaced(cfg, lines, 60_000);
  const members = sampleMembers(admin, cfg);
  const at = await waitInFlight(admin, cfg, "transactions", 0, 120_000);
  es.signal("SIGSTOP");
  console.log(`Elasticsearch frozen; transactions bolt lag ${at.lag}, committed ${at.committed}`);
  await Bun.sleep(75_000);
  const held = await Promise.all(
    (["prices", "transactions", "blocks"] as const).map((b) => boltOffsets(admin!, cfg!, b)),
  );
  console.log(`lag at the end of the freeze: ${held.map((h) => h.lag).join(", ")} (prices, transactions, blocks)`);
  expect(held.map((h) => h.lag > 0)).toEqual([true, true, true]); // records were held up, not done
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  es.signal("SIGCONT");
  console.log("Elasticsearch resumed");
  await feeding;
  const diff = await waitForFigures(cfg, want, 240_000);
  const joins = Object.fromEntries(BOLTS.map((b) => [b, joinsOf(b)]));
  const ids = await members();
  console.log(`group joins per bolt: ${JSON.stringify(joins)}; member ids per group: ${JSON.stringify(ids)}`);
  expect(diff).toEqual([]);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  for (const b of BOLTS) expect(ids[b]).toBe(1);
  for (const b of BOLTS) expect(joins[b]).toBeLessThanOrEqual(2);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
}, 600_000);
