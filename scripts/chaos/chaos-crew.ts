// The processes of `make chaos`: the five bolts and the producers (two replaying, one live against the local
// WebSocket server of chaos-source.ts) as child processes (the same scripts supervisord runs), each bolt restarted after it dies as supervisord's autorestart does; killing one with SIGKILL;
// extra bolt instances that join and leave (rebalance churn); and the clusters' processes, found through
// supervisorctl and hit as a process group (SIGKILL, SIGSTOP / SIGCONT). Logs go to var/log/chaos/.

import { mkdirSync, openSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, PROJECT_ROOT } from "../lib/config.ts";
import { sleep } from "../lib/log.ts";

export const BOLT_NAMES = ["prices", "transactions", "blocks", "volume", "miners"] as const;
export type BoltName = (typeof BOLT_NAMES)[number];
const LOGS = `${PROJECT_ROOT}/var/log/chaos`;
/** The log file of a process of the crew (`log`: the bolt's or producer's name, e.g. "blockchain-live"). */
export const logFileOf = (cfg: Pick<Config, "namespace">, log: string) => `${LOGS}/${cfg.namespace}-${log}.log`;

export class Crew {
  readonly bolts = new Map<BoltName, Subprocess>();
  readonly extras = new Set<Subprocess>();
  restarts = 0;
  private stopping = false;
  /** bolts kept stopped (not restarted) for now */
  private readonly held = new Set<BoltName>();
  constructor(
    private readonly cfg: Config,
    private readonly env: Record<string, string>,
    /** a second crew (the standby's bolts): its logs are <bolt>-<label> */
    private readonly label = "",
  ) {
    mkdirSync(LOGS, { recursive: true });
  }

  private spawn(script: string, log: string, extra: Record<string, string> = {}): Subprocess {
    const out = openSync(logFileOf(this.cfg, this.label ? `${log}-${this.label}` : log), "a");
    const env = { ...process.env, ...this.env, BTC_NAMESPACE: this.cfg.namespace, ...extra };
    return Bun.spawn(["bun", script], { cwd: PROJECT_ROOT, env, stdout: out, stderr: out });
  }

  /** Start a bolt, and start it again whenever it dies (after 500 ms), until stop(). */
  startBolt(name: BoltName): void {
    const p = this.spawn(`scripts/bolts/${name}.ts`, name);
    this.bolts.set(name, p);
    void p.exited.then(async () => {
      if (this.stopping) return;
      await sleep(500);
      while (this.held.has(name) && !this.stopping) await sleep(200);
      if (this.stopping) return;
      this.restarts++;
      this.startBolt(name);
    });
  }

  /** SIGKILL a bolt (the crew restarts it); resolves once it is dead. */
  async kill(name: BoltName): Promise<void> {
    const p = this.bolts.get(name);
    p?.kill("SIGKILL");
    await p?.exited;
  }

  /** Freeze (SIGSTOP) or thaw (SIGCONT) a bolt's process: records wait for it meanwhile. */
  signal(name: BoltName, signal: "SIGSTOP" | "SIGCONT"): void {
    this.bolts.get(name)?.kill(signal);
  }

  /** Stop a bolt (SIGTERM) and keep it stopped for `ms`; then the crew starts it again. */
  async hold(name: BoltName, ms: number): Promise<void> {
    this.held.add(name);
    const p = this.bolts.get(name);
    p?.kill("SIGTERM");
    await p?.exited;
    await sleep(ms);
    this.held.delete(name);
  }

  /** Another instance of a bolt, joining its consumer group (a rebalance), not restarted. */
  startExtra(name: BoltName): Subprocess {
    const p = this.spawn(`scripts/bolts/${name}.ts`, `${name}-extra`);
    this.extras.add(p);
    void p.exited.then(() => this.extras.delete(p));
    return p;
  }

  /** A producer replaying a capture file at a speed (it logs "replay finished", then idles until stopped). */
  startProducer(name: "bpi" | "blockchain", file: string, speed: string): Subprocess {
    return this.spawn(`scripts/producers/${name}.ts`, name, {
      SOURCE_MODE: "replay",
      REPLAY_FILE: file,
      REPLAY_SPEED: speed,
    });
  }

  /** The blockchain producer in live mode against a WebSocket URL (chaos-source.ts), with a quick keep-alive. */
  startLiveProducer(url: string, ws: { pingMs: number; silenceMs: number; backoffMaxMs: number }): Subprocess {
    return this.spawn("scripts/producers/blockchain.ts", "blockchain-live", {
      SOURCE_MODE: "live",
      BLOCKCHAIN_WS_URL: url,
      BLOCKCHAIN_API: url.replace(/^ws/, "http").replace(/\/inv$/, ""), // the tip check asks the local source
      MEMPOOL_API: url.replace(/^ws/, "http").replace(/\/inv$/, ""),
      WS_PING_MS: String(ws.pingMs),
      WS_SILENCE_MS: String(ws.silenceMs),
      WS_BACKOFF_MAX_MS: String(ws.backoffMaxMs),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.bolts.values(), ...this.extras];
    for (const p of all) p.kill("SIGKILL");
    await Promise.all(all.map((p) => p.exited));
  }
}

/** supervisorctl's answer to a command. */
export async function ctl(...args: string[]): Promise<string> {
  const p = Bun.spawn(["supervisorctl", "-c", `${PROJECT_ROOT}/supervisord.conf`, ...args], {
    stdout: "pipe",
    stderr: "ignore",
  });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return out.trim();
}

/** The pid of a supervisord program (a process group leader), or undefined when it is not running. */
export async function programPid(program: string): Promise<number | undefined> {
  const pid = Number(await ctl("pid", program));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Send a signal to a supervisord program's whole process group (an Elasticsearch node is a launcher + a JVM). */
export async function signalProgram(program: string, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): Promise<number> {
  const pid = await programPid(program);
  if (!pid) throw new Error(`${program} is not running`);
  process.kill(-pid, signal);
  return pid;
}

/** Wait until a supervisord program runs again with another pid than `old` (its autorestart), up to `ms`. */
export async function waitRestarted(program: string, old: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(500)) {
    const pid = await programPid(program);
    if (pid && pid !== old) return true;
  }
  return false;
}
