// Secure mode (tests/run-secure.sh): the secrets are generated, never committed, and readable by their owner only.
// - certs.sh and secure-secrets.ts create a CA, a node certificate signed by it and one password per user into an
//   empty folder (folders 0700, files 0600), and a second run changes nothing;
// - in the running stage, every file of BTC_SECRETS, the broker's properties (its password) and the node's
//   realm files, TLS key and configuration are 0600;
// - the default secrets folder (var/secrets) is ignored by git, and no tracked file holds a password or a key.

import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../scripts/lib/config.ts";
import { ES_USERS, KAFKA_USERS } from "../scripts/setup/secure-spec.ts";
import { run, SCRATCH, SECURE } from "./secure-kit.ts";

/** Every file and folder under `dir`, with its mode (octal text). */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { ".": (statSync(dir).mode & 0o777).toString(8) };
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length + 1)] = (statSync(p).mode & 0o777).toString(8);
  }
  return out;
}
const expectPrivate = (m: Record<string, string>) => {
  for (const [p, mode] of Object.entries(m)) expect(`${p} ${mode}`).toMatch(/ (600|700)$/);
};
const digest = (dir: string) =>
  Object.fromEntries(
    Object.keys(modes(dir))
      .filter((p) => p !== "." && statSync(join(dir, p)).isFile())
      .map((p) => [p, Bun.hash(readFileSync(join(dir, p))).toString()]),
  );

describe.skipIf(!SECURE)("secrets", () => {
  test("generated into an empty folder, private, and kept as they are by a second run", async () => {
    const dir = `${SCRATCH}/fresh-secrets`;
    const env = { BTC_SECRETS: dir, BTC_NODE_HOSTS: "10.251.0.1,node2.example" };
    for (const cmd of [
      ["bash", "scripts/setup/certs.sh"],
      ["bun", "scripts/setup/secure-secrets.ts"],
    ])
      expect((await run(cmd, env)).code).toBe(0);
    const m = modes(dir);
    expectPrivate(m);
    for (const f of ["ca.crt", "ca.key", "node.crt", "node.key", "node.pem"]) expect(m[f]).toBe("600");
    for (const u of KAFKA_USERS) expect(m[`kafka/${u}`]).toBe("600");
    for (const u of ES_USERS) expect(m[`es/${u}`]).toBe("600");
    const pws = [...KAFKA_USERS.map((u) => `kafka/${u}`), ...ES_USERS.map((u) => `es/${u}`)].map((f) =>
      readFileSync(join(dir, f), "utf8").trim(),
    );
    for (const p of pws) expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(pws).size).toBe(pws.length);
    const verify = await run(["openssl", "verify", "-CAfile", `${dir}/ca.crt`, `${dir}/node.crt`]);
    expect(verify.out).toContain("OK");
    const san = await run(["openssl", "x509", "-in", `${dir}/node.crt`, "-noout", "-ext", "subjectAltName"]);
    expect(san.out).toContain("IP Address:10.251.0.1");
    expect(san.out).toContain("DNS:node2.example");
    const before = digest(dir);
    for (const cmd of [
      ["bash", "scripts/setup/certs.sh"],
      ["bun", "scripts/setup/secure-secrets.ts"],
    ])
      expect((await run(cmd, env)).code).toBe(0);
    expect(digest(dir)).toEqual(before);
  });

  test("the running stage's secrets, the broker's properties and the node's realm are 0600", () => {
    const secrets = loadConfig(process.env).secrets;
    expectPrivate(modes(secrets));
    expect(modes(`${SCRATCH}/var/data/small/kafka-9092`)["server.properties"]).toBe("600");
    expect(readFileSync(`${SCRATCH}/var/data/small/kafka-9092/server.properties`, "utf8")).toContain(
      readFileSync(`${secrets}/kafka/broker`, "utf8").trim(),
    );
    const conf = modes(`${SCRATCH}/es/data/small/es-1/config`);
    for (const f of ["users", "users_roles", "roles.yml", "elasticsearch.yml", "certs/node.key", "certs/ca.crt"])
      expect(`${f} ${conf[f]}`).toBe(`${f} 600`);
  });

  test("never committed: var/secrets is ignored by git, and no tracked file holds a password or a key", async () => {
    expect((await run(["git", "check-ignore", "-q", "var/secrets/kafka/setup"])).code).toBe(0);
    const tracked = (await run(["git", "ls-files"])).out.split("\n");
    expect(tracked.filter((f) => /(^var\/|secrets\/|\.key$|\.pem$)/.test(f))).toEqual([]);
    const secrets = loadConfig(process.env).secrets;
    const words = [...KAFKA_USERS.map((u) => `kafka/${u}`), ...ES_USERS.map((u) => `es/${u}`)].map((f) =>
      readFileSync(join(secrets, f), "utf8").trim(),
    );
    const key = readFileSync(`${secrets}/node.key`, "utf8").split("\n")[1]!;
    const grep = await run(["git", "grep", "-l", "-F", ...[...words, key].flatMap((w) => ["-e", w])]);
    expect(grep.out.trim()).toBe("");
    expect(grep.code).toBe(1);
  });
});
