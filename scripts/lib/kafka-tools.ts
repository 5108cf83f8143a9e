// Kafka's own Java tools (kafka-metadata-quorum, kafka-configs...) as this program's Kafka client: the properties
// they take with --command-config, built from the configuration (TLS with the CA as a PEM truststore, SASL/SCRAM or
// PLAIN with this program's user), the way scripts/setup/secure-sync.sh writes them. The password is only ever in
// a temporary file, 0600 in a 0700 folder of its own, removed as soon as the tool has run (never on a command line,
// where `ps` shows it). Env: KAFKA_CA_CERT, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM, BTC_SECURE (through
// config.ts); TMPDIR (where the temporary folder goes).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, PROJECT_ROOT } from "./config.ts";

const LOGIN = {
  "scram-sha-512": ["SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"],
  "scram-sha-256": ["SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"],
  plain: ["PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"],
} as const;

/** A value inside a JAAS option's double quotes. */
const jaas = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
/** A value of a Java .properties line (a backslash is an escape there). */
const prop = (v: string) => {
  if (/[\r\n]/.test(v)) throw new Error("a Kafka client setting cannot hold a line break");
  return v.replace(/\\/g, "\\\\");
};

/** The client properties of a Kafka tool for this configuration; undefined when the brokers need none (plain
 * text, no login). */
export function toolProperties(cfg: Pick<Config, "kafka" | "secure">): string | undefined {
  const { caCert, sasl } = cfg.kafka;
  const tls = Boolean(caCert || cfg.secure);
  const login = sasl?.password ? sasl : undefined;
  if (!tls && !login) return undefined;
  const lines = [`security.protocol=${login ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : "SSL"}`];
  if (caCert) lines.push("ssl.truststore.type=PEM", `ssl.truststore.location=${prop(caCert)}`);
  if (login) {
    const [mechanism, module] = LOGIN[login.mechanism];
    lines.push(
      `sasl.mechanism=${mechanism}`,
      prop(`sasl.jaas.config=${module} required username=${jaas(login.username)} password=${jaas(login.password!)};`),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Run `fn` with the path of a private file holding the tool's properties (undefined when none are needed); the
 * file and its folder are removed afterwards, whatever happened. */
export async function withToolConfig<T>(
  cfg: Pick<Config, "kafka" | "secure">,
  fn: (path: string | undefined) => Promise<T>,
): Promise<T> {
  const text = toolProperties(cfg);
  if (text === undefined) return fn(undefined);
  const dir = mkdtempSync(join(tmpdir(), "btc-kafka-tool-")); // 0700
  try {
    const file = join(dir, "client.properties");
    writeFileSync(file, text, { mode: 0o600, flag: "wx" });
    return await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The --command-config arguments of a tool for the file of withToolConfig. */
export const commandConfigArgs = (path: string | undefined) => (path ? ["--command-config", path] : []);

/** Where Kafka is installed: KAFKA_HOME, else BTC_VAR/opt/kafka (bin/env.sh's default). */
export function kafkaHome(env: Record<string, string | undefined> = process.env): string {
  return env.KAFKA_HOME || join(env.BTC_VAR || join(PROJECT_ROOT, "var"), "opt/kafka");
}

/** The java command line of one of Kafka's tools, with the JVM options Kafka's bin/kafka-run-class.sh takes:
 * KAFKA_HEAP_OPTS (default -Xmx256M), KAFKA_LOG4J_OPTS (default: warnings and errors to stderr), KAFKA_OPTS last. */
export function javaToolCommand(cls: string, args: string[], env: Record<string, string | undefined> = process.env) {
  const words = (v: string | undefined, fallback: string) => (v || fallback).split(/\s+/).filter(Boolean);
  return [
    "java",
    ...words(env.KAFKA_HEAP_OPTS, "-Xmx256M"),
    ...words(
      env.KAFKA_LOG4J_OPTS,
      `-Dlog4j2.configurationFile=${join(PROJECT_ROOT, "config/kafka-tools-log4j2.yaml")}`,
    ),
    ...words(env.KAFKA_OPTS, ""),
    "-cp",
    join(kafkaHome(env), "libs/*"),
    cls,
    ...args,
  ];
}
