// What the scale commands read of the running Kafka cluster and how they reach supervisord: the live brokers, where
// every partition's replicas are, the brokers that can be added (bin/env.sh KAFKA_GROW_PORTS) and Kafka's tools.
// Env: the Kafka variables (through config.ts), BTC_PROFILE.

import type { Admin } from "kafkajs";
import { $ } from "zx";
import { PROJECT_ROOT } from "../lib/config.ts";
import type { Placement } from "./reassign-plan.ts";

/** The ports of the brokers that can be added, as bin/env.sh KAFKA_GROW_PORTS (node id = port - 9091). */
export const GROW_PORTS = [9095, 9096, 9097];
/** The brokers that are also the KRaft controllers (node ids 1-3 of the profile): never removed here. */
export const CONTROLLER_IDS = [1, 2, 3];
export const idOfPort = (port: number) => port - 9091;
export const programOf = (port: number) => `kafka-grow:kafka-${port}`;

/** supervisorctl on this checkout's supervisord (never throws: the caller reads the exit code and the output). */
export const supervisorctl = (...args: string[]) =>
  $({ cwd: PROJECT_ROOT, nothrow: true, quiet: true })`supervisorctl -c supervisord.conf ${args}`;

/** A Kafka tool of bin/ (bin/kafka-reassign-partitions, bin/kafka-run-class CLASS, ...), its output kept. */
export const kafkaTool = (name: string, ...args: string[]) =>
  $({ cwd: PROJECT_ROOT, nothrow: true, quiet: true })`${`${PROJECT_ROOT}/bin/${name}`} ${args}`;

/** The ids of the brokers registered now. */
export async function brokerIds(admin: Admin): Promise<number[]> {
  const { brokers } = await admin.describeCluster();
  return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
}

/** Where the replicas of these topics are (every topic, internal ones included, without `topics`). */
export async function placementsOf(admin: Admin, topics?: string[]): Promise<Placement[]> {
  const meta = await admin.fetchTopicMetadata(topics ? { topics } : undefined);
  return meta.topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: [...p.replicas] })),
  );
}

/** Wait until `check` holds, printing `progress()` every 5 s; throws after `timeoutMs` saying what was awaited. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, say = console.log) {
  const t0 = Date.now();
  let shown = t0;
  // A failed check is tried again (a broker restarting), unless it says it is final.
  const attempt = () =>
    check().catch((e) => {
      if ((e as { final?: boolean }).final) throw e;
      return false;
    });
  while (!(await attempt())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s`);
    if (Date.now() - shown >= 5000) {
      say(`    waiting: ${what} (${Math.round((Date.now() - t0) / 1000)} s)`);
      shown = Date.now();
    }
    await Bun.sleep(1000);
  }
  return Date.now() - t0;
}
