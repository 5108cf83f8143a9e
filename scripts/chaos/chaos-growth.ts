// make chaos's growth step (scenario 1, issue 15): the operator's scale commands run on the chaos platform while
// its stream flows: a broker added (scripts/scale/broker-add.ts), the namespace's partitions spread onto it
// (reassign.ts rebalance), the topics grown from their count to twice it (partitions.ts), two more instances of every
// bolt (crew extras, kept until the end), then the broker drained and removed. Each command's duration is logged;
// the figures are reconciled with the rest at the end.

import { $ } from "zx";
import type { Config } from "../lib/config.ts";
import { PROJECT_ROOT } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { log } from "../lib/log.ts";
import { brokerIds } from "../scale/kafka-cluster.ts";
import { BOLT_NAMES, type Crew } from "./chaos-crew.ts";

/** Run a scale command in the chaos namespace; returns its duration in ms, or throws with its output. */
async function scale(cfg: Config, script: string, ...args: string[]): Promise<number> {
  const t0 = Date.now();
  const env = { ...process.env, BTC_NAMESPACE: cfg.namespace } as Record<string, string>;
  const r = await $({
    cwd: PROJECT_ROOT,
    env,
    nothrow: true,
    quiet: true,
  })`bun ${`scripts/scale/${script}.ts`} ${args}`;
  if (r.exitCode !== 0) throw new Error(`scripts/scale/${script}.ts ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  const ms = Date.now() - t0;
  log.info("growth step", { script, args, ms });
  return ms;
}

/** The growth step of the full schedule. */
export function growth(cfg: Config): { name: string; bolt: "transactions"; inject: (c: Crew) => Promise<void> } {
  return {
    name: "Kafka grown live: broker added, partitions rebalanced onto it, partitions doubled, 3 instances per bolt, broker drained and removed",
    bolt: "transactions",
    inject: async (c: Crew) => {
      await scale(cfg, "broker-add");
      const added = await addedBroker(cfg);
      try {
        await scale(cfg, "reassign", "rebalance");
        await scale(cfg, "partitions", "--partitions", String(cfg.kafka.partitions * 2));
        for (const b of BOLT_NAMES) {
          c.startExtra(b);
          c.startExtra(b);
        }
      } finally {
        await scale(cfg, "reassign", "drain", "--broker", String(added));
        await scale(cfg, "broker-remove", "--broker", String(added));
      }
    },
  };
}

/** The id of the broker added last (the highest one). */
async function addedBroker(cfg: Config): Promise<number> {
  const admin = kafkaClient(cfg, "chaos-growth").admin();
  await admin.connect();
  try {
    return Math.max(...(await brokerIds(admin)));
  } finally {
    await admin.disconnect();
  }
}
