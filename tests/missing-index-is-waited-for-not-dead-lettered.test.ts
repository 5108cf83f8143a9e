// An index deleted under a running bolt, Elasticsearch's auto-creation left at its default (on): the bolts write
// through the aliases with require_alias, so each write of the bulk answers 404 index_not_found_exception instead of
// creating an index with guessed mappings; the records are not the culprits, so none is dead-lettered nor
// committed; the bolt waits (lag held, offsets unchanged, no index created, the log says what to run) and, once the
// index is created again, writes every one of them. Before the first fix, each was dead-lettered and committed
// (lost from the index for good); before the second (7 December), with auto-creation on, the writes created a
// concrete index of that name with guessed mappings and were committed into it (lag 0, 500 committed).
// Elasticsearch is a private single node (tests/private-es.ts, port 19310). Kafka is the shared cluster, in a
// namespace.
// Run: bun test --timeout 420000 tests/missing-index-is-waited-for-not-dead-lettered.test.ts

import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { Admin } from "kafkajs";
import { type Config, indicesOf, topicsOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { ReliableProducer } from "../scripts/lib/reliable-producer.ts";
import { ensureIndices } from "../scripts/setup/indices.ts";
import { deadLetters, spawnBolt } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace, ROOT } from "./cluster.ts";
import { adminOf, boltOffsets } from "./in-flight.ts";
import { type PrivateEs, startPrivateEs } from "./private-es.ts";

let es: PrivateEs | undefined;
let cfg: Config | undefined;
let admin: Admin | undefined;
let bolt: Subprocess | undefined;

afterAll(async () => {
  bolt?.kill("SIGKILL");
  await admin?.disconnect().catch(() => {});
  if (cfg) await dropNamespace(cfg).catch(() => {});
  await es?.stop();
});

const hashOf = (i: number) => createHash("sha256").update(`missing-index-${i}`).digest("hex");
const utx = (i: number) =>
  JSON.stringify({ op: "utx", x: { hash: hashOf(i), time: 1_790_000_000 + i, out: [{ value: 1000 + i }] } });

async function publish(from: number, to: number) {
  const producer = new ReliableProducer(cfg!, "test-missing-index", 30_000);
  const messages = [];
  for (let i = from; i < to; i++)
    messages.push({ key: hashOf(i), value: utx(i), headers: { feed: "blockchain.info/ws", origin: "replay" } });
  await producer.send(topicsOf(cfg!).transactions, messages);
  await producer.disconnect();
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number) {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await Bun.sleep(500)) if (await ok()) return;
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

test("a write whose index is missing waits for it: nothing dead-lettered, nothing committed past it", async () => {
  es = await startPrivateEs(19310);
  cfg = await freshNamespace("idxgone", { ES_NODES: es.url, INDEX_REPLICAS: "0" });
  const client = esClient(cfg);
  admin = await adminOf(cfg);
  const index = indicesOf(cfg).rawTransactions;
  const count = () =>
    client.indices
      .refresh({ index })
      .then(() => client.count({ index }))
      .then((r) => r.count)
      .catch(() => -1);

  bolt = spawnBolt(cfg, "transactions", { ES_NODES: es.url, BOLT_BATCH_MAX: "50" });
  await publish(0, 200);
  await until("the first 200 transactions written", async () => (await count()) === 200, 90_000);

  const concrete = Object.keys(await client.indices.getAlias({ name: index }));
  await client.indices.delete({ index: concrete });
  await publish(200, 500);
  await Bun.sleep(15_000);
  const held = await boltOffsets(admin, cfg, "transactions");
  console.log(`index ${concrete} deleted for 15 s: lag ${held.lag}, committed ${held.committed}`);
  expect(held.lag).toBe(300); // records in flight, none committed past the missing index
  expect(held.committed).toBe(200);
  expect(await client.indices.exists({ index })).toBe(false); // nothing auto-created with guessed mappings
  expect(bolt.exitCode).toBeNull();
  expect(await deadLetters(cfg)).toEqual([]);
  const logged = readFileSync(`${ROOT}/test-artifacts/${cfg.namespace}-transactions.log`, "utf8");
  expect(logged).toContain("does not exist as an alias: create it (bun scripts/setup/indices.ts");

  await ensureIndices(cfg);
  await until("the 300 transactions written once the index is back", async () => (await count()) === 300, 90_000);
  await until("committed", async () => (await boltOffsets(admin!, cfg!, "transactions")).lag === 0, 30_000);
  expect(await deadLetters(cfg)).toEqual([]);
  expect(bolt.exitCode).toBeNull();
}, 400_000);
