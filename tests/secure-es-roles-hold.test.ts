// Secure mode (BTC_SECURE=1, tests/run-secure.sh): Elasticsearch's roles hold. A bolt writes its own index and
// cannot delete an index, create one, or write another bolt's; the dashboard's, Kibana reader's and the status
// tool's credentials read and cannot write. A client without credentials, with a wrong password, trusting another
// CA or in plain http is refused.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Client, HttpConnection } from "@elastic/elasticsearch";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { dropNamespace } from "./cluster.ts";
import { as, otherCa, refusal, SECURE, secureNamespace } from "./secure-kit.ts";

let cfg: Config;
let wrongCa: string;
beforeAll(async () => {
  if (!SECURE) return;
  cfg = await secureNamespace("roles");
  wrongCa = await otherCa("roles");
});
afterAll(async () => {
  if (SECURE && cfg) await dropNamespace(cfg);
});

describe.skipIf(!SECURE)("Elasticsearch roles", () => {
  test("a bolt writes its own index, and cannot delete an index or write another bolt's", async () => {
    const idx = indicesOf(cfg);
    const tx = esClient(as(cfg, "bolt-transactions"));
    await tx.index({ index: idx.rawTransactions, id: "lock-test", document: { value_sat: 1 } });
    expect(await refusal(tx.index({ index: idx.volume, id: "x", document: { tx_count: 1 } }))).toContain("403");
    const prices = esClient(as(cfg, "bolt-prices"));
    expect(await refusal(prices.indices.delete({ index: idx.value }))).toContain("403");
    expect(await refusal(prices.indices.create({ index: `${cfg.namespace}-new-btc-value` }))).toContain("403");
    expect(await refusal(esClient(as(cfg, "bolt-volume")).indices.delete({ index: idx.volume }))).toContain("403");
    expect(await esClient(as(cfg, "setup")).indices.exists({ index: idx.value })).toBe(true);
  });

  test("the dashboard's and Kibana reader's credentials read the metrics and cannot write", async () => {
    const idx = indicesOf(cfg);
    for (const who of ["dashboard", "kibana-reader"]) {
      const es = esClient(as(cfg, who));
      expect((await es.search({ index: idx.volume, size: 0 })).hits).toBeDefined();
      expect(await refusal(es.index({ index: idx.value, id: "x", document: { eur: 1 } }))).toContain("403");
      expect(await refusal(es.delete({ index: idx.miner, id: "x" }))).toContain("403");
    }
    expect(await refusal(esClient(as(cfg, "kibana-reader")).search({ index: idx.rawTransactions }))).toContain("403");
    expect(await refusal(esClient(as(cfg, "dashboard")).search({ index: idx.rawBpi }))).toContain("403");
    expect(await refusal(esClient(as(cfg, "status")).index({ index: idx.value, id: "x", document: {} }))).toContain(
      "403",
    );
  });

  test("no credentials, a wrong password, another CA, plain http: refused", async () => {
    const node = cfg.es.nodes[0]!;
    const ca = readFileSync(`${cfg.secrets}/ca.crt`, "utf8");
    const anonymous = new Client({ node, Connection: HttpConnection, tls: { ca }, maxRetries: 0 });
    expect(await refusal(anonymous.cluster.health())).toContain("401");
    expect(await refusal(esClient(as(cfg, "setup", { ES_PASSWORD: "wrong" })).cluster.health())).toContain("401");
    const otherCa = esClient(as(cfg, "setup", { ES_CA_CERT: wrongCa }));
    expect(await refusal(otherCa.cluster.health({}, { maxRetries: 0 }))).toMatch(/certificate|self.signed|verify/i);
    expect(
      await refusal(
        fetch(node.replace("https:", "http:")).then((r) => r.ok || Promise.reject(new Error(`HTTP ${r.status}`))),
      ),
    ).not.toBe("");
  });
});
