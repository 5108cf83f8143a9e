// Shared by the producers' integration tests: start a producer as a child process, watch its log, and read a
// namespace's topics back from Kafka.

import type { IHeaders, KafkaMessage } from "kafkajs";
import type { Config } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { envOf, ROOT } from "./cluster.ts";

export type Child = { proc: ReturnType<typeof Bun.spawn>; lines: string[]; stop: () => Promise<number> };

/** Where a test's producer fetches block details and the tip unless told: nothing listens there (a test never
 * reaches the public sources; the live producer asks for the tip on each connection). */
const NO_API = { BLOCKCHAIN_API: "http://127.0.0.1:9", MEMPOOL_API: "http://127.0.0.1:9" };

/** Start scripts/producers/<name>.ts with the namespace's environment plus `extra`; its stdout lines are kept. */
export function startProducer(name: "bpi" | "blockchain", cfg: Config, extra: Record<string, string>): Child {
  const proc = Bun.spawn(["bun", `scripts/producers/${name}.ts`], {
    cwd: ROOT,
    env: envOf(cfg.namespace, { ...NO_API, ...extra }),
    stdout: "pipe",
    stderr: "inherit",
  });
  const lines: string[] = [];
  void (async () => {
    let rest = "";
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString("utf8");
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      lines.push(...parts);
      if (process.env.SHOW_CHILD_LOGS) for (const p of parts) console.log(`[${name}] ${p}`);
    }
  })();
  const stop = async () => {
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 12_000);
    const code = await proc.exited;
    clearTimeout(t);
    return code;
  };
  return { proc, lines, stop };
}

/** Wait until `ok()` holds, polling, or throw after `ms` with `what`. */
export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await Bun.sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export type Rec = {
  partition: number;
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
};

const text = (h: IHeaders) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));

/** Every record of a topic (from the start), once at least `atLeast` arrived or after `ms`. */
export async function readTopic(cfg: Config, topic: string, atLeast: number, ms = 30_000): Promise<Rec[]> {
  const kafka = kafkaClient(cfg, `test-read-${Math.random().toString(36).slice(2)}`);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `test-read-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 200 });
  const out: Rec[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const high = offsets.reduce((a, o) => a + Number(o.high), 0);
  await consumer.run({
    eachMessage: async ({ partition, message: m }: { partition: number; message: KafkaMessage }) => {
      out.push({
        partition,
        offset: m.offset,
        key: m.key?.toString() ?? "",
        value: m.value ?? Buffer.alloc(0),
        headers: text(m.headers ?? {}),
        timestamp: m.timestamp,
      });
    },
  });
  const end = Date.now() + ms;
  while (Date.now() < end && (out.length < atLeast || out.length < high)) await Bun.sleep(200);
  await consumer.disconnect();
  return out;
}
