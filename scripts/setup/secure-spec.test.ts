// The secure mode without a cluster: the ACLs follow the topics each bolt's header names; the roles give a bolt
// no index management; the configuration derives each program's identity, users, CA and https from BTC_SECURE and
// changes nothing when it is off; bin/env.sh refuses a non-loopback node without secure mode.

import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityOfScript, loadConfig, PROJECT_ROOT, topicsOf } from "../lib/config.ts";
import { realmFiles } from "./secure-es.ts";
import { BOLT_NAMES, esRoles, kafkaGrants } from "./secure-spec.ts";

test("each bolt's ACLs are the topics its header names: reads In, writes the others and the dead letters", () => {
  const base = topicsOf({ namespace: "" });
  const grants = kafkaGrants({ namespace: "" });
  for (const b of BOLT_NAMES) {
    const src = readFileSync(join(PROJECT_ROOT, `scripts/bolts/${b}.ts`), "utf8");
    const header = src.slice(0, src.indexOf("\nimport "));
    const inLine = header.split("\n").find((l) => l.startsWith("// In: "))!;
    const named = new Set([...header.matchAll(/p3-btc-[a-z-]+[a-z]/g)].map((m) => m[0]));
    const ins = [...inLine.matchAll(/p3-btc-[a-z-]+[a-z]/g)].map((m) => m[0]);
    const mine = grants.filter((g) => g.user === `bolt-${b}` && g.resource === "topic");
    expect(mine.filter((g) => g.operation === "read").map((g) => g.name)).toEqual(ins);
    expect(
      mine
        .filter((g) => g.operation === "write")
        .map((g) => g.name)
        .sort(),
    ).toEqual([...named].filter((t) => !ins.includes(t)).sort());
    expect(grants.filter((g) => g.user === `bolt-${b}` && g.resource === "group").map((g) => g.name)).toEqual([
      `btc-${b}`,
      `btc-${b}-rebuild`,
    ]);
  }
  const writers = (topic: string) =>
    grants.filter((g) => g.name === topic && g.operation === "write").map((g) => g.user);
  expect(writers(base.bpi)).toEqual(["producer-bpi"]);
  expect(writers(base.transactions)).toEqual(["producer-blockchain"]);
  for (const u of ["status", "dashboard"]) {
    expect(grants.filter((g) => g.user === u).map((g) => g.operation)).not.toContain("write");
    const reads = grants.filter((g) => g.user === u && g.operation === "read").map((g) => `${g.resource} ${g.name}`);
    expect(reads).toEqual([`topic ${base.deadLetters}`, `group btc-${u}-dead-letters`]);
  }
  const inNamespace = kafkaGrants({ namespace: "t-x" }).filter((g) => g.resource !== "cluster");
  expect(inNamespace.every((g) => g.name.startsWith("t-x-"))).toBe(true);
  // the one grant outside a namespace: make status's quorum line (Kafka's DescribeQuorum)
  expect(grants.filter((g) => g.resource === "cluster")).toEqual([
    { user: "status", resource: "cluster", name: "kafka-cluster", operation: "describe" },
  ]);
});

test("roles: bolts write documents, never manage indices; the dashboard and Kibana's reader only read", () => {
  const { roles, userRoles } = esRoles([""]);
  for (const b of BOLT_NAMES) {
    const privileges = roles[`btc-bolt-${b}`]!.indices.flatMap((i) => i.privileges);
    expect(privileges).not.toContain("manage");
    expect(privileges).not.toContain("all");
    expect(privileges).not.toContain("delete_index");
  }
  for (const r of ["btc-dashboard", "btc-kibana-reader", "btc-status"])
    expect(
      roles[r]!.indices.flatMap((i) => i.privileges).every((p) =>
        ["read", "monitor", "view_index_metadata"].includes(p),
      ),
    ).toBe(true);
  expect(userRoles["bolt-volume"]).toEqual(["btc-bolt-volume"]);
  // the generations behind the aliases (make rebuild writes them directly)
  expect(roles["btc-bolt-volume"]!.indices[0]!.names).toEqual(["btc-volume", "/btc-volume-g[0-9]+/"]);
  const files = realmFiles({ "bolt-volume": "pw" }, [""]);
  expect(files.users).toMatch(/^bolt-volume:\$2a\$10\$/);
  expect(files.users_roles).toBe("btc-bolt-volume:bolt-volume\n");
  expect(Bun.password.verifySync("pw", files.users.trim().split(":")[1]!.replace("$2a$", "$2b$"))).toBe(true);
});

/** Whether an Elasticsearch index name pattern (`*` wildcards, or a `/…/` Lucene regex) matches a name. */
function matches(pattern: string, name: string): boolean {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = pattern.startsWith("/")
    ? pattern.slice(1, -1).replace(/\\(.)/g, (_, c: string) => esc(c))
    : pattern.split("*").map(esc).join(".*");
  return new RegExp(`^(?:${re})$`).test(name);
}

