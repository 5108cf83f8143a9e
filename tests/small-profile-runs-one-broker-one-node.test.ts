// The small profile (BTC_PROFILE=small: one broker, one Elasticsearch node, replication 1, no replicas) comes up
// and gets its own topics and indices. tests/run-integration.sh runs this file last, after restarting the clusters
// in that profile; in the full profile's run it is skipped.
import { describe, expect, test } from "bun:test";
import { loadConfig, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ensureIndices, indexSpecs } from "../scripts/setup/indices.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";

const small = process.env.BTC_PROFILE === "small";

describe.skipIf(!small)("small profile", () => {
  const cfg = loadConfig({ ...process.env, BTC_PROFILE: "small", BTC_NAMESPACE: "" });

  test("one broker is its own KRaft quorum; one Elasticsearch node, green", async () => {
    const admin = kafkaClient(cfg, "test-small").admin();
    await admin.connect();
    const c = await admin.describeCluster();
    await admin.disconnect();
    expect(c.brokers.map((b) => b.port)).toEqual([9092]);
    expect(c.controller).toBe(1);
    const h = await esClient(cfg).cluster.health({ wait_for_status: "green", timeout: "60s" });
    expect(h.number_of_nodes).toBe(1);
    expect(h.status).toBe("green");
  });

  test("topics with replication 1, indices with no replicas, and a second setup run changes nothing", async () => {
    const admin = kafkaClient(cfg, "test-small").admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: Object.values(topicsOf(cfg)) });
    await admin.disconnect();
    for (const t of meta.topics) for (const p of t.partitions) expect(p.replicas.length).toBe(1);
    const es = esClient(cfg);
    for (const spec of indexSpecs(cfg)) {
      const live = Object.values(await es.indices.get({ index: spec.name }))[0]!; // the index behind the alias
      expect(live.settings?.index?.number_of_replicas).toBe("0");
    }
    expect(await ensureTopics(cfg)).toEqual({ created: [], drift: {} });
    expect(await ensureIndices(cfg)).toEqual({ created: [], drift: {} });
  });
});
