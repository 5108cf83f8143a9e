// One of Kafka's own Java tools run as this platform's client: the launcher of the bin/kafka-* commands
// (bin/kafka-run-class CLASS ARGS, like Kafka's bin/kafka-run-class.sh). It adds `--bootstrap-server` with the
// profile's brokers unless the arguments name --bootstrap-server or --bootstrap-controller, and when the brokers
// need TLS or a login (BTC_SECURE=1, KAFKA_CA_CERT, KAFKA_USERNAME) `--command-config` with a private client
// properties file (lib/kafka-tools.ts: 0600 in a 0700 folder, removed when the tool exits; in secure mode as the
// user `setup`, the platform's administrator) unless --command-config is given. --help and --version get neither.
// The JVM as Kafka's scripts make it: KAFKA_HEAP_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS. Exits with the tool's code.
// usage: bun scripts/setup/kafka-tool.ts CLASS [tool arguments]   Env: KAFKA_HOME, KAFKA_BROKERS, BTC_PROFILE, ...

import { existsSync } from "node:fs";
import { join } from "node:path";
import { configOrExit } from "../lib/config.ts";
import { commandConfigArgs, javaToolCommand, kafkaHome, withToolConfig } from "../lib/kafka-tools.ts";

const has = (args: string[], ...flags: string[]) =>
  args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));

/** The tool's arguments with what the platform adds: the brokers, then the client properties file. */
export function toolArguments(args: string[], brokers: string[], propsFile: string | undefined): string[] {
  if (has(args, "--help", "-h", "--version")) return args;
  const bootstrap = has(args, "--bootstrap-server", "--bootstrap-controller")
    ? []
    : ["--bootstrap-server", brokers.join(",")];
  const config = has(args, "--command-config") ? [] : commandConfigArgs(propsFile);
  return [...bootstrap, ...config, ...args];
}

async function main(): Promise<number> {
  const [cls, ...args] = process.argv.slice(2);
  if (!cls || cls.startsWith("-")) {
    console.error("usage: bun scripts/setup/kafka-tool.ts CLASS [tool arguments] (the bin/kafka-* commands call it)");
    return 2;
  }
  if (!existsSync(join(kafkaHome(), "libs"))) {
    console.error(`no Kafka at KAFKA_HOME=${kafkaHome()} (expected libs/): run make setup, or set KAFKA_HOME`);
    return 1;
  }
  const cfg = configOrExit({ ...process.env, BTC_IDENTITY: process.env.BTC_IDENTITY || "setup" });
  return withToolConfig(cfg, async (props) => {
    const tool = Bun.spawn(javaToolCommand(cls, toolArguments(args, cfg.kafka.brokers, props)), {
      stdio: ["inherit", "inherit", "inherit"],
    });
    // Ctrl-C reaches the tool from the terminal; this process waits for it so that the properties file goes.
    const forward = (signal: NodeJS.Signals) => () => tool.kill(signal);
    process.on("SIGINT", () => {});
    process.on("SIGTERM", forward("SIGTERM"));
    process.on("SIGHUP", forward("SIGHUP"));
    return tool.exited;
  });
}

if (import.meta.main) process.exit(await main());
