// The Elasticsearch client, and how its refusals are read: for good, for now, or of this program's credentials.
// Under Bun the client's default undici connection fails and its HttpConnection is slow: it goes over Bun's fetch
// (es-connection.ts). Credentials and TLS come from the environment (ES_USERNAME/ES_PASSWORD or ES_API_KEY,
// ES_CA_CERT). A closed or blocked index (400 index_closed_exception, 403 cluster_block_exception) and a missing one
// (404 index_not_found_exception: deleted, or not created yet) are the cluster's state for now, waited for with the
// command to run in the log; refused credentials (401, 403) stop the program with what to fix. Reads are retried
// with capped backoff (withRetry); bulk writes: es-bulk.ts.

import { readFileSync } from "node:fs";
import { Client } from "@elastic/elasticsearch";
import { type Config, ConfigError } from "./config.ts";
import { FetchConnection } from "./es-connection.ts";
import { backoff, sleep } from "./log.ts";
import { isStopping } from "./shutdown.ts";

export function esClient(cfg: Config): Client {
  const { es } = cfg;
  // BTC_SECURE=1: https with the CA of BTC_SECRETS, as this program's own user (config.ts: ES_USERNAME or its identity)
  if (cfg.secure && !es.apiKey && !es.password)
    throw new ConfigError(
      `BTC_SECURE=1 but no Elasticsearch password for ${es.username ?? "this program (set BTC_IDENTITY)"}: ` +
        `set ES_PASSWORD or create ${cfg.secrets}/es/<user> (BTC_SECURE=1 make setup)`,
    );
  return new Client({
    nodes: es.nodes,
    Connection: FetchConnection,
    requestTimeout: es.requestTimeoutMs,
    maxRetries: 2,
    sniffOnStart: false,
    auth: es.apiKey
      ? { apiKey: es.apiKey }
      : es.username
        ? { username: es.username, password: es.password ?? "" }
        : undefined,
    tls: es.caCert ? { ca: readFileSync(es.caCert) } : undefined,
  });
}

/** An index closed, closing or otherwise blocked (400 index_closed_exception, 403 cluster_block_exception): the
 * cluster's state for now, not something wrong with the request; wait and retry (never dead-letter for it). */
export function blockedForNow(status: number | undefined, type: string | undefined): boolean {
  return (
    (status === 400 && type === "index_closed_exception") || (status === 403 && type === "cluster_block_exception")
  );
}

/** An index that does not exist (deleted, or never created where auto-creation is off): wait for it, never
 * dead-letter for it. */
export function indexMissing(status: number | undefined, type: string | undefined): boolean {
  return status === 404 && type === "index_not_found_exception";
}

export const MISSING_HINT =
  "create it (bun scripts/setup/indices.ts, as make up does), then refill it (REBUILD_CONFIRM=yes make rebuild); a " +
  "concrete index from before the aliases is turned into one by the same make rebuild";

export type EsError = {
  meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string; durability?: string } } };
};

/** Why Elasticsearch refused a whole request for good (undefined: retry it; "credentials": stop the program). */
export function requestRefusal(e: unknown): { status: number; reason: string } | "credentials" | undefined {
  const status = (e as EsError).meta?.statusCode;
  const err = (e as EsError).meta?.body?.error;
  if (blockedForNow(status, err?.type) || indexMissing(status, err?.type)) return undefined;
  if (status === 401 || status === 403) return "credentials";
  const permanent429 = status === 429 && err?.type === "circuit_breaking_exception" && err.durability === "PERMANENT";
  if (status === undefined || status < 400 || status >= 500 || (status === 429 && !permanent429)) return undefined;
  return { status, reason: `request refused: ${status} ${err?.type ?? ""}: ${err?.reason ?? String(e)}`.slice(0, 500) };
}

export function credentialsMessage(status: number | undefined): string {
  return `elasticsearch refused this program's credentials (${status}): check ES_USERNAME / ES_PASSWORD or ES_API_KEY and the privileges of its role`;
}

/** A read worth retrying: Elasticsearch busy (429), failing (5xx, shards not started), unreachable, or the index
 * closed or missing for now; any other 4xx is a bug in the request, thrown. */
export function retryableRead(e: unknown): boolean {
  const status = (e as EsError).meta?.statusCode;
  const type = (e as EsError).meta?.body?.error?.type;
  if (blockedForNow(status, type) || indexMissing(status, type)) return true;
  return status === undefined || status < 400 || status >= 500 || status === 429;
}

/** Run a read (search, aggregation) until it succeeds, with the same backoff as writes; `onRetry` runs between
 * attempts (a bolt heartbeats there, so waiting for Elasticsearch is a pause, not a stall). */
export async function withRetry<R>(
  what: string,
  fn: () => Promise<R>,
  retryMaxMs?: number,
  onRetry?: () => Promise<void>,
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (requestRefusal(e) === "credentials")
        throw Object.assign(new Error(`${credentialsMessage((e as EsError).meta?.statusCode)} (${what})`), {
          fatal: true,
          cause: e,
        });
      if (!retryableRead(e) || isStopping()) throw e;
      const type = (e as EsError).meta?.body?.error?.type;
      const why = indexMissing((e as EsError).meta?.statusCode, type)
        ? `${what} (index missing: ${MISSING_HINT})`
        : what;
      await sleep(backoff(attempt, why, e, retryMaxMs));
      await onRetry?.();
    }
  }
}
