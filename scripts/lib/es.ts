// Elasticsearch client and the bulk writer every bolt uses.
// Under Bun the client's default undici connection fails and its HttpConnection is slow: it goes over Bun's fetch
// (es-connection.ts). Credentials and TLS come from
// the environment (ES_USERNAME/ES_PASSWORD or ES_API_KEY, ES_CA_CERT).
// `_bulk` answers 200 even when items fail: bulkWrite checks every item, retries 429/5xx, unreachable nodes and a
// closed or blocked index (400 index_closed_exception, 403 cluster_block_exception: the cluster's state for now) with
// capped backoff (forever, so a bolt pauses rather than crash-looping), and hands back the items refused
// for good (mapping errors, bad documents) so the caller dead-letters them before committing offsets. A request
// refused as a whole (413 too large, 400, a permanent circuit breaker) is split until the culprit stands alone and
// is refused; refused credentials (401, 403), of the request or of one item, stop the program with a message saying
// what to fix. A missing index (404 index_not_found_exception: deleted, or not created yet; writes through an alias
// require one, alias-writes.ts, so none is auto-created) is not the record's fault either: writes and reads wait
// for it, logging what to run.

import { readFileSync } from "node:fs";
import { Client } from "@elastic/elasticsearch";
import { throughAliases } from "./alias-writes.ts";
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

/** One write of a bulk request. `op` is the action; `doc` the source (or `{doc, doc_as_upsert}` for update). */
export type BulkOp<T = unknown> = {
  op: "index" | "create" | "update" | "delete";
  index: string;
  id: string;
  doc?: unknown;
  /** external versioning (`version_type: external_gte`): a stale write is refused and counts as done. */
  version?: number;
  /** optimistic concurrency: the write lands only if the document is still at this seq_no/primary_term; a 409
   * is then returned as a refusal (status 409) for the caller to read again and retry. */
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
  /** a `create` made because a read found no document: a 409 means another writer came first (a conflict, returned
   * as a refusal with status 409 for the caller to read again), not "already there". */
  guarded?: boolean;
  /** custom routing (every document of a routing value on one shard, so one search sees them atomically) */
  routing?: string;
  /** carried back with a refusal so the caller knows which record to dead-letter */
  ref: T;
};

export type BulkRefusal<T> = { ref: T; status: number; reason: string };

