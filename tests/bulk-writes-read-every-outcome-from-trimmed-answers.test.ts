// bulkWrite asks Elasticsearch for a trimmed `_bulk` answer (filter_path: status, error, seq_no) and reaches it over
// Bun's fetch (lib/es-connection.ts). Against real nodes, every outcome must still be read: written, already there
// (409 of a create), refused for good with its reason, a guarded write's seq_no and primary term.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { bulkWrite } from "../scripts/lib/es-bulk.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";

let cfg: Config;
beforeAll(async () => {
  cfg = await freshNamespace("trimmed");
});
afterAll(async () => {
  await dropNamespace(cfg);
});

test("created, already there, refused with its reason, and the seq_no of what was written", async () => {
  const es = esClient(cfg);
  const index = indicesOf(cfg).rawTransactions;
  const tx = (hash: string, value_sat: unknown) => ({
    hash,
    time: 1_700_000_000_000,
    hour: 1_699_999_200_000,
    value_sat,
  });
  const first = await bulkWrite(es, [{ op: "create" as const, index, id: "a", doc: tx("a", 5), ref: "a" }], {
    refresh: "wait_for",
  });
  expect(first).toEqual([]);

  const written = new Map<string, { seqNo: number; primaryTerm: number }>();
  const refused = await bulkWrite(
    es,
    [
      { op: "create" as const, index, id: "a", doc: tx("a", 5), ref: "a (again)" },
      { op: "create" as const, index, id: "b", doc: tx("b", 7), ref: "b" },
      { op: "create" as const, index, id: "c", doc: tx("c", "not a number"), ref: "c" },
    ],
    { refresh: "wait_for", onWritten: (ref, at) => written.set(ref, at) },
  );
  expect(refused.map((r) => r.ref)).toEqual(["c"]);
  expect(refused[0]!.status).toBe(400);
  expect(refused[0]!.reason).toMatch(/^document_parsing_exception: .*value_sat/);
  expect([...written.keys()]).toEqual(["b"]);
  const b = await es.get({ index, id: "b" });
  expect(written.get("b")).toEqual({ seqNo: b._seq_no!, primaryTerm: b._primary_term! });
  expect((await es.count({ index })).count).toBe(2);

  const stale = await bulkWrite(
    es,
    [{ op: "index" as const, index, id: "b", doc: tx("b", 8), ref: "b", ifSeqNo: b._seq_no! + 5, ifPrimaryTerm: 1 }],
    { retryMaxMs: 10, onWritten: () => {} },
  ).catch((e: Error) => e);
  expect(stale).toEqual([
    { ref: "b", status: 409, reason: expect.stringMatching(/^version_conflict_engine_exception/) },
  ]);
}, 120_000);
