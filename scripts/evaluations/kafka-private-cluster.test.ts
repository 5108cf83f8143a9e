import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/config.ts";
import { configWarnings, nodeProperties, votersOf } from "./kafka-private-cluster.ts";

test("a private node's properties are config/kafka.properties with every field filled, as bin/kafka-node does", () => {
  const template = readFileSync(join(PROJECT_ROOT, "config/kafka.properties"), "utf8");
  const voters = votersOf([29092, 29093, 29094]);
  expect(voters).toBe("1@127.0.0.1:39092,2@127.0.0.1:39093,3@127.0.0.1:39094");
  const props = nodeProperties(template, { id: 2, port: 29093, cport: 39093, voters, logDir: "/tmp/x/n2/logs" });
  expect(props).not.toMatch(/@[A-Z]+@/);
  expect(props).toContain("node.id=2\n");
  expect(props).toContain("listeners=PLAINTEXT://127.0.0.1:29093,CONTROLLER://127.0.0.1:39093\n");
  expect(props).toContain(`controller.quorum.voters=${voters}\n`);
  expect(props).toContain("min.insync.replicas=2\n");
  expect(props).toContain("transaction.state.log.min.isr=2\n");
  expect(props).toContain("offsets.topic.replication.factor=3\n");
});

test("configuration warnings are picked out of a broker log", () => {
  const log = [
    "[2026-11-29 16:00:00,000] INFO KafkaConfig values: (org.apache.kafka.common.config.AbstractConfig)",
    "[2026-11-29 16:00:01,000] WARN The configuration 'foo.bar' was supplied but isn't a known config. (x)",
    "[2026-11-29 16:00:02,000] WARN Session expired (y)",
  ].join("\n");
  expect(configWarnings(log)).toEqual([log.split("\n")[1]!]);
});
