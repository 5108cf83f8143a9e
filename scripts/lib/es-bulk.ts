// The bulk writer every bolt uses. `_bulk` answers 200 even when items fail: bulkWrite checks every item, retries
// 429/5xx, unreachable nodes and a closed, blocked or missing index (the cluster's state for now, es.ts) with capped
// backoff (forever, so a bolt pauses rather than crash-looping), and hands back the items refused for good (mapping
// errors, bad documents) so the caller dead-letters them before committing offsets. A request refused as a whole
// (413 too large, 400, a permanent circuit breaker) is split until the culprit stands alone and is refused; refused
// credentials (401, 403), of the request or of one item, stop the program with a message saying what to fix. Writes
// through an alias require one (alias-writes.ts), so no index is auto-created.

import type { Client } from "@elastic/elasticsearch";
import { throughAliases } from "./alias-writes.ts";
import {
  blockedForNow,
  credentialsMessage,
  type EsError,
  indexMissing,
  MISSING_HINT,
  requestRefusal,
  withRetry,
} from "./es.ts";
import { backoff, sleep } from "./log.ts";
import { isStopping } from "./shutdown.ts";

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

/** What to do with one item of a bulk answer: "fatal" is a refusal of this program's rights (401, 403 other than a
 * block), the same for every record, so the program stops with what to fix instead of dead-lettering them all. */
export function itemOutcome(op: BulkOp, status: number, type?: string): "done" | "retry" | "refused" | "fatal" {
  if (status < 300 || alreadyDone(op, status) || (op.op === "delete" && status === 404 && !indexMissing(status, type)))
    return "done";
  if (status === 429 || status >= 500 || blockedForNow(status, type) || indexMissing(status, type)) return "retry";
  if (status === 401 || status === 403) return "fatal";
  return "refused";
}

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
