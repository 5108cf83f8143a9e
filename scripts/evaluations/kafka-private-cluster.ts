// A private 3-node KRaft cluster (each node broker + controller, as bin/kafka-node runs them) for the tools that
// freeze, kill or upgrade brokers: it never touches the platform's brokers. Ports 29092-29094 (controllers +10000),
// replication 3, min.insync.replicas 2, config/kafka.properties filled as bin/kafka-node fills it, data in a
// temporary folder (/tmp/btc-private-kraft-<time>, deleted by remove()), Kafka from a given install (its libs/).
// Every process is a child of the caller, signalled by its own pid; the configuration file is named
// broker.properties so that no pattern aimed at the platform's brokers (kafka-PORT/server.properties) matches it.
// No topics or environment of its own: the caller gives the Kafka install (default: kafkaHome(), i.e. KAFKA_HOME).

import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { Kafka, logLevel } from "kafkajs";
import { kafkaHome } from "../bench/bench-kafka-tools.ts";
import { run } from "../bench/bench-procs.ts";
import { PROJECT_ROOT } from "../lib/config.ts";

export type NodeSpec = { id: number; port: number; cport: number; voters: string; logDir: string };

/** One node's properties: config/kafka.properties with bin/kafka-node's substitutions (profile full). */
export function nodeProperties(template: string, n: NodeSpec, retentionHours = 720): string {
  return template
    .replaceAll("@ID@", String(n.id))
    .replaceAll("@PORT@", String(n.port))
    .replaceAll("@CPORT@", String(n.cport))
    .replaceAll("@VOTERS@", n.voters)
    .replaceAll("@LOGDIR@", n.logDir)
    .replaceAll("@RF@", "3")
    .replaceAll("@ISR@", "2")
    .replaceAll("@RETENTION@", String(retentionHours));
}

/** The static quorum of `ports`: id@127.0.0.1:port+10000, ids from 1. */
export function votersOf(ports: number[]): string {
  return ports.map((p, i) => `${i + 1}@127.0.0.1:${p + 10000}`).join(",");
}

/** Lines of the nodes' logs that say a configuration key is unknown, unused or deprecated. */
export function configWarnings(log: string): string[] {
  const re =
    /(WARN|ERROR).*(isn't a known config|not a known config|were supplied but|is deprecated|has been removed|no longer supported|unknown config)/i;
  return [...new Set(log.split("\n").filter((l) => re.test(l)))];
}

export class PrivateCluster {
  readonly root = `/tmp/btc-private-kraft-${Date.now().toString(36)}`;
  readonly ports: number[];
  private procs = new Map<number, Subprocess>();
  constructor(
    readonly home = kafkaHome(),
    basePort = 29092,
    private readonly heap = "384m",
  ) {
    this.ports = [basePort, basePort + 1, basePort + 2];
  }

  get brokers(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }
  dir = (i: number) => join(this.root, `n${i + 1}`);
  logOf = (i: number) => join(this.dir(i), "node.log");
  pid = (i: number) => this.procs.get(i)?.pid ?? 0;

  private java(cls: string, args: string[]): string[] {
    const opts = [`-Xms${this.heap}`, `-Xmx${this.heap}`, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"];
    opts.push("-Djava.awt.headless=true", `-Dlog4j2.configurationFile=${PROJECT_ROOT}/config/kafka-log4j2.yaml`);
    return ["java", ...opts, "-cp", `${this.home}/libs/*`, cls, ...args];
  }

  /** Write each node's properties and format its storage (one cluster id). */
  format(): void {
    const template = readFileSync(join(PROJECT_ROOT, "config/kafka.properties"), "utf8");
    const clusterId = Buffer.from("btc-private-kraf").toString("base64url");
    const voters = votersOf(this.ports);
    this.ports.forEach((port, i) => {
      mkdirSync(this.dir(i), { recursive: true });
      const props = join(this.dir(i), "broker.properties");
      const logDir = join(this.dir(i), "logs");
      writeFileSync(props, nodeProperties(template, { id: i + 1, port, cport: port + 10000, voters, logDir }));
      const args = ["format", "-t", clusterId, "-c", props, "--ignore-formatted"];
      const r = Bun.spawnSync(this.java("kafka.tools.StorageTool", args), { stdout: "pipe", stderr: "pipe" });
      if (r.exitCode !== 0) throw new Error(`StorageTool format of node ${i + 1}: ${r.stderr.toString().slice(-800)}`);
    });
  }

  /** Start node `i` (0-based) in the background, its output appended to its node.log. */
  start(i: number): void {
    const out = openSync(this.logOf(i), "a");
    const props = join(this.dir(i), "broker.properties");
    this.procs.set(i, Bun.spawn(this.java("kafka.Kafka", [props]), { stdout: out, stderr: out }));
  }

  /** Run a Kafka tool (org.apache.kafka.tools.*) of this install against this cluster: exit code and output. */
  tool(cls: string, args: string[], timeoutMs = 300_000) {
    const cp = ["java", "-Xmx256m", "-cp", `${this.home}/libs/*`, cls];
    return run([...cp, "--bootstrap-server", this.brokers.join(","), ...args], timeoutMs);
  }

  startAll(): void {
    for (let i = 0; i < this.ports.length; i++) this.start(i);
  }

  signal(i: number, sig: "SIGSTOP" | "SIGCONT" | "SIGKILL" | "SIGTERM"): void {
    const pid = this.pid(i);
    if (pid) process.kill(pid, sig);
  }

  /** Wait until every node is registered and every partition of `topics` has its full ISR. */
  async waitHealthy(topics: string[] = [], ms = 180_000): Promise<number> {
    const t0 = Date.now();
    const admin = new Kafka({ clientId: "private-check", brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      for (;;) {
        const ok = await (async () => {
          await admin.connect(); // refused until the nodes listen
          const c = await admin.describeCluster();
          if (c.brokers.length !== this.ports.length) return false;
          if (topics.length === 0) return true;
          const md = await admin.fetchTopicMetadata({ topics });
          return md.topics.every((t) => t.partitions.every((p) => p.isr.length === this.ports.length));
        })().catch(() => false);
        if (ok) return Date.now() - t0;
        if (Date.now() - t0 > ms) throw new Error(`private cluster not healthy after ${ms} ms (logs in ${this.root})`);
        await Bun.sleep(500);
      }
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Every node's log, concatenated. */
  logs(): string {
    return this.ports.map((_, i) => readFileSync(this.logOf(i), "utf8")).join("\n");
  }

  /** Stop every node (SIGCONT in case it is frozen, SIGTERM, SIGKILL after `graceMs`). */
  async stopAll(graceMs = 20_000): Promise<void> {
    const all = [...this.procs.entries()];
    for (const [i] of all) {
      this.signal(i, "SIGCONT");
      this.signal(i, "SIGTERM");
    }
    const timer = setTimeout(() => {
      for (const [, p] of all) p.kill("SIGKILL");
    }, graceMs);
    await Promise.all(all.map(([, p]) => p.exited));
    clearTimeout(timer);
    this.procs.clear();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
