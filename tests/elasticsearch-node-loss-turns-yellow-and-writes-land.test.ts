// Disaster scenario "Elasticsearch": one node of three stops; the cluster turns yellow (replicas unassigned)
// and writes keep landing; the node comes back and the cluster is green again with every document.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { $ } from "zx";
import type { Config } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { bulkWrite } from "../scripts/lib/es-bulk.ts";
import { dropNamespace, freshNamespace, ROOT } from "./cluster.ts";

let cfg: Config;
const ctl = (...args: string[]) =>
  $({ cwd: ROOT, quiet: true, nothrow: true })`supervisorctl -c supervisord.conf ${args}`;
beforeAll(async () => {
  cfg = await freshNamespace("esloss");
});
afterAll(async () => {
  await ctl("start", "es-kibana:elasticsearch3");
  await esClient(cfg).cluster.health({ wait_for_status: "green", wait_for_nodes: "3", timeout: "120s" });
  await dropNamespace(cfg);
});

test("with elasticsearch3 stopped the cluster is yellow and writes land; back, it is green", async () => {
  const es = esClient(cfg);
  const index = `${cfg.namespace}-btc-value`;
  const doc = (i: number) => ({
    time: 1_700_000_000_000 + i,
    pair: "BTC-EUR",
    eur: 30_000 + i,
    source: "test",
    origin: "simulated",
  });
  const ops = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => ({
      op: "index" as const,
      index,
      id: `d${from + k}`,
      doc: doc(from + k),
      ref: from + k,
    }));
  expect(await bulkWrite(es, ops(0, 100), { refresh: true })).toEqual([]);
  await ctl("stop", "es-kibana:elasticsearch3");
  const h = await es.cluster.health({ wait_for_nodes: "2", timeout: "60s" });
  expect(h.number_of_nodes).toBe(2);
  expect(h.status).toBe("yellow");
  expect(h.unassigned_shards).toBeGreaterThan(0);
  expect(await bulkWrite(es, ops(100, 300), { refresh: true })).toEqual([]);
  expect((await es.count({ index })).count).toBe(300);
  await ctl("start", "es-kibana:elasticsearch3");
  const g = await es.cluster.health({ wait_for_status: "green", wait_for_nodes: "3", timeout: "120s" });
  expect(g.status).toBe("green");
  expect((await es.count({ index })).count).toBe(300);
}, 300_000);
