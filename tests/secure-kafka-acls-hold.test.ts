// Secure mode (BTC_SECURE=1, tests/run-secure.sh): Kafka's ACLs hold. A producer cannot write a bolt's topic; a
// bolt reads only its input, writes only its outputs and the dead letters, and uses only its own consumer group; the
// dashboard and the status tool read offsets and the dead letters (in a group of their own) and write nothing; make
// status runs Kafka's quorum tool as `status` over TLS, its properties file private and removed. Each lock is
// checked next to what the same identity may do, so a refusal means the lock and not a broken client. A client
// without credentials, with a wrong password, trusting another CA or in plain text is refused, and the KRaft
// listener refuses a client without the node certificate.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { Kafka, logLevel } from "kafkajs";
import { emptyTally } from "../scripts/health/dead-letters.ts";
import { pipelineHealth } from "../scripts/health/pipeline-health.ts";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { dropNamespace } from "./cluster.ts";
import { as, NODE, otherCa, refusal, run, SCRATCH, SECURE, secureNamespace } from "./secure-kit.ts";

let cfg: Config;
let wrongCa: string;
beforeAll(async () => {
  if (!SECURE) return;
  cfg = await secureNamespace("acls");
  wrongCa = await otherCa("acls");
});
afterAll(async () => {
  if (SECURE && cfg) await dropNamespace(cfg);
});

async function produce(c: Config, topic: string) {
  const p = kafkaClient(c, "test-locks").producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await p.connect();
  try {
    await p.send({ topic, acks: -1, messages: [{ key: "lock", value: "test" }] });
  } finally {
    await p.disconnect();
  }
}
async function offsets(c: Config, topic: string) {
  const admin = kafkaClient(c, "test-locks").admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
}
async function groupOffsets(c: Config, groupId: string) {
  const admin = kafkaClient(c, "test-locks").admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    // a new cluster's group coordinator answers NOT_COORDINATOR until its offsets topic is loaded: wait for it
    for (let i = 0; ; i++) {
      try {
        return await admin.fetchOffsets({ groupId });
      } catch (e) {
        if (!(e as { retriable?: boolean }).retriable || i >= 40) throw e;
        await Bun.sleep(500);
      }
    }
  } finally {
    await admin.disconnect();
  }
}
const rawKafka = (opts: { ssl?: object; sasl?: object; port?: number }) =>
  new Kafka({
    clientId: "test-locks",
    brokers: [`${NODE}:${opts.port ?? 9092}`],
    connectionTimeout: 3000,
    retry: { retries: 0 },
    logLevel: process.env.KDEBUG ? logLevel.DEBUG : logLevel.NOTHING,
    ssl: opts.ssl as never,
    sasl: opts.sasl as never,
  });
const connectAdmin = async (k: Kafka) => {
  const admin = k.admin({ retry: { retries: 0 } });
  await admin.connect();
  await admin.listTopics().finally(() => admin.disconnect());
};

