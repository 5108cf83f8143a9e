// Configuration: every environment variable the scripts read, with its typed default, in one place.
// Each variable is documented in .env.example (a drift test keeps the two in step). The checkout's .env is read by
// dotenv.ts (Bun's own .env loading is off: bunfig.toml), in the strict format bin/env.sh reads too; a .env line
// refused there refuses every configuration here. The environment wins over .env.
// A value that does not parse is refused with a message naming the variable and what it expects.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DOTENV } from "./dotenv.ts";

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

/** One of `allowed` (by default the first); anything else is refused, naming the choices. */
function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T = allowed[0]!): T {
  const v = str(env, name, fallback);
  if (!allowed.includes(v as T))
    throw new ConfigError(`${name}=${v}: expected ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`);
  return v as T;
}

/** How the producers compress record batches; every consumer of the project reads all three (lib/kafka.ts). */
export const KAFKA_COMPRESSIONS = ["zstd", "gzip", "none"] as const;

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
  if (PROJECT_DOTENV.error) throw new ConfigError(PROJECT_DOTENV.error);
  const profile = choice(env, "BTC_PROFILE", PROFILES);
  const full = profile === "full";
  const ns = str(env, "BTC_NAMESPACE", "");
  if (!/^[a-z0-9-]*$/.test(ns)) throw new ConfigError(`BTC_NAMESPACE=${ns}: only a-z, 0-9 and - are allowed`);
  const standby = standbyOf(env);
  // ES_TARGET=standby: this program writes to (and reads) the standby cluster, in the standby's consumer groups
  const target = choice(env, "ES_TARGET", ["primary", "standby"]);
  const onStandby = target === "standby";
  const groupSuffix = str(env, "BOLT_GROUP_SUFFIX", onStandby ? STANDBY_GROUP_SUFFIX : "");
  if (!/^[a-z0-9-]*$/.test(groupSuffix))
    throw new ConfigError(`BOLT_GROUP_SUFFIX=${groupSuffix}: only a-z, 0-9 and - are allowed`);
  const replication = int(env, "TOPIC_REPLICATION", full ? 3 : 1, 1);
  const sec = secureOf(env);
  // node N of the profile runs on the Nth host of BTC_NODE_HOSTS (one host: all of them), default loopback
  const hostOf = (n: number) => sec.nodeHosts[n - 1] ?? sec.nodeHosts[0] ?? "127.0.0.1";
  const nodes = full ? [1, 2, 3] : [1];
  const cfg = {
    profile,
    namespace: ns,
    /** INDEX_GENERATION=N: indicesOf names the concrete generation `<alias>-gN` (make rebuild's own bolts) */
    indexGeneration: int(env, "INDEX_GENERATION", 0, 0),
    logLevel: str(env, "LOG_LEVEL", "info"),
    kafka: {
      brokers: list(
        env,
        "KAFKA_BROKERS",
        nodes.map((n) => `${hostOf(n)}:${9091 + n}`),
      ),
      clientId: str(env, "KAFKA_CLIENT_ID", "btc-realtime"),
      partitions: int(env, "TOPIC_PARTITIONS", 9, 1),
      replication,
      minInsync: int(env, "TOPIC_MIN_INSYNC", full ? 2 : 1, 1),
      retentionHours: int(env, "KAFKA_RETENTION_HOURS", 720, 1),
      sendTimeoutMs: int(env, "KAFKA_SEND_TIMEOUT_MS", 30_000, 1000),
      compression: choice(env, "KAFKA_COMPRESSION", KAFKA_COMPRESSIONS),
      caCert: env.KAFKA_CA_CERT || (sec.secure ? join(sec.secrets, "ca.crt") : undefined),
      sasl: sec.kafkaUser
        ? {
            mechanism: sec.mechanism,
            username: sec.kafkaUser,
            password: env.KAFKA_PASSWORD || secretOf(sec.secrets, "kafka", sec.kafkaUser),
          }
        : undefined,
    },
    es: {
      nodes: onStandby
        ? standby.nodes
        : list(
            env,
            "ES_NODES",
            nodes.map((n) => `${sec.secure ? "https" : "http"}://${hostOf(n)}:${9199 + n}`),
          ),
      username: sec.esUser,
      password: env.ES_PASSWORD || (sec.esUser && sec.secure ? secretOf(sec.secrets, "es", sec.esUser) : undefined),
      apiKey: env.ES_API_KEY || undefined,
      caCert: env.ES_CA_CERT || (sec.secure ? join(sec.secrets, "ca.crt") : undefined),
      shards: int(env, "INDEX_SHARDS", 1, 1),
      replicas: onStandby ? standby.replicas : int(env, "INDEX_REPLICAS", full ? 2 : 0, 0),
      requestTimeoutMs: int(env, "ES_REQUEST_TIMEOUT_MS", 30_000, 100),
    },
    bolt: {
      batchMax: int(env, "BOLT_BATCH_MAX", 5000, 1),
      partitionsConcurrently: int(env, "BOLT_PARTITIONS_CONCURRENTLY", 9, 1),
      stallTimeoutMs: int(env, "BOLT_STALL_TIMEOUT_MS", 60_000, 1000),
      retryMaxMs: int(env, "BOLT_RETRY_MAX_MS", 10_000, 10),
      sessionTimeoutMs: int(env, "BOLT_SESSION_TIMEOUT_MS", 30_000, 6000),
      txKeepRaw: int(env, "BOLT_TX_KEEP_RAW", 0, 0) === 1,
      testCrashAfterWrite: num(env, "BOLT_TEST_CRASH_AFTER_WRITE", 0),
      /** appended to each bolt's consumer group (make rebuild's bolts: -rebuild) */
      groupSuffix,
    },
    /** where the producers leave their sources' health for make status (per namespace) */
    healthDir: join(str(env, "BTC_VAR", join(PROJECT_ROOT, "var")), "run", "health", ns || "default"),
    /** the standby Elasticsearch cluster (scripts/standby/, the dashboard's failover) and which one this program uses */
    standby,
    esTarget: target as "primary" | "standby",
    kibanaUrl: env.KIBANA_URL || undefined,
    /** make kibana-import's own login to Kibana (never the Elasticsearch credentials), CA, and plain-http consent */
    kibana: {
      username: env.KIBANA_USERNAME || undefined,
      password: env.KIBANA_PASSWORD || undefined,
      caCert: env.KIBANA_CA_CERT || undefined,
      allowHttp: str(env, "KIBANA_ALLOW_HTTP", "0") === "1",
    },
    dashboardPort: int(env, "DASHBOARD_PORT", 8080, 1),
    dashboardHost: str(env, "DASHBOARD_HOST", "127.0.0.1"),
    /** the dashboard's live streams (dashboard/sse.ts): unsent bytes before a stream is closed, per address, views */
    dashboardStreams: {
      maxUnsentBytes: int(env, "DASHBOARD_SSE_MAX_UNSENT_KB", 4096, 16) * 1024,
      maxPerClient: int(env, "DASHBOARD_MAX_STREAMS_PER_CLIENT", 10, 1),
      maxViews: int(env, "DASHBOARD_MAX_VIEWS", 20, 1),
    },
    sourceMode: str(env, "SOURCE_MODE", "simulate"),
    replayFile: env.REPLAY_FILE || undefined,
    replaySpeed: str(env, "REPLAY_SPEED", "1"),
    captureFile: env.CAPTURE_FILE || undefined,
    simRate: num(env, "SIM_RATE", 1),
    simSeed: int(env, "SIM_SEED", 1, 0),
    simBlockSeconds: num(env, "SIM_BLOCK_SECONDS", 600),
    producers: producersOf(env),
    rebuild: rebuildOf(env, ns),
    backup: backupOf(env),
    /** BTC_SECURE=1: TLS and authentication everywhere; `identity` is who this program is (its users' name) */
    secure: sec.secure,
    secrets: sec.secrets,
    identity: sec.identity,
  };
  return cfg;
}

