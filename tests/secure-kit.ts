// Shared by tests/secure-*.test.ts: the secure clusters started by tests/run-secure.sh (BTC_SECURE=1, profile
// small, Kafka and Elasticsearch in network namespace SECURE_TEST_DATA_NS at 10.251.0.1, the tests in
// SECURE_TEST_OPS_NS, another "host" in SECURE_TEST_APP_NS), configurations per identity, and child processes
// started in another namespace with their own environment file. Outside run-secure.sh the tests skip.

import { mkdirSync, openSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, indicesOf, loadConfig } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { writeRealm } from "../scripts/setup/secure-es.ts";
import { ensureAcls } from "../scripts/setup/secure-kafka.ts";
import { envOf, freshNamespace, ROOT } from "./cluster.ts";

export const DATA_NS = process.env.SECURE_TEST_DATA_NS ?? "";
export const APP_NS = process.env.SECURE_TEST_APP_NS ?? "";
export const SCRATCH = process.env.SECURE_TEST_SCRATCH ?? "";
/** true only inside tests/run-secure.sh */
export const SECURE = process.env.BTC_SECURE === "1" && APP_NS !== "" && DATA_NS !== "" && SCRATCH !== "";
export const NODE = "10.251.0.1";

/** A fresh namespace (topics, indices) created by `setup`, with its ACLs, and its Elasticsearch roles (literal per
 * namespace: the node's realm files rewritten with this namespace added, as `make secure-sync` does, and reloaded). */
export async function secureNamespace(name: string): Promise<Config> {
  const cfg = await freshNamespace(name, { BTC_IDENTITY: "setup" });
  await ensureAcls(cfg);
  writeRealm(`${SCRATCH}/es/data/small/es-1/config`, cfg.secrets, cfg.namespace);
  const bolt = esClient(as(cfg, "bolt-volume"));
  const index = [{ names: [indicesOf(cfg).volume], privileges: ["write" as const] }];
  for (const until = Date.now() + 30_000; ; await Bun.sleep(500)) {
    if ((await bolt.security.hasPrivileges({ index })).has_all_requested) return cfg;
    if (Date.now() > until) throw new Error(`the node did not reload its roles for ${cfg.namespace} within 30 s`);
  }
}

/** The configuration of `identity` (its own user and password) in a namespace; `extra` overrides variables. */
export function as(cfg: Config, identity: string, extra: Record<string, string> = {}): Config {
  return loadConfig(envOf(cfg.namespace, { BTC_IDENTITY: identity, ...extra }));
}

/** Run a command in a network namespace with exactly `env` (plus PATH), logging to test-artifacts/<log>.log. */
export function spawnIn(netns: string, cmd: string[], env: Record<string, string>, log: string): Subprocess {
  mkdirSync(`${ROOT}/test-artifacts`, { recursive: true });
  const out = openSync(`${ROOT}/test-artifacts/${log}.log`, "a");
  return Bun.spawn(["ip", "netns", "exec", netns, ...cmd], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
    stdout: out,
    stderr: out,
  });
}

/** A CA the nodes do not know (a self-signed certificate made for the test), as a PEM file path. */
export async function otherCa(name: string): Promise<string> {
  const file = `${SCRATCH}/${name}-ca.crt`;
  const r = await run(
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other"].concat([
      "-keyout",
      `${SCRATCH}/${name}-ca.key`,
      "-out",
      file,
    ]),
  );
  if (r.code !== 0) throw new Error(`openssl: ${r.err}`);
  return file;
}

/** Run a command to its end; its exit code and output. */
export async function run(cmd: string[], env: Record<string, string> = {}) {
  const p = Bun.spawn(cmd, {
    cwd: ROOT,
    env: { ...process.env, ...env } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const x = e as { type?: string; message?: string; meta?: { statusCode?: number }; name?: string };
    return [x.name, x.type, x.meta?.statusCode, x.message].filter((v) => v !== undefined).join(" ");
  }
  throw new Error("expected a refusal, but it succeeded");
}
