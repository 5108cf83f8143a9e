// Removes a broker added with `make kafka-add-broker` once it holds no replica (`make kafka-drain BROKER=N` first):
// refuses while any partition, internal ones included, still has a replica on it; then stops its supervisord
// program, unregisters it from the KRaft metadata (Kafka's ClusterTool unregister) and deletes its emptied data
// folder. The three brokers of the profile are also the KRaft controllers and are never removed here.
// usage: bun scripts/scale/broker-remove.ts --broker N      Env: the Kafka variables, BTC_PROFILE.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { fatalOrUsage, toolArgs, UsageError, wholeArg } from "../lib/args.ts";
import { configOrExit, PROJECT_ROOT } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import {
  brokerIds,
  CONTROLLER_IDS,
  GROW_PORTS,
  idOfPort,
  kafkaTool,
  placementsOf,
  programOf,
  supervisorctl,
  waitFor,
} from "./kafka-cluster.ts";
import { moveReplicas, THROTTLE } from "./reassign.ts";
import type { Placement } from "./reassign-plan.ts";

const USAGE = "bun scripts/scale/broker-remove.ts --broker N";

/** Why broker `id` cannot be removed now (undefined: it can). */
export function refusal(id: number, placements: Placement[]): string | undefined {
  if (CONTROLLER_IDS.includes(id))
    return `broker ${id} is one of the KRaft controllers (${CONTROLLER_IDS.join(", ")}): it stays`;
  if (!GROW_PORTS.map(idOfPort).includes(id))
    return `broker ${id} was not added by make kafka-add-broker (ids ${GROW_PORTS.map(idOfPort).join(", ")})`;
  const held = placements.filter((p) => p.replicas.includes(id));
  if (held.length > 0)
    return `broker ${id} still holds ${held.length} replicas (${held
      .slice(0, 3)
      .map((p) => `${p.topic}-${p.partition}`)
      .join(", ")}…): run make kafka-drain BROKER=${id} first`;
  return undefined;
}

async function main() {
  const { values } = toolArgs(USAGE, { broker: { type: "string" } });
  if (values.broker === undefined) throw new UsageError(`--broker N is needed\nusage: ${USAGE}`);
  const id = wholeArg("broker", values.broker, 0);
  const port = id + 9091;
  const cfg = configOrExit();
  const admin = kafkaClient(cfg, "scale-broker-remove").admin();
  await admin.connect();
  try {
    // Topics created since the drain may have been placed on it: those are moved off too.
    const moveOff = async (what: string, when: string) => {
      console.log(`==> ${what.split(":")[0]} (${when}): moving them off`);
      await moveReplicas(
        admin,
        (await brokerIds(admin)).filter((b) => b !== id),
        undefined,
        THROTTLE,
      );
    };
    const why = refusal(id, await placementsOf(admin));
    if (why?.includes("still holds")) await moveOff(why, "placed since the drain");
    else if (why) throw new UsageError(why);
    console.log(`==> stopping broker ${id}: supervisorctl stop ${programOf(port)}`);
    await supervisorctl("stop", programOf(port));
    // Topics created between the drain and the stop may have been placed on it: a stopped (fenced) broker gets no new
    // replica, and Kafka's reassignment moves those off it while it is down.
    for (let late = refusal(id, await placementsOf(admin)); late; late = refusal(id, await placementsOf(admin)))
      await moveOff(late, "placed before it stopped");
    const out = await kafkaTool(
      "kafka-run-class",
      "org.apache.kafka.tools.ClusterTool",
      "unregister",
      "--bootstrap-server",
      cfg.kafka.brokers.join(","),
      "--id",
      String(id),
    );
    if (out.exitCode !== 0) throw new Error(`unregister broker ${id}: ${out.stdout}${out.stderr}`);
    await waitFor(`broker ${id} gone from the cluster`, async () => !(await brokerIds(admin)).includes(id), 60_000);
    const data = join(process.env.BTC_VAR || join(PROJECT_ROOT, "var"), "data", cfg.profile, `kafka-${port}`);
    rmSync(data, { recursive: true, force: true });
    console.log(`==> broker ${id} removed: brokers ${(await brokerIds(admin)).join(", ")}`);
  } finally {
    await admin.disconnect();
  }
}

if (import.meta.main) main().catch(fatalOrUsage);
