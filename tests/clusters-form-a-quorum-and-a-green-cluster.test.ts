// The full profile really runs: three Kafka brokers in one KRaft quorum, three Elasticsearch nodes in the
// cluster oc-da-p3, all green, all loopback-only.
import { expect, test } from "bun:test";
import { $ } from "zx";
import { loadConfig } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ROOT } from "./cluster.ts";

const cfg = loadConfig({ ...process.env, BTC_PROFILE: "full" });

test("three brokers registered with an active controller, and the quorum has three voters", async () => {
  const admin = kafkaClient(cfg, "test-quorum").admin();
  await admin.connect();
  const c = await admin.describeCluster();
  await admin.disconnect();
  expect(c.brokers.map((b) => b.port).sort()).toEqual([9092, 9093, 9094]);
  expect(c.controller).toBeGreaterThanOrEqual(1);
  const q = await $({
    quiet: true,
  })`java -cp ${`${ROOT}/var/opt/kafka/libs/*`} org.apache.kafka.tools.MetadataQuorumCommand --bootstrap-server 127.0.0.1:9092 describe --status`;
  expect(q.stdout).toMatch(/LeaderId:\s+[123]/);
  expect(q.stdout).toMatch(/CurrentVoters:.*"id":\s*1.*"id":\s*2.*"id":\s*3/s);
});

test("three Elasticsearch nodes form oc-da-p3, green", async () => {
  const es = esClient(cfg);
  const h = await es.cluster.health({ wait_for_status: "green", timeout: "60s" });
  expect(h.cluster_name).toBe("oc-da-p3");
  expect(h.number_of_nodes).toBe(3);
  expect(h.status).toBe("green");
  const nodes = await es.cat.nodes({ format: "json", h: "name,ip" });
  expect(nodes.map((n) => n.name).sort()).toEqual(["elasticsearch1", "elasticsearch2", "elasticsearch3"]);
  expect(nodes.every((n) => n.ip === "127.0.0.1")).toBe(true);
});

test("supervisord's control interface is a unix socket, not a network port", async () => {
  const conf = await Bun.file(`${ROOT}/supervisord.conf`).text();
  expect(conf).toMatch(/^\[unix_http_server\]\nfile=.*\.sock\nchmod=0700/m);
  expect(conf).not.toMatch(/^\[inet_http_server\]/m);
});
