// The launcher of the bin/kafka-* commands: what it adds to a tool's arguments, and the JVM options it takes from
// the environment as Kafka's own scripts do. (tests/kafka-commands-answer.test.ts runs every command.)

import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/config.ts";
import { javaToolCommand } from "../lib/kafka-tools.ts";
import { toolArguments } from "./kafka-tool.ts";

const BROKERS = ["127.0.0.1:9092", "127.0.0.1:9093"];

test("the profile's brokers are added unless the arguments name a bootstrap", () => {
  expect(toolArguments(["--list"], BROKERS, undefined)).toEqual([
    "--bootstrap-server",
    "127.0.0.1:9092,127.0.0.1:9093",
    "--list",
  ]);
  expect(toolArguments(["--bootstrap-server", "h:1", "--list"], BROKERS, undefined)).toEqual([
    "--bootstrap-server",
    "h:1",
    "--list",
  ]);
  expect(toolArguments(["--bootstrap-server=h:1"], BROKERS, undefined)).toEqual(["--bootstrap-server=h:1"]);
  expect(toolArguments(["--bootstrap-controller", "h:19092", "describe", "--status"], BROKERS, undefined)[0]).toBe(
    "--bootstrap-controller",
  );
});

test("the client properties file is added when there is one, unless --command-config is given", () => {
  expect(toolArguments(["--list"], BROKERS, "/tmp/x/client.properties")).toEqual([
    "--bootstrap-server",
    "127.0.0.1:9092,127.0.0.1:9093",
    "--command-config",
    "/tmp/x/client.properties",
    "--list",
  ]);
  expect(toolArguments(["--command-config", "mine", "--list"], BROKERS, "/tmp/x/p")).not.toContain("/tmp/x/p");
});

test("--help and --version get nothing added", () => {
  for (const a of ["--help", "-h", "--version"]) expect(toolArguments([a], BROKERS, "/p")).toEqual([a]);
});

test("KAFKA_HEAP_OPTS, KAFKA_LOG4J_OPTS and KAFKA_OPTS as in Kafka's kafka-run-class.sh", () => {
  const plain = javaToolCommand("C", ["--list"], { KAFKA_HOME: "/k" });
  expect(plain.slice(0, 2)).toEqual(["java", "-Xmx256M"]);
  expect(plain[2]).toMatch(/^-Dlog4j2\.configurationFile=.*config\/kafka-tools-log4j2\.yaml$/);
  expect(plain.slice(3)).toEqual(["-cp", "/k/libs/*", "C", "--list"]);
  const set = javaToolCommand("C", [], {
    KAFKA_HOME: "/k",
    KAFKA_HEAP_OPTS: "-Xms64m  -Xmx128m",
    KAFKA_LOG4J_OPTS: "-Dlog4j2.configurationFile=/mine.yaml",
    KAFKA_OPTS: "-Da=1 -Db=2",
  });
  expect(set).toEqual([
    "java",
    "-Xms64m",
    "-Xmx128m",
    "-Dlog4j2.configurationFile=/mine.yaml",
    "-Da=1",
    "-Db=2",
    "-cp",
    "/k/libs/*",
    "C",
  ]);
});

test("every bin/kafka-* named in the README, docs/ and the scripts exists; none names Kafka's missing *.sh", () => {
  const texts = [
    "README.md",
    ...readdirSync(join(PROJECT_ROOT, "docs")).map((f) => `docs/${f}`),
    ...readdirSync(join(PROJECT_ROOT, "scripts"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `scripts/${f}`),
  ].map((f) => [f, readFileSync(join(PROJECT_ROOT, f), "utf8")] as const);
  const missing: string[] = [];
  for (const [f, text] of texts) {
    for (const m of text.matchAll(/bin\/(kafka-[a-z-]+)(\.sh)?/g))
      if (!m[2] && !existsSync(join(PROJECT_ROOT, "bin", m[1]!))) missing.push(`${f}: bin/${m[1]}`);
    if (!f.startsWith("scripts/"))
      for (const m of text.matchAll(/`(kafka-[a-z-]+\.sh)\b/g)) missing.push(`${f}: ${m[1]} (not installed)`);
  }
  expect(missing).toEqual([]);
});
