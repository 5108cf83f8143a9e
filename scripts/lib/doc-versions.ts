// The stored versions (seq_no and primary term) of documents, read in real time (no refresh needed): what a write
// guarded by if_seq_no / if_primary_term expects to replace. The rollup bolts read them before computing, write
// with them, and compute again when another writer came first (a 409), so the last write of a document is always
// the one computed last, whatever the update records' timestamps and offsets say.
// Reads: the Elasticsearch variables, BOLT_RETRY_MAX_MS.

import type { Client } from "@elastic/elasticsearch";
import { withRetry } from "./es.ts";

/** A stored version: what a write guarded by if_seq_no / if_primary_term expects to replace. */
export type Version = { seqNo: number; primaryTerm: number };

/** The versions of these documents now (absent: no document). */
export async function storedVersions(
  es: Client,
  index: string,
  ids: string[],
  retryMaxMs: number,
  hb: () => Promise<void>,
): Promise<Map<string, Version>> {
  const out = new Map<string, Version>();
  if (ids.length === 0) return out;
  const res = await withRetry("document versions", () => es.mget({ index, ids, _source: false }), retryMaxMs, hb);
  for (const d of res.docs) {
    if ("error" in d) {
      // Never read as "no document": a write guarded by that would conflict for ever (a role without read).
      const { type, reason } = d.error;
      throw Object.assign(new Error(`reading the version of ${index}/${d._id}: ${type}: ${reason}`), {
        fatal: type === "security_exception",
      });
    }
    if (!d.found) continue;
    out.set(d._id, { seqNo: d._seq_no!, primaryTerm: d._primary_term! });
  }
  return out;
}

/** The guard of a write computed from a read of `at`: replace that version, or create (a 409 then means another
 * writer was first: a conflict to compute again, not "already there"). */
export function guardOf(at: Version | undefined) {
  return at
    ? { op: "index" as const, ifSeqNo: at.seqNo, ifPrimaryTerm: at.primaryTerm }
    : { op: "create" as const, guarded: true };
}
