// Secure mode (tests/run-secure.sh): no password ever appears on a command line, which every local account can read
// in /proc/<pid>/cmdline. While bin/kafka-node formats a new broker's storage with every SCRAM user (the `broker`
// and `setup` super users included) and while `make secure-sync` sets SCRAM credentials through Kafka's configs
// tool, every process's command line is sampled every 20 ms: none holds any password of BTC_SECRETS, the Java
// tools were seen running, and the files that carried their arguments (0600) are gone afterwards.

import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../scripts/lib/config.ts";
import { ES_USERS, KAFKA_USERS } from "../scripts/setup/secure-spec.ts";
import { run, SCRATCH, SECURE } from "./secure-kit.ts";

const cmdlines = () =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((pid) => {
      try {
        return [pid, readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")] as const;
      } catch {
        return [pid, ""] as const;
      }
    });

/** Sample every command line until stopped: those holding a password, and the Java tool runs seen (by pid). */
function sampler(passwords: string[], tool: RegExp) {
  const leaks = new Set<string>();
  const tools = new Set<string>();
  const timer = setInterval(() => {
    for (const [pid, c] of cmdlines()) {
      if (passwords.some((p) => c.includes(p))) leaks.add(c.slice(0, 300));
      if (c.startsWith("java ") && tool.test(c)) tools.add(pid);
    }
  }, 20);
  return { stop: () => clearInterval(timer), leaks, tools };
}

const secrets = SECURE ? loadConfig(process.env).secrets : "";
const passwords = () =>
  [...KAFKA_USERS.map((u) => `kafka/${u}`), ...ES_USERS.map((u) => `es/${u}`)].map((f) =>
    readFileSync(join(secrets, f), "utf8").trim(),
  );
const ARGS = /@\S*\.java-args-|kafka\.tools\.StorageTool|ConfigCommand/;
const scratch = `${SCRATCH}/cmdline`;

describe.skipIf(!SECURE)("passwords stay off command lines", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("bin/kafka-node formatting a new storage with every SCRAM user", async () => {
    const s = sampler(passwords(), ARGS);
    // A broker of its own data folder: it formats, then cannot listen on 10.251.0.1 from this namespace and stops.
    const p = Bun.spawn(["bin/kafka-node", "9092"], {
      env: { ...process.env, BTC_VAR: `${scratch}/var`, KAFKA_HEAP: "128m" } as Record<string, string>,
      stdout: "pipe",
      stderr: "pipe",
    });
    const dir = `${scratch}/var/data/small/kafka-9092`;
    const until = Date.now() + 120_000;
    while (!existsSync(`${dir}/logs/.btc-secure`) && p.exitCode === null && Date.now() < until) await Bun.sleep(100);
    p.kill("SIGKILL");
    await p.exited;
    s.stop();
    expect(existsSync(`${dir}/logs/meta.properties`)).toBe(true);
    expect([...s.leaks]).toEqual([]);
    expect(s.tools.size).toBeGreaterThanOrEqual(1);
    expect(readdirSync(dir).filter((f) => f.startsWith(".java-args-"))).toEqual([]);
  });

  test("make secure-sync setting SCRAM credentials (setup's as broker, another user's as setup)", async () => {
    const copy = `${scratch}/secrets`;
    cpSync(secrets, copy, { recursive: true });
    writeFileSync(`${copy}/.synced`, "");
    const later = new Date(Date.now() + 5000);
    for (const u of ["setup", "bolt-volume"]) utimesSync(`${copy}/kafka/${u}`, later, later);
    const s = sampler(passwords(), ARGS);
    const r = await run(["bash", "scripts/setup/secure-sync.sh"], { BTC_SECRETS: copy });
    s.stop();
    if (r.code !== 0) console.error(r.out, r.err);
    expect(r.code).toBe(0);
    expect(r.out.match(/Completed/g)?.length).toBe(2);
    expect([...s.leaks]).toEqual([]);
    expect(s.tools.size).toBeGreaterThanOrEqual(2);
    expect(readdirSync(copy).filter((f) => f.startsWith(".java-args-") || f.startsWith(".client-"))).toEqual([]);
  });
});
