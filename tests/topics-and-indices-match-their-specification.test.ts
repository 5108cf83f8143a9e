// The topics and indices that `make up` created are those of the specification (9 partitions, replication 3,
// min.insync.replicas 2, retention; 1 shard, 2 replicas, strict mappings from es-indices.http), a second run
// creates nothing and finds no drift, and a difference on the live side is reported, not ignored.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Config, loadConfig, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { ensureIndices, indexSpecs } from "../scripts/setup/indices.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";

const prod = loadConfig({ ...process.env, BTC_PROFILE: "full", BTC_NAMESPACE: "" });
let scratch: Config;
beforeAll(async () => {
  scratch = await freshNamespace("spec");
});
afterAll(async () => {
  await dropNamespace(scratch);
});

test("the pipeline's topics: 9 partitions on 3 replicas, min.insync.replicas=2, 30 days of history", async () => {
  const names = Object.values(topicsOf(prod));
  expect(names).toEqual(
    expect.arrayContaining(["p3-btc-bpi", "p3-btc-blocks", "p3-btc-transactions", "p3-btc-dead-letters"]),
  );
  const admin = kafkaClient(prod, "test-spec").admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: names });
  const conf = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: 2, name })),
  });
  await admin.disconnect();
  for (const t of meta.topics) {
    expect(t.partitions.length).toBe(9);
    for (const p of t.partitions) expect(p.replicas.length).toBe(3);
  }
  for (const r of conf.resources) {
    const c = Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]));
    expect(c["min.insync.replicas"]).toBe("2");
    expect(c["retention.ms"]).toBe(String(720 * 3_600_000));
    expect(c["message.timestamp.type"]).toBe("LogAppendTime"); // retention counts from arrival, not source time
  }
});

test("the indices: 1 shard, 2 replicas, the mappings of es-indices.http, unknown fields refused", async () => {
  const es = esClient(prod);
  for (const spec of indexSpecs(prod)) {
    const live = Object.values(await es.indices.get({ index: spec.name }))[0]!; // the index behind the alias
    expect(live.settings?.index?.number_of_shards).toBe("1");
    expect(live.settings?.index?.number_of_replicas).toBe("2");
    expect(live.mappings?.dynamic).toBe("strict");
    expect(Object.keys(live.mappings?.properties ?? {}).sort()).toEqual(Object.keys(spec.mappings.properties).sort());
  }
  const volume = await es.indices.getMapping({ index: "btc-volume" });
  const props = Object.values(volume)[0]!.mappings.properties!;
  expect(props.hour?.type).toBe("date");
  expect(props.volume_sat?.type).toBe("long");
  expect(props.volume_eur?.type).toBe("double");
  const refused = await es.index({ index: `${scratch.namespace}-btc-volume`, document: { guess: 1 } }).catch((e) => e);
  expect(String(refused.message)).toContain("strict_dynamic_mapping_exception");
});

test("a second run creates nothing and reports no drift", async () => {
  const topics = await ensureTopics(prod);
  const indices = await ensureIndices(prod);
  expect(topics).toEqual({ created: [], drift: {} });
  expect(indices).toEqual({ created: [], drift: {} });
});

test("a live difference is reported", async () => {
  const es = esClient(scratch);
  const index = `${scratch.namespace}-btc-value`;
  await es.indices.putSettings({ index, settings: { number_of_replicas: 1 } });
  const admin = kafkaClient(scratch, "test-drift").admin();
  await admin.connect();
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: topicsOf(scratch).bpi, configEntries: [{ name: "retention.ms", value: "1000" }] }],
  });
  await admin.disconnect();
  const indices = await ensureIndices(scratch);
  expect(indices.drift[index]).toEqual(["replicas: live 1, wanted 2"]);
  const topics = await ensureTopics(scratch);
  expect(topics.drift[topicsOf(scratch).bpi]?.[0]).toContain("retention.ms=1000");
});

test("an index made with another shard count is said, with the make rebuild that applies it, and is no drift", async () => {
  const three = loadConfig({
    ...process.env,
    BTC_PROFILE: "full",
    BTC_NAMESPACE: `${scratch.namespace}-s3`,
    INDEX_SHARDS: "3",
  });
  await ensureIndices(three);
  const said: string[] = [];
  const one = loadConfig({ ...process.env, BTC_PROFILE: "full", BTC_NAMESPACE: three.namespace, INDEX_SHARDS: "1" });
  const indices = await ensureIndices(one, (line) => said.push(line));
  await dropNamespace(three);
  expect(indices).toEqual({ created: [], drift: {} });
  expect(said.filter((l) => l.includes("3 shards, 1 wanted: REBUILD_CONFIRM=yes make rebuild"))).toHaveLength(6);
});
