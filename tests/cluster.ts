// Shared by the integration tests: the running clusters (started by tests/run-integration.sh, profile full),
// and a fresh namespace per test file (its own topics, indices and consumer groups), dropped at the end.

import { type Config, loadConfig, PROJECT_ROOT, topicsOf } from "../scripts/lib/config.ts";
import { kafkaClient } from "../scripts/lib/kafka.ts";
import { dropIndices, ensureIndices } from "../scripts/setup/indices.ts";
import { ensureTopics } from "../scripts/setup/topics.ts";

export const ROOT = PROJECT_ROOT;

/** The environment of a namespace: give it to child processes (bolts, producers) started by a test. */
export function envOf(namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(process.env as Record<string, string>), BTC_NAMESPACE: namespace, LOG_LEVEL: "info", ...extra };
}

/** A new namespace with its topics and indices created; `name` says which test owns it. */
export async function freshNamespace(name: string, extra: Record<string, string> = {}): Promise<Config> {
  const ns = `t-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const cfg = loadConfig(envOf(ns, extra));
  await ensureTopics(cfg);
  await ensureIndices(cfg);
  await topicsAnswer(cfg);
  return cfg;
}

/** Until every topic of the namespace answers its offsets (a new topic reaches every broker's metadata a moment
 * after it is created: before that, make status rightly says "unknown", which is not what a test wants to start
 * from). */
export async function topicsAnswer(cfg: Config, timeoutMs = 30_000): Promise<void> {
  const admin = kafkaClient(cfg, "test-ready").admin();
  await admin.connect();
  try {
    for (const topic of Object.values(topicsOf(cfg)))
      for (const t0 = Date.now(); ; await Bun.sleep(200)) {
        const parts = await admin.fetchTopicOffsets(topic).catch(() => []);
        if (parts.length > 0) break;
        if (Date.now() - t0 > timeoutMs) throw new Error(`${topic}: no offsets after ${timeoutMs} ms`);
      }
  } finally {
    await admin.disconnect();
  }
}

/** Delete a namespace's topics and indices. */
export async function dropNamespace(cfg: Config): Promise<void> {
  if (!cfg.namespace) throw new Error("refusing to drop the production namespace");
  const admin = kafkaClient(cfg, "test-drop").admin();
  await admin.connect();
  // a failed delete leaves the topics on the cluster, where they cost the brokers on every send (docs/bench.md,
  // "A clean cluster"): said, not hidden; the test's own result stands either way
  await admin
    .deleteTopics({ topics: Object.values(topicsOf(cfg)) })
    .catch((e) => console.warn(`namespace ${cfg.namespace}: its topics were not deleted: ${e}`));
  await admin.disconnect();
  await dropIndices(cfg).catch(() => {}); // every generation behind the aliases
}
