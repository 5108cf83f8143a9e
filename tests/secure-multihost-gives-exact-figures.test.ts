// Secure mode across hosts (tests/run-secure.sh): Kafka and Elasticsearch on host "data" (10.251.0.1, TLS listeners
// only), the transactions bolt and the blockchain producer on host "app" (10.251.0.2, its own network namespace,
// its own environment file and a secrets folder holding only the CA and its two programs' passwords), the other
// bolts and the price producer on host "ops" (10.251.0.3). The producers replay the golden capture; the figures in
// Elasticsearch are exactly those computed from the capture, and host "app" talked only to the TLS ports.

import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, expectedFigures, GOLDEN, spawnBolt, TEST_BOLT_ENV, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace } from "./cluster.ts";
import { type Child, startProducer, waitFor } from "./producers-kit.ts";
import { APP_NS, NODE, run, SCRATCH, SECURE, secureNamespace, spawnIn } from "./secure-kit.ts";

let cfg: Config | undefined;
const procs: Subprocess[] = [];
const producers: Child[] = [];
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  for (const p of producers) p.proc.kill("SIGKILL");
  if (cfg) await dropNamespace(cfg);
});

/** Host "app": a secrets folder with only what its programs need, and its environment file. */
function appHost(c: Config): { env: string; secrets: string } {
  const secrets = `${SCRATCH}/app-secrets`;
  for (const d of ["", "/kafka", "/es"]) mkdirSync(`${secrets}${d}`, { recursive: true, mode: 0o700 });
  for (const f of ["ca.crt", "kafka/bolt-transactions", "kafka/producer-blockchain", "es/bolt-transactions"])
    copyFileSync(`${c.secrets}/${f}`, `${secrets}/${f}`);
  const env = `${SCRATCH}/app.env`;
  const vars = {
    BTC_SECURE: "1",
    BTC_PROFILE: "small",
    BTC_NODE_HOSTS: NODE,
    BTC_SECRETS: secrets,
    BTC_NAMESPACE: c.namespace,
    LOG_LEVEL: "info",
    ...TEST_BOLT_ENV,
  };
  writeFileSync(
    env,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  return { env, secrets };
}

/** The peers of host "app"'s established TCP connections. */
async function appPeers(): Promise<string[]> {
  const r = await run(["ip", "netns", "exec", APP_NS, "ss", "-tnH", "state", "established"]);
  return [...r.out.matchAll(/\s(\d+\.\d+\.\d+\.\d+:\d+)\s*$/gm)].map((m) => m[1]!);
}

describe.skipIf(!SECURE)("two hosts, TLS and own credentials", () => {
  test("a bolt and a producer on another host: the figures are exact", async () => {
    const c = await secureNamespace("multihost");
    cfg = c;
    const want = expectedFigures();
    const app = appHost(c);
    expect(readdirSync(`${app.secrets}/kafka`).sort()).toEqual(["bolt-transactions", "producer-blockchain"]);
    const started = Date.now();
    const onApp = (script: string, extra: Record<string, string> = {}) =>
      spawnIn(APP_NS, ["bun", `--env-file=${app.env}`, script], extra, `${c.namespace}-app-${script.split("/").pop()}`);
    procs.push(onApp("scripts/bolts/transactions.ts"));
    procs.push(
      onApp("scripts/producers/blockchain.ts", { SOURCE_MODE: "replay", REPLAY_FILE: GOLDEN, REPLAY_SPEED: "max" }),
    );
    for (const b of BOLTS.filter((x) => x !== "transactions")) procs.push(spawnBolt(c, b));
    const bpi = startProducer("bpi", c, { SOURCE_MODE: "replay", REPLAY_FILE: GOLDEN, REPLAY_SPEED: "max" });
    producers.push(bpi);
    await waitFor("the price producer's replay", () => bpi.lines.some((l) => l.includes("replay finished")), 60_000);

    const peers = new Set<string>();
    const sampler = setInterval(async () => {
      for (const p of await appPeers()) peers.add(p);
    }, 1000);
    const diff = await waitForFigures(c, want, 150_000).finally(() => clearInterval(sampler));
    for (const p of await appPeers()) peers.add(p);
    expect(diff).toEqual([]);
    console.log(`figures exact ${((Date.now() - started) / 1000).toFixed(1)} s after the programs started`);
    console.log(`host app's connections: ${[...peers].sort().join(", ")}`);
    expect(peers.has(`${NODE}:9092`)).toBe(true);
    for (const p of peers) expect([`${NODE}:9092`, `${NODE}:9200`]).toContain(p);
    for (const p of procs) expect(p.exitCode).toBeNull();
  });
});
