// Proves: when Kafka deleted records (retention, an operator's delete-records) that the current indices were made
// from, `make rebuild` refuses before changing anything and says why: the topic, the partition, Kafka's log start
// offset, and what the index holds from before it. REBUILD_ALLOW_LOSS=yes goes on knowingly: the new generation
// lacks what Kafka lost, the old one keeps it. In a namespace it never calls supervisorctl (a stub first on PATH
// records any call). Before this, the rebuild deleted the indices and the deleted records' transactions were gone.
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/rebuild-refuses-when-kafka-lost-the-history.test.ts

import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { spawnBolt } from "./bolts-harness.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

/** A blockchain.info `utx` message of `sat` satoshis with hash number i. */
const utx = (i: number, sat: number) =>
  JSON.stringify({
    op: "utx",
    x: { hash: i.toString(16).padStart(64, "a"), time: 1_700_000_000 + i, inputs: [], out: [{ value: sat }] },
  });

/** The blockchain.info announcement of block 614,187 (tests/fixtures/blockchain-info-ws.jsonl). */
const BLOCK = JSON.stringify(
  JSON.parse(readFileSync(`${ROOT}/tests/fixtures/blockchain-info-ws.jsonl`, "utf8").split("\n")[1]!).msg,
);

/** `bun scripts/setup/rebuild.ts` in the namespace, with a supervisorctl stub first on PATH. */
async function runRebuild(c: Config, extra: Record<string, string>) {
  const bin = `${ROOT}/test-artifacts/${c.namespace}-bin`;
  mkdirSync(bin, { recursive: true });
  writeFileSync(`${bin}/supervisorctl`, `#!/bin/sh\necho "$@" >> ${bin}/supervisorctl.calls\nexit 1\n`);
  chmodSync(`${bin}/supervisorctl`, 0o755);
  const path = `${bin}:${process.env.PATH}`;
  const env = envOf(c.namespace, { REBUILD_CONFIRM: "yes", PATH: path, BTC_VAR: `${bin}/var`, ...extra }); // logs there
  const p = Bun.spawn(["bun", "scripts/setup/rebuild.ts"], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
  console.log(out + err);
  return { out, err, code, supervisorctlCalled: existsSync(`${bin}/supervisorctl.calls`) };
}

const count = async (c: Config, index: string) => {
  await esClient(c).indices.refresh({ index });
  return (await esClient(c).count({ index })).count;
};

test("a rebuild refuses, and says why, when Kafka no longer holds what the indices were made from", async () => {
  cfg = await freshNamespace("rebuild-refuses");
  const topic = topicsOf(cfg).transactions;
  const blocksTopic = topicsOf(cfg).blocks;
  const raw = indicesOf(cfg).rawTransactions;
  const rawBlocks = indicesOf(cfg).rawBlocks;
  const kafka = kafkaClient(cfg, "test-rebuild-refuses");
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: utx(i, 1000 + i) }));
  await producer.send({ topic, acks: -1, messages });
  const headers = { feed: "blockchain.info/ws", "received-at": "1700000000000", origin: "replay" };
  await producer.send({
    topic: blocksTopic,
    acks: -1,
    messages: [{ partition: 2, key: "614187", value: BLOCK, headers }],
  });
  await producer.disconnect();
  const bolts = [spawnBolt(cfg, "transactions"), spawnBolt(cfg, "blocks")];
  procs.push(...bolts);
  for (const until = Date.now() + 120_000; Date.now() < until; await Bun.sleep(500))
    if ((await count(cfg, raw)) === 10 && (await count(cfg, rawBlocks)) === 1) break;
  expect([await count(cfg, raw), await count(cfg, rawBlocks)]).toEqual([10, 1]);
  for (const b of bolts) b.kill("SIGTERM");
  await Promise.all(bolts.map((b) => b.exited));

  const admin = kafka.admin();
  await admin.connect();
  for (const [t, partition, offset] of [
    [topic, 0, "6"],
    [blocksTopic, 2, "1"],
  ] as const) {
    await admin.fetchTopicMetadata({ topics: [t] });
    await admin.deleteTopicRecords({ topic: t, partitions: [{ partition, offset }] });
  }
  await admin.disconnect();

  const refused = await runRebuild(cfg, {});
  expect(refused.code).toBe(3);
  expect(refused.err).toContain(
    `${topic} partition 0: Kafka's log starts at offset 6; ${raw} holds 6 document(s) made from records before it (earliest: offset 0)`,
  );
  expect(refused.err).toContain(
    `${blocksTopic} partition 2: Kafka's log starts at offset 1; ${rawBlocks} holds 1 document(s) made from records before it (earliest: offset 0)`,
  );
  expect(refused.err).toContain("REBUILD_ALLOW_LOSS=yes");
  expect([await count(cfg, raw), await count(cfg, rawBlocks)]).toEqual([10, 1]); // nothing changed
  expect(Object.keys(await esClient(cfg).indices.get({ index: `${raw}*` }))).toEqual([`${raw}-g1`]);
  expect(refused.supervisorctlCalled).toBe(false);

  // knowingly: the new generation has what Kafka still holds, the old one keeps all of it
  const allowed = await runRebuild(cfg, { REBUILD_ALLOW_LOSS: "yes", BOLT_SESSION_TIMEOUT_MS: "8000" });
  expect(allowed.code).toBe(0);
  expect(allowed.out).toContain("REBUILD_ALLOW_LOSS=yes: going on");
  expect([await count(cfg, raw), await count(cfg, rawBlocks)]).toEqual([4, 0]);
  expect([await count(cfg, `${raw}-g1`), await count(cfg, `${rawBlocks}-g1`)]).toEqual([10, 1]);
  const aliases = await esClient(cfg).indices.getAlias({ name: raw });
  expect(Object.keys(aliases)).toEqual([`${raw}-g2`]);
  expect(allowed.supervisorctlCalled).toBe(false);
}, 400_000);