test("roles are literal per namespace: nobody but setup reaches another namespace's indices", () => {
  const may = (roles: ReturnType<typeof esRoles>["roles"], role: string, privilege: string, index: string) =>
    roles[role]!.indices.some((g) => g.privileges.includes(privilege) && g.names.some((n) => matches(n, index)));
  const { roles } = esRoles(["t-x"]);
  for (const own of ["t-x-btc-volume", "t-x-btc-volume-g2", "t-x-btc-volume-g12"])
    expect(may(roles, "btc-bolt-volume", "write", own)).toBe(true);
  const others = ["t-y-btc-volume", "btc-volume", "btc-volume-g1", "t-y-btc-volume-g1", "t-x-btc-volume-gx"];
  for (const other of [...others, "a-t-x-btc-volume", "t-x-btc-volume-g1-evil"])
    expect(may(roles, "btc-bolt-volume", "write", other)).toBe(false);
  for (const [role, privilege] of [
    ["btc-dashboard", "read"],
    ["btc-status", "read"],
    ["btc-kibana-reader", "read"],
    ["btc-bolt-miners", "read"],
  ] as const) {
    expect(may(roles, role, privilege, "t-x-btc-miner")).toBe(true);
    expect(may(roles, role, privilege, "t-y-btc-miner")).toBe(false);
    expect(may(roles, role, privilege, "btc-miner-g1")).toBe(false);
  }
  const prod = esRoles([""]).roles;
  expect(may(prod, "btc-bolt-volume", "write", "btc-volume-g3")).toBe(true);
  expect(may(prod, "btc-bolt-volume", "write", "t-x-btc-volume")).toBe(false);
  const two = esRoles(["", "t-x"]).roles;
  expect(["btc-volume", "t-x-btc-volume-g1"].map((i) => may(two, "btc-bolt-volume", "write", i))).toEqual([true, true]);
  // setup creates every namespace's indices, as Kafka's super user setup creates its topics
  expect(may(prod, "btc-setup", "manage", "t-y-btc-volume-g1")).toBe(true);
});

test("configuration: secure mode gives each program its identity, users, CA and https; off, nothing changes", () => {
  expect(identityOfScript("/x/scripts/bolts/volume.ts")).toBe("bolt-volume");
  expect(identityOfScript("/x/scripts/producers/bpi.ts")).toBe("producer-bpi");
  expect(identityOfScript("/x/scripts/dashboard/server.ts")).toBe("dashboard");
  expect(identityOfScript("/x/scripts/setup/status.ts")).toBe("status");
  expect(identityOfScript("/x/scripts/setup/topics.ts")).toBe("setup");
  expect(identityOfScript("/x/scripts/setup/kibana-import.ts")).toBeUndefined();
  const off = loadConfig({ BTC_PROFILE: "small", BTC_IDENTITY: "bolt-volume" });
  expect(off.kafka.sasl).toBeUndefined();
  expect(off.kafka.caCert).toBeUndefined();
  expect([off.es.username, off.es.password, off.es.caCert]).toEqual([undefined, undefined, undefined]);
  expect(off.es.nodes).toEqual(["http://127.0.0.1:9200"]);
  expect(loadConfig({}).kafka.brokers).toEqual(["127.0.0.1:9092", "127.0.0.1:9093", "127.0.0.1:9094"]);
  const dir = mkdtempSync(join(tmpdir(), "secure-cfg-"));
  for (const s of ["kafka", "es"]) {
    mkdirSync(join(dir, s));
    writeFileSync(join(dir, s, "bolt-volume"), `${s}-pw\n`);
  }
  const on = loadConfig({ BTC_SECURE: "1", BTC_SECRETS: dir, BTC_IDENTITY: "bolt-volume", BTC_NODE_HOSTS: "h1,h2,h3" });
  expect(on.kafka.sasl).toEqual({ mechanism: "scram-sha-512", username: "bolt-volume", password: `${"kafka"}-pw` });
  expect(on.kafka.caCert).toBe(join(dir, "ca.crt"));
  expect(on.kafka.brokers).toEqual(["h1:9092", "h2:9093", "h3:9094"]);
  expect([on.es.username, on.es.password, on.es.caCert]).toEqual(["bolt-volume", "es-pw", join(dir, "ca.crt")]);
  expect(on.es.nodes).toEqual(["https://h1:9200", "https://h2:9201", "https://h3:9202"]);
  const explicit = loadConfig({ BTC_SECURE: "1", BTC_SECRETS: dir, KAFKA_USERNAME: "u", KAFKA_PASSWORD: "p" });
  expect(explicit.kafka.sasl?.username).toBe("u");
  expect(() => loadConfig({ BTC_SECURE: "yes" })).toThrow("BTC_SECURE");
});

test("bin/env.sh refuses a node on a non-loopback address without secure mode, and says how to turn it on", async () => {
  const sh = async (env: Record<string, string>) => {
    const p = Bun.spawn(["bash", "-c", `set -euo pipefail; . bin/env.sh; echo "sourced $(node_host 2)"`], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", BTC_VAR: tmpdir(), ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    return { code: await p.exited, out, err };
  };
  const refused = await sh({ BTC_NODE_HOSTS: "10.0.0.5" });
  expect(refused.code).toBe(1);
  expect(refused.err).toContain("BTC_SECURE=1 make setup");
  expect(refused.err).toContain("docs/security.md");
  expect((await sh({})).out).toContain("sourced 127.0.0.1");
  expect((await sh({ BTC_NODE_HOSTS: "127.0.0.1,localhost" })).out).toContain("sourced localhost");
  expect((await sh({ BTC_NODE_HOSTS: "127.0.0.2,::1" })).out).toContain("sourced ::1");
  // addresses are checked, not names: a name that looks like 127.x, or an address out of range, is refused
  const names = ["127.0.0.1.nip.io", "127.evil.example", "127.0.0.300", "localhost.evil.example"];
  const rs = await Promise.all(names.map((h) => sh({ BTC_NODE_HOSTS: `127.0.0.1,${h}` })));
  for (const [i, h] of names.entries()) {
    expect({ h, code: rs[i]!.code }).toEqual({ h, code: 1 });
    expect(rs[i]!.err).toContain(`BTC_NODE_HOSTS has ${h}, not a loopback address`);
  }
  expect((await sh({ BTC_NODE_HOSTS: "10.0.0.5,10.0.0.6", BTC_SECURE: "1" })).out).toContain("sourced 10.0.0.6");
}, 30_000);
