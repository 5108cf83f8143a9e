// make rebuild's live bolts: who stops them before the alias swap and starts them again after it. `supervisord`
// (REBUILD_LIVE_BOLTS default without BTC_NAMESPACE): the storm:bolt-* programs that run are stopped, then started;
// `none` (the default in a namespace: a test starts and stops its own bolts): nothing is stopped here. Either way the
// swap waits until no live bolt is a member of its consumer group, and gives up (aliases unchanged) otherwise.
// Env: REBUILD_LIVE_BOLTS (through config.ts), BOLT_SESSION_TIMEOUT_MS, the Kafka variables, BTC_NAMESPACE.

import type { Admin } from "kafkajs";
import { $ } from "zx";
import { BOLTS, groupOf } from "../health/pipeline-health.ts";
import { type Config, PROJECT_ROOT } from "../lib/config.ts";
import { activeGroups } from "./rebuild-bolts.ts";

type Say = (line: string) => void;

/** Who stops the live bolts before the swap and starts them again after it. */
export type LiveBolts = { stop: () => Promise<void>; start: () => Promise<void> };

/** supervisord's storm:bolt-* programs that are running: stopped, then started again. */
export function supervisordBolts(say: Say): LiveBolts {
  const ctl = (...args: string[]) =>
    $({ cwd: PROJECT_ROOT, nothrow: true, quiet: true })`supervisorctl -c supervisord.conf ${args}`;
  let running: string[] = [];
  return {
    async stop() {
      const rows = (await ctl("status")).stdout.split("\n").map((l) => l.split(/\s+/));
      running = rows.filter(([n, s]) => n?.startsWith("storm:bolt-") && s === "RUNNING").map(([n]) => n!);
      say(running.length > 0 ? `    stopping ${running.join(" ")}` : "    supervisord runs no bolt");
      if (running.length > 0) await ctl("stop", ...running);
    },
    async start() {
      if (running.length === 0) return;
      say(`    starting ${running.join(" ")}`);
      await ctl("start", ...running);
    },
  };
}

export const noLiveBolts = (say: Say): LiveBolts => ({
  stop: async () => say("    REBUILD_LIVE_BOLTS=none: no bolt stopped here (the live groups must be idle to swap)"),
  start: async () => say("    REBUILD_LIVE_BOLTS=none: start the live bolts again yourself"),
});

/** Wait until no live bolt is a member of its group (a bolt killed without a goodbye holds it a session timeout). */
export async function liveIdle(admin: Admin, cfg: Config) {
  const groups = BOLTS.map((b) => groupOf(cfg, b));
  for (const until = Date.now() + cfg.bolt.sessionTimeoutMs + 15_000; ; await Bun.sleep(1000)) {
    const busy = await activeGroups(admin, groups);
    if (busy.length === 0) return;
    if (Date.now() > until)
      throw new Error(`live bolts still consume (${busy.join(", ")}): stop them, or set REBUILD_LIVE_BOLTS`);
  }
}