/** Status codes that mean "this write is already there": create of an existing id, a stale external version. */
function alreadyDone(op: BulkOp, status: number): boolean {
  return status === 409 && !op.guarded && (op.op === "create" || op.version !== undefined);
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

/** What to do with one item of a bulk answer: "fatal" is a refusal of this program's rights (401, 403 other than a
 * block), the same for every record, so the program stops with what to fix instead of dead-lettering them all. */
export function itemOutcome(op: BulkOp, status: number, type?: string): "done" | "retry" | "refused" | "fatal" {
  if (status < 300 || alreadyDone(op, status) || (op.op === "delete" && status === 404 && !indexMissing(status, type)))
    return "done";
  if (status === 429 || status >= 500 || blockedForNow(status, type) || indexMissing(status, type)) return "retry";
  if (status === 401 || status === 403) return "fatal";
  return "refused";
}

const MISSING_HINT =
  "create it (bun scripts/setup/indices.ts, as make up does), then refill it (REBUILD_CONFIRM=yes make rebuild); a " +
  "concrete index from before the aliases is turned into one by the same make rebuild";

/** The parts of a `_bulk` answer bulkWrite reads (each item's status and error, and its seq_no and primary term for
 * `onWritten`): Elasticsearch leaves out the rest (index, id, version, result, shards), a tenth of the bytes to write
 * and to parse per document. */
export function bulkAnswerFields(withSeqNo: boolean): string {
  const fields = ["errors", "items.*.status", "items.*.error.type", "items.*.error.reason"];
  return (withSeqNo ? [...fields, "items.*._seq_no", "items.*._primary_term"] : fields).join(",");
}

/**
 * Write every op; resolves once each one landed or was refused for good (returned). Transient failures
 * (429, 5xx, connection errors) are retried with capped backoff until they land or the process is stopping,
 * in which case it throws, so nothing is committed past a write that did not land.
 */
export async function bulkWrite<T>(
  client: Client,
  ops: BulkOp<T>[],
  opts: {
    refresh?: boolean | "wait_for";
    retryMaxMs?: number;
    onRetry?: () => Promise<void>;
    /** each write that landed, with the seq_no and primary term that now guard the document */
    onWritten?: (ref: T, at: { seqNo: number; primaryTerm: number }) => void;
  } = {},
): Promise<BulkRefusal<T>[]> {
  const refused: BulkRefusal<T>[] = [];
  // `refresh: wait_for` waits only for the items that wrote: a create answered 409 (a retry of a first try whose
  // answer was lost) may name a document not yet searchable, so those indices are refreshed before returning.
  const unseen = new Set<string>();
  let pending = ops;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (isStopping() && attempt > 0) throw new Error("stopping with writes not acknowledged");
    const body: unknown[] = [];
    for (const o of pending) {
      const meta: Record<string, unknown> = { _index: o.index, _id: o.id };
      if (o.version !== undefined) Object.assign(meta, { version: o.version, version_type: "external_gte" });
      if (o.ifSeqNo !== undefined) Object.assign(meta, { if_seq_no: o.ifSeqNo, if_primary_term: o.ifPrimaryTerm });
      if (o.routing !== undefined) meta.routing = o.routing;
      body.push({ [o.op]: meta });
      if (o.op !== "delete") body.push(o.doc);
    }
    type Item = {
      status: number;
      _seq_no?: number;
      _primary_term?: number;
      error?: { type?: string; reason?: string };
    };
    let items: Array<Record<string, Item>>;
    try {
      const requireAlias = await throughAliases(client, pending);
      const res = await client.bulk({
        operations: body,
        refresh: opts.refresh || undefined,
        require_alias: requireAlias || undefined,
        filter_path: bulkAnswerFields(opts.onWritten !== undefined),
      });
      items = res.items as typeof items;
    } catch (e) {
      const refusal = requestRefusal(e);
      if (refusal === "credentials")
        throw Object.assign(new Error(credentialsMessage((e as EsError).meta?.statusCode)), { fatal: true });
      if (refusal) {
        // The request itself was refused (too large, malformed, a permanent circuit breaker): split it until each
        // write stands alone; a write refused on its own is refused for good, for the caller to dead-letter.
        if (pending.length === 1)
          refused.push({ ref: pending[0]!.ref, status: refusal.status, reason: refusal.reason });
        else {
          const half = Math.ceil(pending.length / 2);
          for (const part of [pending.slice(0, half), pending.slice(half)])
            refused.push(...(await bulkWrite(client, part, opts)));
        }
        return refused;
      }
      await sleep(backoff(attempt, "elasticsearch bulk", e, opts.retryMaxMs));
      await opts.onRetry?.();
      continue;
    }
    const retry: BulkOp<T>[] = [];
    let why: string | undefined;
    items.forEach((item, i) => {
      const o = pending[i]!;
      const r = Object.values(item)[0]!;
      const outcome = itemOutcome(o, r.status, r.error?.type);
      if (outcome === "done" && r.status === 409 && o.op === "create") unseen.add(o.index);
      if (r.status < 300 && r._seq_no !== undefined)
        opts.onWritten?.(o.ref, { seqNo: r._seq_no, primaryTerm: r._primary_term! });
      if (outcome === "fatal") {
        const what = `${r.status} ${r.error?.type ?? ""}: ${r.error?.reason ?? ""}`.slice(0, 300);
        throw Object.assign(new Error(`${credentialsMessage(r.status)}; writing to ${o.index}: ${what}`), {
          fatal: true,
        });
      }
      if (outcome === "retry") {
        retry.push(o);
        why ??= indexMissing(r.status, r.error?.type)
          ? `404 index ${o.index} does not exist as an alias: ${MISSING_HINT}`
          : `${r.status} ${r.error?.type ?? ""}`;
      } else if (outcome === "refused")
        refused.push({
          ref: o.ref,
          status: r.status,
          reason: `${r.error?.type ?? r.status}: ${r.error?.reason ?? ""}`,
        });
    });
    if (retry.length > 0) {
      const what = `elasticsearch bulk (${retry.length} items busy or blocked, the first: ${why})`;
      await sleep(backoff(attempt, what, retry.length, opts.retryMaxMs));
      await opts.onRetry?.();
    }
    pending = retry;
  }
  if (opts.refresh === "wait_for" && unseen.size > 0) {
    const index = [...unseen];
    await withRetry(
      `refresh of ${index.join(",")}`,
      () => client.indices.refresh({ index }),
      opts.retryMaxMs,
      opts.onRetry,
    );
  }
  return refused;
}

type EsError = {
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

function credentialsMessage(status: number | undefined): string {
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
