// Configuration: every environment variable the scripts read, with its typed default, in one place.
// Each variable is documented in .env.example (a drift test keeps the two in step). Bun loads .env itself.
// A value that does not parse is refused with a message naming the variable and what it expects.

import { join } from "node:path";

export class ConfigError extends Error {}

/** The project's folder (supervisord.conf, var/, es-indices.http), wherever the checkout is. */
export const PROJECT_ROOT = join(import.meta.dir, "../..");

type Env = Record<string, string | undefined>;

export const PROFILES = ["full", "small"] as const;
export type Profile = (typeof PROFILES)[number];

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === "" ? fallback : v;
}

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name}=${raw}: expected a whole number >= ${min}`);
  return n;
}

function num(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name}=${raw}: expected a positive number`);
  return n;
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The whole configuration, derived from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(env: Env = process.env) {
  const profile = str(env, "BTC_PROFILE", "full");
  if (!PROFILES.includes(profile as Profile)) throw new ConfigError(`BTC_PROFILE=${profile}: expected full or small`);
  const full = profile === "full";
  const ns = str(env, "BTC_NAMESPACE", "");
  if (!/^[a-z0-9-]*$/.test(ns)) throw new ConfigError(`BTC_NAMESPACE=${ns}: only a-z, 0-9 and - are allowed`);
  const replication = int(env, "TOPIC_REPLICATION", full ? 3 : 1, 1);
  const cfg = {
    profile: profile as Profile,
    namespace: ns,
    logLevel: str(env, "LOG_LEVEL", "info"),
    kafka: {
      brokers: list(
        env,
        "KAFKA_BROKERS",
        full ? ["127.0.0.1:9092", "127.0.0.1:9093", "127.0.0.1:9094"] : ["127.0.0.1:9092"],
      ),
      clientId: str(env, "KAFKA_CLIENT_ID", "btc-realtime"),
      partitions: int(env, "TOPIC_PARTITIONS", 9, 1),
      replication,
      minInsync: int(env, "TOPIC_MIN_INSYNC", full ? 2 : 1, 1),
      retentionHours: int(env, "KAFKA_RETENTION_HOURS", 720, 1),
      sendTimeoutMs: int(env, "KAFKA_SEND_TIMEOUT_MS", 30_000, 1000),
    },
    es: {
      nodes: list(
        env,
        "ES_NODES",
        full ? ["http://127.0.0.1:9200", "http://127.0.0.1:9201", "http://127.0.0.1:9202"] : ["http://127.0.0.1:9200"],
      ),
      username: env.ES_USERNAME || undefined,
      password: env.ES_PASSWORD || undefined,
      apiKey: env.ES_API_KEY || undefined,
      caCert: env.ES_CA_CERT || undefined,
      shards: int(env, "INDEX_SHARDS", 3, 1),
      replicas: int(env, "INDEX_REPLICAS", full ? 2 : 0, 0),
      requestTimeoutMs: int(env, "ES_REQUEST_TIMEOUT_MS", 30_000, 100),
    },
    bolt: {
      batchMax: int(env, "BOLT_BATCH_MAX", 2000, 1),
      partitionsConcurrently: int(env, "BOLT_PARTITIONS_CONCURRENTLY", 3, 1),
      stallTimeoutMs: int(env, "BOLT_STALL_TIMEOUT_MS", 60_000, 1000),
      retryMaxMs: int(env, "BOLT_RETRY_MAX_MS", 10_000, 10),
      sessionTimeoutMs: int(env, "BOLT_SESSION_TIMEOUT_MS", 30_000, 6000),
      txKeepRaw: int(env, "BOLT_TX_KEEP_RAW", 0, 0) === 1,
    },
    kibanaUrl: env.KIBANA_URL || undefined,
    dashboardPort: int(env, "DASHBOARD_PORT", 8080, 1),
    dashboardHost: str(env, "DASHBOARD_HOST", "127.0.0.1"),
    sourceMode: str(env, "SOURCE_MODE", "simulate"),
    replayFile: env.REPLAY_FILE || undefined,
    replaySpeed: str(env, "REPLAY_SPEED", "1"),
    captureFile: env.CAPTURE_FILE || undefined,
    simRate: num(env, "SIM_RATE", 1),
    simSeed: int(env, "SIM_SEED", 1, 0),
    simBlockSeconds: num(env, "SIM_BLOCK_SECONDS", 600),
    producers: producersOf(env),
  };
  return cfg;
}

export type Config = ReturnType<typeof loadConfig>;

