// Proves, with the short schedule of `make chaos` (scripts/chaos/chaos.ts): while the real producers replay a
// seeded stream of three hours (repeats, block races, late prices, late transactions across a day and a month
// turn, poison), each bolt killed with SIGKILL, bolts also killed between the Elasticsearch acknowledgement and the
// commit (test hook), instances joining and leaving, the source connection of a live producer closed then silent
// (it reconnects twice; extra transactions it carries are in the reference), a broker frozen then another killed,
// and an Elasticsearch node killed, each while records were in flight: nothing is lost or doubled and every figure
// equals the reference computed by plain loops over the stream, to the satoshi and the cent. The brokers and nodes
// are hit only when this run started the clusters (tests/run-integration.sh sets BTC_TEST_OWNS_CLUSTERS=1).
// Run: bun test --timeout 900000 tests/chaos-short-loses-nothing-and-stays-exact.test.ts

import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chaos } from "../scripts/chaos/chaos.ts";

test("faults in flight lose nothing, double nothing, and the figures stay exact", async () => {
  const owns = process.env.BTC_TEST_OWNS_CLUSTERS === "1";
  const r = await chaos({
    ...process.env,
    CHAOS_SEED: "7",
    CHAOS_FULL: "0",
    CHAOS_CLUSTER_FAULTS: owns ? "1" : "0",
    CHAOS_RESULTS_DIR: mkdtempSync(join(tmpdir(), "chaos-results-")), // the committed records stay as they are
  });
  expect(r.faults.filter((f) => !f.inFlight).map((f) => f.fault)).toEqual([]);
  expect(r.faults.filter((f) => f.recoveryMs === null).map((f) => f.fault)).toEqual([]);
  expect(r.crashes_between_ack_and_commit).toBeGreaterThan(0);
  expect(r.live_extras.sent_once).toBe(r.live_extras.extras);
  expect(r.live_extras.reconnections_logged).toBe(true);
  expect({ lost: r.lost, doubled: r.doubled, differences: r.differences }).toEqual({
    lost: 0,
    doubled: 0,
    differences: [],
  });
}, 900_000);
