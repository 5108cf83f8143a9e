// Kafka's own commands are at hand: every bin/kafka-* wrapper (bin/kafka-run-class, scripts/setup/kafka-tool.ts)
// starts its tool from the installed jars (its --help is the tool's usage, not a missing class), and the read-only
// ones answer from the running cluster with the profile's brokers added (no --bootstrap-server given).

import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cluster.ts";

const WRAPPERS = readdirSync(join(ROOT, "bin"))
  .filter((f) => f.startsWith("kafka-") && f !== "kafka-node" && f !== "kafka-run-class")
  .sort();

function run(cmd: string, ...args: string[]) {
  const r = Bun.spawnSync([join(ROOT, "bin", cmd), ...args], { cwd: ROOT, env: process.env });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("the wrappers are those the README and the messages name", () => {
  expect(WRAPPERS).toEqual([
    "kafka-acls",
    "kafka-configs",
    "kafka-console-consumer",
    "kafka-consumer-groups",
    "kafka-consumer-perf-test",
    "kafka-features",
    "kafka-get-offsets",
    "kafka-metadata-quorum",
    "kafka-producer-perf-test",
    "kafka-reassign-partitions",
    "kafka-topics",
  ]);
});

describe("--help: the tool's own usage", () => {
  for (const w of WRAPPERS)
    test(w, () => {
      const r = run(w, "--help");
      const text = r.out + r.err;
      expect(text).not.toContain("ClassNotFoundException");
      expect(text).toContain("--bootstrap-server");
    }, 120_000);
});

describe("read-only calls answer from the running cluster", () => {
  test("kafka-topics --list", () => {
    const r = run("kafka-topics", "--list");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out.split("\n")).toContain("__consumer_offsets");
  }, 120_000);
  test("kafka-topics --describe", () => {
    const r = run("kafka-topics", "--describe", "--topic", "__consumer_offsets");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/Topic: __consumer_offsets\s+TopicId/);
  }, 120_000);
  test("kafka-metadata-quorum describe --status", () => {
    const r = run("kafka-metadata-quorum", "describe", "--status");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/LeaderId:\s+\d/);
  }, 120_000);
  test("kafka-features describe", () => {
    const r = run("kafka-features", "describe");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/Feature: metadata\.version.*FinalizedVersionLevel/);
  }, 120_000);
  test("kafka-configs --describe of broker 1", () => {
    const r = run("kafka-configs", "--entity-type", "brokers", "--entity-name", "1", "--describe");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain("configs for broker 1 are");
  }, 120_000);
  test("kafka-consumer-groups --list", () => {
    expect(run("kafka-consumer-groups", "--list")).toMatchObject({ code: 0 });
  }, 120_000);
  test("kafka-get-offsets of __consumer_offsets", () => {
    const r = run("kafka-get-offsets", "--topic", "__consumer_offsets", "--time", "earliest");
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/^__consumer_offsets:0:\d+$/m);
  }, 120_000);
  test("kafka-acls --list reaches the brokers (plain mode: no authorizer; secure mode: the ACLs)", () => {
    const r = run("kafka-acls", "--list");
    expect(r.out + r.err).toMatch(/No Authorizer is configured|Current ACLs for resource/);
  }, 120_000);
});