describe.skipIf(!SECURE)("Kafka ACLs", () => {
  test("a producer writes its source topic, and cannot write a bolt's topic", async () => {
    const t = topicsOf(cfg);
    await produce(as(cfg, "producer-bpi"), t.bpi);
    expect(await refusal(produce(as(cfg, "producer-bpi"), t.volumeUpdates))).toMatch(/AUTHORIZATION/i);
    expect(await refusal(produce(as(cfg, "producer-blockchain"), t.deadLetters))).toMatch(/AUTHORIZATION/i);
    expect(await refusal(produce(as(cfg, "producer-bpi"), t.transactions))).toMatch(/AUTHORIZATION/i);
  });

  test("a bolt reads its input and writes its outputs only, in its own consumer group", async () => {
    const t = topicsOf(cfg);
    const volume = as(cfg, "bolt-volume");
    expect((await offsets(volume, t.volumeUpdates)).length).toBe(cfg.kafka.partitions);
    await produce(volume, t.deadLetters);
    expect(await refusal(offsets(volume, t.bpi))).toMatch(/AUTHORIZATION/i);
    expect(await refusal(produce(volume, t.minerUpdates))).toMatch(/AUTHORIZATION/i);
    expect(await refusal(produce(as(cfg, "bolt-transactions"), t.transactions))).toMatch(/AUTHORIZATION/i);
    await groupOffsets(volume, `${cfg.namespace}-btc-volume`);
    // kafkajs reports the refused FindCoordinator (GROUP_AUTHORIZATION_FAILED) as "Failed to find group
    // coordinator"; the super user finds the same group's coordinator, so the difference is the ACL
    await groupOffsets(as(cfg, "setup"), `${cfg.namespace}-btc-prices`);
    expect(await refusal(groupOffsets(volume, `${cfg.namespace}-btc-prices`))).toMatch(/AUTHORIZATION|coordinator/i);
  });

  test("the status tool and the dashboard read offsets and the dead letters, and write nothing", async () => {
    const t = topicsOf(cfg);
    await produce(as(cfg, "bolt-volume"), t.deadLetters);
    for (const who of ["status", "dashboard"]) {
      expect((await offsets(as(cfg, who), t.deadLetters)).length).toBe(cfg.kafka.partitions);
      expect(await refusal(produce(as(cfg, who), t.bpi))).toMatch(/AUTHORIZATION/i);
      // the dead letters per bolt: read through the reader's own group (health/dead-letters.ts)
      const deadLetters = { reader: who, tally: emptyTally(t.deadLetters) };
      const h = await pipelineHealth(as(cfg, who), { timeoutMs: 10_000, deadLetters });
      expect(h.deadLetterBolts?.unread).toBe(0);
      expect(h.deadLetterBolts?.bolts.reduce((n, b) => n + b.count, 0)).toBe(h.deadLetters!);
    }
  });

  test("make status logs Kafka's quorum tool in as `status` over TLS, through a private file it removes", async () => {
    const tmp = mkdtempSync(`${SCRATCH}/status-tmp-`);
    const r = await run(["bun", "scripts/setup/status.ts"], {
      BTC_NAMESPACE: cfg.namespace,
      BTC_IDENTITY: "status",
      TMPDIR: tmp,
    });
    expect(r.out).toMatch(/KRaft quorum: leader 1, epoch \d+, voters 1, max follower lag/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test("no credentials, a wrong password, another CA, plain text: refused; the KRaft listener wants the node certificate", async () => {
    const ca = { ca: [readFileSync(`${cfg.secrets}/ca.crt`, "utf8")] };
    const pw = readFileSync(`${cfg.secrets}/kafka/setup`, "utf8").trim();
    // a new object each time: kafkajs keeps its authenticator (and so the password) on the object it is given
    const scram = (password = pw) => ({ mechanism: "scram-sha-512", username: "setup", password });
    await connectAdmin(rawKafka({ ssl: ca, sasl: scram() }));
    expect(await refusal(connectAdmin(rawKafka({ ssl: ca })))).toMatch(/closed/i);
    expect(await refusal(connectAdmin(rawKafka({ ssl: ca, sasl: scram("wrong") })))).toMatch(
      /SASL.*invalid credentials/i,
    );
    const other = { ca: [readFileSync(wrongCa, "utf8")] };
    expect(await refusal(connectAdmin(rawKafka({ ssl: other, sasl: scram() })))).toMatch(/certificate/i);
    expect(await refusal(connectAdmin(rawKafka({ sasl: scram() })))).toMatch(/closed/i);
    expect(await refusal(connectAdmin(rawKafka({})))).toMatch(/closed/i);
    expect(await refusal(connectAdmin(rawKafka({ ssl: ca, sasl: scram(), port: 19092 })))).toMatch(/BAD_CERTIFICATE/i);
  });
});
