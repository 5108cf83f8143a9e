// One private Kafka broker (+ its KRaft controller, replication 1) for the tests that must fault Kafka (freeze it
// with SIGSTOP): never one of the shared brokers. Free ports above 19000 (broker and controller), data and log in a
// temporary folder (/tmp/btc-private-broker-<time>), config/kafka.properties filled as bin/kafka-node fills it
// (scripts/evaluations/kafka-private-cluster.ts nodeProperties). The process is a child of the test, signalled by
// its own pid; stop() continues, terminates and removes it, whatever state it is in.

import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { Kafka, logLevel } from "kafkajs";
import { kafkaHome } from "../scripts/bench/bench-kafka-tools.ts";
import { nodeProperties } from "../scripts/evaluations/kafka-private-cluster.ts";
import { PROJECT_ROOT } from "../scripts/lib/config.ts";

/** A TCP port nobody listens on now, at or above `from`. */
export async function freePort(from: number, to = from + 800): Promise<number> {
  for (let p = from; p < to; p++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

export class PrivateBroker {
  readonly root = `/tmp/btc-private-broker-${Date.now().toString(36)}`;
  private proc: Subprocess | undefined;
  port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Format and start the broker; resolves once it answers (or throws after `ms`, with its log's tail). */
  async start(ms = 120_000): Promise<void> {
    this.port = await freePort(19500 + Math.floor(Math.random() * 400));
    const cport = await freePort(this.port + 1);
    mkdirSync(this.root, { recursive: true });
    const template = readFileSync(join(PROJECT_ROOT, "config/kafka.properties"), "utf8")
      .replaceAll("@RF@", "1")
      .replaceAll("@ISR@", "1");
    const props = join(this.root, "broker.properties");
    const voters = `1@127.0.0.1:${cport}`;
    writeFileSync(props, nodeProperties(template, { id: 1, port: this.port, cport, voters, logDir: this.logDir }));
    const cp = `${kafkaHome()}/libs/*`;
    const java = ["java", "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"];
    java.push(`-Dlog4j2.configurationFile=${PROJECT_ROOT}/config/kafka-log4j2.yaml`, "-cp", cp);
    const id = Buffer.from("btc-private-one1").toString("base64url");
    const f = Bun.spawnSync([...java, "kafka.tools.StorageTool", "format", "-t", id, "-c", props], { stderr: "pipe" });
    if (f.exitCode !== 0) throw new Error(`format: ${f.stderr.toString().slice(-500)}`);
    const out = openSync(join(this.root, "node.log"), "a");
    this.proc = Bun.spawn([...java, "kafka.Kafka", props], { stdout: out, stderr: out });
    const admin = new Kafka({ clientId: "private-check", brokers: [this.address], logLevel: logLevel.NOTHING }).admin();
    try {
      for (const until = Date.now() + ms; ; await Bun.sleep(500)) {
        const up = await admin
          .connect()
          .then(() => admin.describeCluster())
          .then((c) => c.brokers.length === 1)
          .catch(() => false);
        if (up) return;
        if (Date.now() > until || this.proc.exitCode !== null)
          throw new Error(`private broker not up: ${readFileSync(join(this.root, "node.log"), "utf8").slice(-800)}`);
      }
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  get logDir(): string {
    return join(this.root, "logs");
  }

  freeze(): void {
    if (this.proc?.pid && this.proc.exitCode === null) process.kill(this.proc.pid, "SIGSTOP");
  }

  thaw(): void {
    if (this.proc?.pid && this.proc.exitCode === null) process.kill(this.proc.pid, "SIGCONT");
  }

  /** Continue, terminate (SIGKILL after 10 s), and delete its data. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      this.thaw();
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
      await p.exited;
      clearTimeout(timer);
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