export const SOURCE_MODES = ["live", "simulate", "replay"] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

/** The producers' settings (scripts/producers): modes, sources, WebSocket liveness, the bounded buffer. */
function producersOf(env: Env) {
  const mode = str(env, "SOURCE_MODE", "simulate");
  if (!SOURCE_MODES.includes(mode as SourceMode))
    throw new ConfigError(`SOURCE_MODE=${mode}: expected live, simulate or replay`);
  const speedRaw = str(env, "REPLAY_SPEED", "1");
  const speed = speedRaw === "max" ? Number.POSITIVE_INFINITY : Number(speedRaw);
  if (!(speed > 0)) throw new ConfigError(`REPLAY_SPEED=${speedRaw}: expected a positive number or max`);
  return {
    mode: mode as SourceMode,
    replayFile: env.REPLAY_FILE || undefined,
    /** replay pace: 1 original, N times faster, Infinity for max */
    replaySpeed: speed,
    captureFile: env.CAPTURE_FILE || undefined,
    simRate: num(env, "SIM_RATE", 1),
    simSeed: int(env, "SIM_SEED", 1, 0),
    simBlockSeconds: num(env, "SIM_BLOCK_SECONDS", 600),
    bpiSchedule: str(env, "BPI_SCHEDULE", "*/10 * * * * *"),
    bpiSources: list(env, "BPI_SOURCES", ["blockchain.info/ticker", "kraken/ticker", "coinbase/spot"]),
    bpiMaxJumpPct: num(env, "BPI_MAX_JUMP_PCT", 10),
    bpiTimeoutMs: int(env, "BPI_TIMEOUT_MS", 5000, 100),
    blockchainWsUrl: str(env, "BLOCKCHAIN_WS_URL", "wss://ws.blockchain.info/inv"),
    blockchainApi: str(env, "BLOCKCHAIN_API", "https://blockchain.info"),
    mempoolApi: str(env, "MEMPOOL_API", "https://mempool.space"),
    krakenApi: str(env, "KRAKEN_API", "https://api.kraken.com"),
    coinbaseApi: str(env, "COINBASE_API", "https://api.coinbase.com"),
    coindeskApi: str(env, "COINDESK_API", "https://api.coindesk.com"),
    wsPingMs: int(env, "WS_PING_MS", 15_000, 100),
    wsSilenceMs: int(env, "WS_SILENCE_MS", 45_000, 100),
    wsBackoffMaxMs: int(env, "WS_BACKOFF_MAX_MS", 30_000, 10),
    blockFetchRetries: int(env, "BLOCK_FETCH_RETRIES", 3, 0),
    blockFetchTimeoutMs: int(env, "BLOCK_FETCH_TIMEOUT_MS", 10_000, 100),
    rawblockMaxBytes: int(env, "RAWBLOCK_MAX_BYTES", 30_000_000, 1000),
    bufferMax: int(env, "PRODUCER_BUFFER_MAX", 100_000, 1),
    bufferMaxBytes: int(env, "PRODUCER_BUFFER_MAX_MB", 64, 1) * 1_048_576,
    batchMax: int(env, "PRODUCER_BATCH_MAX", 500, 1),
  };
}

/** The topics, named once; BTC_NAMESPACE prefixes them so tests can share a cluster without colliding. */
export function topicsOf(cfg: Pick<Config, "namespace">) {
  const p = cfg.namespace ? `${cfg.namespace}-` : "";
  return {
    bpi: `${p}p3-btc-bpi`,
    blocks: `${p}p3-btc-blocks`,
    transactions: `${p}p3-btc-transactions`,
    deadLetters: `${p}p3-btc-dead-letters`,
    volumeUpdates: `${p}p3-btc-volume-updates`,
    minerUpdates: `${p}p3-btc-miner-updates`,
  };
}

/** The indices, named once; BTC_NAMESPACE prefixes them as it does the topics. */
export function indicesOf(cfg: Pick<Config, "namespace">) {
  const p = cfg.namespace ? `${cfg.namespace}-` : "";
  return {
    value: `${p}btc-value`,
    volume: `${p}btc-volume`,
    miner: `${p}btc-miner`,
    rawBpi: `${p}btc-raw-bpi`,
    rawBlocks: `${p}btc-raw-blocks`,
    rawTransactions: `${p}btc-raw-transactions`,
  };
}

/** The configuration, or exit 1 with a message that says which variable to fix. */
export function configOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(JSON.stringify({ t: new Date().toISOString(), level: "error", msg: `configuration: ${e.message}` }));
    process.exit(1);
  }
}
