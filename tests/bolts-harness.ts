// Shared by the bolts' integration tests: the golden capture, its expected figures computed independently of the
// bolts' code (plain loops over the capture), the bolts as child processes, and reading the figures back.

import { createHash } from "node:crypto";
import { mkdirSync, openSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { actualFigures, differences } from "../scripts/reference/figures.ts";
import { type Figures, referenceFigures } from "../scripts/reference/reference-figures.ts";
import { envOf, ROOT } from "./cluster.ts";
import { readCaptureFile } from "./publish-capture.ts";

export const GOLDEN = `${ROOT}/tests/fixtures/golden.jsonl`;
export const BOLTS = ["prices", "transactions", "blocks", "volume", "miners"] as const;
export type BoltName = (typeof BOLTS)[number];
/** Fast failure detection for killed bolts (a dead member holds its partitions for a session timeout). */
export const TEST_BOLT_ENV = {
  BOLT_SESSION_TIMEOUT_MS: "8000",
  BOLT_RETRY_MAX_MS: "1000",
  BOLT_STALL_TIMEOUT_MS: "120000",
};

const HOSTILE = "<img src=x onerror=alert(1)>";
const label = (l: string) => createHash("sha256").update(l).digest("hex");
/** The miner each block of the golden capture must be credited to (by label), stated by hand. */
const MINERS: Record<string, string> = {
  A: "Foundry USA",
  B1: "AntPool",
  B2: "F2Pool",
  C: "ViaBTC",
  D: HOSTILE,
  E: "Unknown",
  X1: "AntPool",
  X2: "Foundry USA",
  Y: "ViaBTC",
};
const minerByHash = new Map(Object.entries(MINERS).map(([l, m]) => [label(l), m]));

/** The figures the golden capture must give, and how many records each source topic must dead-letter. */
export function expectedFigures(file = GOLDEN): Figures & { rejects: number } {
  return referenceFigures(readCaptureFile(file), (hash) => minerByHash.get(hash)!);
}

/** Poll until the figures equal the expected ones or the time is up; returns the last differences. */
export async function waitForFigures(cfg: Config, want: Figures, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let diff: string[] = ["not read yet"];
  while (Date.now() < until) {
    diff = differences(want, await actualFigures(cfg).catch(() => ({ volume: {}, miners: {}, pending: 1 })));
    if (diff.length === 0) return diff;
    await Bun.sleep(500);
  }
  return diff;
}

/** Start a bolt as a child process in a namespace; its log goes to test-artifacts/<ns>-<bolt>.log. */
export function spawnBolt(cfg: Config, name: BoltName, extra: Record<string, string> = {}): Subprocess {
  mkdirSync(`${ROOT}/test-artifacts`, { recursive: true });
  const out = openSync(`${ROOT}/test-artifacts/${cfg.namespace}-${name}.log`, "a");
  return Bun.spawn(["bun", `scripts/bolts/${name}.ts`], {
    cwd: ROOT,
    env: envOf(cfg.namespace, { ...TEST_BOLT_ENV, ...extra }),
    stdout: out,
    stderr: out,
  });
}

export type DeadLetter = { reason: string; topic: string; where: string; bolt: string; value: string };
/** How many distinct source records were dead-lettered (a record refused, then replayed after a crash before its
 * commit, is dead-lettered again: at-least-once). */
export const distinct = (dlq: DeadLetter[]) => new Set(dlq.map((d) => d.where)).size;

/** Every record of the namespace's dead-letter topic. */
export async function deadLetters(cfg: Config) {
  const topic = topicsOf(cfg).deadLetters;
  const kafka = kafkaClient(cfg, "test-dlq");
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const out: DeadLetter[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `${cfg.namespace}-test-dlq-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message: m }) => {
        const h = (n: string) => m.headers?.[n]?.toString() ?? "";
        out.push({
          reason: h("dlq-reason"),
          topic: h("dlq-topic"),
          where: `${h("dlq-topic")}/${h("dlq-partition")}/${h("dlq-offset")}`,
          bolt: h("dlq-bolt"),
          value: m.value?.toString() ?? "",
        });
        if (out.length >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

export { actualFigures, differences };