/** Who a program is, from its script (scripts/bolts/prices.ts: bolt-prices); undefined for other scripts. */
export function identityOfScript(path: string): string | undefined {
  const m = path.match(/scripts\/(bolts|producers|dashboard|setup|tools|health)\/([a-z-]+)\.ts$/);
  if (!m) return undefined;
  const [, dir, name] = m;
  if (dir === "bolts") return `bolt-${name}`;
  if (dir === "producers") return name === "bpi" || name === "blockchain" ? `producer-${name}` : undefined;
  if (dir === "dashboard") return name === "server" ? "dashboard" : undefined;
  if (name === "status" || name === "pipeline-health") return "status";
  return dir === "setup" && name !== "kibana-import" ? "setup" : undefined;
}

/** A password file of BTC_SECRETS (kafka/<user> or es/<user>), or undefined when there is none. */
function secretOf(secrets: string, system: "kafka" | "es", user: string): string | undefined {
  try {
    return readFileSync(join(secrets, system, user), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Secure mode (BTC_SECURE=1): the secrets folder, this program's identity and users, the nodes' hosts. */
function secureOf(env: Env) {
  const secure = choice(env, "BTC_SECURE", ["0", "1"]) === "1";
  const identity = env.BTC_IDENTITY || identityOfScript(process.argv[1] ?? "");
  const mechanism = choice(env, "KAFKA_SASL_MECHANISM", ["scram-sha-512", "scram-sha-256", "plain"]);
  return {
    secure,
    secrets: str(env, "BTC_SECRETS", join(str(env, "BTC_VAR", join(PROJECT_ROOT, "var")), "secrets")),
    identity,
    nodeHosts: list(env, "BTC_NODE_HOSTS", []),
    mechanism,
    kafkaUser: env.KAFKA_USERNAME || (secure ? identity : undefined),
    esUser: env.ES_USERNAME || (secure && !env.ES_API_KEY ? identity : undefined),
  };
}

export type Config = ReturnType<typeof loadConfig>;

export const SOURCE_MODES = ["live", "simulate", "replay"] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

/** The producers' settings (scripts/producers): modes, sources, WebSocket liveness, the bounded buffer. */
function producersOf(env: Env) {
  const mode = choice(env, "SOURCE_MODE", SOURCE_MODES, "simulate");
  const speedRaw = str(env, "REPLAY_SPEED", "1");
  const speed = speedRaw === "max" ? Number.POSITIVE_INFINITY : Number(speedRaw);
  if (!(speed > 0)) throw new ConfigError(`REPLAY_SPEED=${speedRaw}: expected a positive number or max`);
  return {
    mode,
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
    blockRetryMaxMs: int(env, "BLOCK_RETRY_MAX_MS", 300_000, 100),
    blockTipCheckMs: int(env, "BLOCK_TIP_CHECK_MS", 60_000, 1000),
    bufferMax: int(env, "PRODUCER_BUFFER_MAX", 100_000, 1),
    bufferMaxBytes: int(env, "PRODUCER_BUFFER_MAX_MB", 64, 1) * 1_048_576,
    batchMax: int(env, "PRODUCER_BATCH_MAX", 500, 1),
    lingerMs: int(env, "PRODUCER_LINGER_MS", 20, 0),
  };
}

/** The standby bolts' consumer groups: each bolt's group with this suffix (BOLT_GROUP_SUFFIX under ES_TARGET=standby). */
export const STANDBY_GROUP_SUFFIX = "-standby";

/** The standby Elasticsearch cluster (bin/es-node standby N, standby:bolt-*-standby) and the dashboard's failover. */
function standbyOf(env: Env) {
  const flag = choice(env, "ES_STANDBY", ["0", "1"]);
  const nodesN = int(env, "ES_STANDBY_NODES_N", 1, 1);
  if (nodesN !== 1 && nodesN !== 3) throw new ConfigError(`ES_STANDBY_NODES_N=${nodesN}: expected 1 or 3`);
  const httpPort = int(env, "ES_STANDBY_HTTP_PORT", 9210, 1);
  const ports = Array.from({ length: nodesN }, (_, i) => httpPort + i);
  return {
    enabled: flag === "1",
    nodesN,
    nodes: list(
      env,
      "ES_STANDBY_NODES",
      ports.map((p) => `http://127.0.0.1:${p}`),
    ),
    replicas: int(env, "ES_STANDBY_REPLICAS", Math.min(2, nodesN - 1), 0),
    /** the dashboard serves from the standby once the primary has not answered for this long */
    failoverAfterMs: int(env, "FAILOVER_AFTER_MS", 3000, 100),
    /** and back from the primary once it has answered, at most FAILBACK_BEHIND_S behind Kafka, for this long */
    failbackAfterMs: int(env, "FAILBACK_AFTER_MS", 10_000, 0),
    failbackBehindS: int(env, "FAILBACK_BEHIND_S", 5, 0),
  };
}

/** make rebuild's settings (scripts/setup/rebuild.ts): consent, loss allowed, old generation dropped, and who
 * stops the live bolts around the swap (supervisord's storm:bolt-* programs; none in a namespace: a test's own). */
function rebuildOf(env: Env, ns: string) {
  const liveBolts = choice(env, "REBUILD_LIVE_BOLTS", ["supervisord", "none"], ns ? "none" : "supervisord");
  return {
    confirm: str(env, "REBUILD_CONFIRM", "no") === "yes",
    allowLoss: str(env, "REBUILD_ALLOW_LOSS", "no") === "yes",
    dropOld: str(env, "REBUILD_DROP_OLD", "no") === "yes",
    liveBolts,
  };
}

/** make snapshot, make restore and the scheduled snapshots (scripts/backup/): the repository, the schedule (cron,
 * 6 fields with seconds) and how many snapshots it keeps, the restore's consent, snapshot and loss allowed. */
function backupOf(env: Env) {
  return {
    /** the standby cluster (ES_TARGET=standby) has its own repository: two clusters must never write to one */
    repo: str(env, "SNAPSHOT_REPO", env.ES_TARGET === "standby" ? "btc-backups-standby" : "btc-backups"),
    schedule: str(env, "SNAPSHOT_SCHEDULE", "0 15 * * * *"),
    keep: int(env, "SNAPSHOT_KEEP", 48, 1),
    restoreConfirm: str(env, "RESTORE_CONFIRM", "no") === "yes",
    restoreSnapshot: env.RESTORE_SNAPSHOT || undefined,
    restoreAllowLoss: str(env, "RESTORE_ALLOW_LOSS", "no") === "yes",
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

/** The indices, named once; BTC_NAMESPACE prefixes them as it does the topics. Each name is an alias of a concrete
 * generation `<name>-g<N>` (scripts/setup/indices.ts); INDEX_GENERATION=N names that generation instead. */
export function indicesOf(cfg: Pick<Config, "namespace"> & { indexGeneration?: number }) {
  const p = cfg.namespace ? `${cfg.namespace}-` : "";
  const g = cfg.indexGeneration ? `-g${cfg.indexGeneration}` : "";
  return {
    value: `${p}btc-value${g}`,
    volume: `${p}btc-volume${g}`,
    miner: `${p}btc-miner${g}`,
    rawBpi: `${p}btc-raw-bpi${g}`,
    rawBlocks: `${p}btc-raw-blocks${g}`,
    rawTransactions: `${p}btc-raw-transactions${g}`,
  };
}

/** The configuration of the same environment aimed at the standby cluster (ES_TARGET=standby: its nodes, replicas
 * and consumer groups), for the setup, make status and the dashboard. */
export function standbyConfigOf(env: Env = process.env): Config {
  return loadConfig({ ...env, ES_TARGET: "standby" });
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
