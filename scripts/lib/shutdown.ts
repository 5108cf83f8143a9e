// Clean stop on SIGTERM/SIGINT (what supervisorctl stop sends): run the registered steps in reverse order
// (stop consuming, flush, disconnect), then exit 0; whatever still hangs after 10 s is cut with exit 1.

import { log } from "./log.ts";

type Step = { name: string; run: () => Promise<unknown> | unknown };
const steps: Step[] = [];
let stopping = false;
const listeners: Array<() => void> = [];

/** Register a step to run on shutdown; the last registered runs first. */
export function onShutdown(name: string, run: Step["run"]): void {
  steps.push({ name, run });
}

/** True once a stop was asked: loops check it to stop taking new work. */
export function isStopping(): boolean {
  return stopping;
}

/** Resolves when a stop is asked (for loops that wait on a timer). */
export function whenStopping(): Promise<void> {
  return new Promise((r) => (stopping ? r() : listeners.push(r)));
}

export async function shutdown(reason: string, code = 0): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  for (const l of listeners) l();
  log.info("stopping", { reason });
  const hard = setTimeout(() => {
    log.error("shutdown took more than 10 s, exiting anyway");
    process.exit(1);
  }, 10_000);
  for (const step of steps.reverse()) {
    try {
      await step.run();
    } catch (e) {
      log.warn(`shutdown step ${step.name} failed`, { error: e });
    }
  }
  clearTimeout(hard);
  process.exit(code);
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
