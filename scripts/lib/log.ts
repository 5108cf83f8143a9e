// One structured logger: a JSON line per event on stdout, which supervisord keeps in var/log/<program>.log.
// `log.info("msg", { field })`. LOG_LEVEL (debug, info, warn, error) filters. `fatal(e)` logs and exits 1.

import "./dotenv.ts"; // the checkout's .env is in process.env before LOG_LEVEL is read below

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

const program = process.env.SUPERVISOR_PROCESS_NAME || (process.argv[1] ?? "script").split("/").pop() || "script";
let threshold: number = LEVELS[(process.env.LOG_LEVEL as Level) ?? "info"] ?? LEVELS.info;

export function setLogLevel(level: string): void {
  threshold = LEVELS[level as Level] ?? LEVELS.info;
}

function errorFields(v: unknown): unknown {
  if (v instanceof Error)
    return { name: v.name, message: v.message, stack: v.stack?.split("\n").slice(0, 6).join("\n") };
  return v;
}

function emit(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < threshold) return;
  const line: Record<string, unknown> = { t: new Date().toISOString(), level, prog: program, msg };
  if (fields) for (const [k, v] of Object.entries(fields)) line[k] = errorFields(v);
  process.stdout.write(`${JSON.stringify(line, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`);
}

export const log = {
  debug: (msg: string, f?: Record<string, unknown>) => emit("debug", msg, f),
  info: (msg: string, f?: Record<string, unknown>) => emit("info", msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => emit("warn", msg, f),
  error: (msg: string, f?: Record<string, unknown>) => emit("error", msg, f),
};

/**
 * A fault that may pass (a broker restarting, Elasticsearch busy): quiet at first, a warning once it persists.
 * Returns the delay to wait before the next try: capped exponential backoff with full jitter.
 */
export function backoff(attempt: number, what: string, err: unknown, capMs = 10_000, baseMs = 200): number {
  const level: Level = attempt >= 5 ? "warn" : "debug";
  const delay = Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20)));
  emit(level, `${what}: retrying`, {
    attempt,
    delayMs: delay,
    error: err instanceof Error ? err.message : String(err),
  });
  return delay;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The one catch of every script's `import.meta.main` guard: log the error and exit non-zero for supervisord. */
export function fatal(e: unknown): never {
  emit("error", "fatal", { error: e });
  process.exit(1);
}
