// Adds a broker to the running Kafka cluster (scenario 1: grow Kafka horizontally): starts the next free program of
// supervisord's kafka-grow group (ports 9095-9097, node id PORT - 9091, broker only; the KRaft controllers stay the
// three brokers of the profile) and waits until the cluster lists it. It holds no partition yet: then run
// `make kafka-rebalance` (scripts/scale/reassign.ts) to move an even share of the replicas onto it.
// usage: bun scripts/scale/broker-add.ts [--port 9095]      Env: the Kafka variables, BTC_PROFILE.

import { fatalOrUsage, toolArgs, wholeArg } from "../lib/args.ts";
import { configOrExit } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { brokerIds, GROW_PORTS, idOfPort, programOf, supervisorctl, waitFor } from "./kafka-cluster.ts";

/** The port to add: the one asked for, or the first whose broker is not registered. */
export function portToAdd(registered: number[], asked?: number): number {
  if (asked !== undefined) {
    if (!GROW_PORTS.includes(asked))
      throw new Error(`--port must be one of ${GROW_PORTS.join(", ")} (bin/env.sh KAFKA_GROW_PORTS)`);
    if (registered.includes(idOfPort(asked)))
      throw new Error(`broker ${idOfPort(asked)} (port ${asked}) is already in the cluster`);
    return asked;
  }
  const port = GROW_PORTS.find((p) => !registered.includes(idOfPort(p)));
  if (port === undefined)
    throw new Error(`every broker that can be added (${GROW_PORTS.join(", ")}) is already in the cluster`);
  return port;
}

async function main() {
  const USAGE = "bun scripts/scale/broker-add.ts [--port 9095]";
  const { values } = toolArgs(USAGE, { port: { type: "string" } });
  const cfg = configOrExit();
  const admin = kafkaClient(cfg, "scale-broker-add").admin();
  await admin.connect();
  try {
    const port = portToAdd(
      await brokerIds(admin),
      values.port === undefined ? undefined : wholeArg("port", values.port, 0),
    );
    const id = idOfPort(port);
    console.log(`==> adding broker ${id} (port ${port}): supervisorctl start ${programOf(port)}`);
    await supervisorctl("reread");
    await supervisorctl("update", "kafka-grow");
    const started = await supervisorctl("start", programOf(port));
    if (started.exitCode !== 0 && !/already started/.test(started.stdout))
      throw new Error(
        `supervisorctl start ${programOf(port)}: ${started.stdout.trim()} (see var/log/kafka-${port}.log)`,
      );
    const ms = await waitFor(`broker ${id} registered`, async () => (await brokerIds(admin)).includes(id), 300_000);
    console.log(
      `==> broker ${id} is in the cluster after ${(ms / 1000).toFixed(1)} s: brokers ${(await brokerIds(admin)).join(", ")}`,
    );
    console.log("    it holds no partition yet: make kafka-rebalance moves an even share of the replicas onto it");
  } finally {
    await admin.disconnect();
  }
}

if (import.meta.main) main().catch(fatalOrUsage);
