import { expect, test } from "bun:test";
import { bulkWrite, itemOutcome } from "./es-bulk.ts";

test("a bulk item: done, retried (busy, failing, or its index closed) or refused for good", () => {
  const create = { op: "create" as const, index: "i", id: "1", ref: 0 };
  const versioned = { op: "index" as const, index: "i", id: "1", version: 5, ref: 0 };
  const guarded = { op: "index" as const, index: "i", id: "1", ifSeqNo: 3, ifPrimaryTerm: 1, ref: 0 };
  expect(itemOutcome(create, 201)).toBe("done");
  expect(itemOutcome(create, 409)).toBe("done");
  expect(itemOutcome(versioned, 409)).toBe("done");
  expect(itemOutcome(guarded, 409)).toBe("refused");
  expect(itemOutcome({ ...create, op: "delete" }, 404)).toBe("done");
  expect(itemOutcome(create, 429)).toBe("retry");
  expect(itemOutcome(create, 503)).toBe("retry");
  expect(itemOutcome(create, 400, "index_closed_exception")).toBe("retry");
  expect(itemOutcome(create, 403, "cluster_block_exception")).toBe("retry");
  expect(itemOutcome(create, 400, "mapper_parsing_exception")).toBe("refused");
});

test("a bulk item refused for want of privilege stops the program with what to fix; nothing is dead-lettered", async () => {
  const client = {
    indices: { get: async () => ({}) },
    bulk: async () => ({
      items: [
        { create: { status: 201 } },
        {
          create: {
            status: 403,
            error: { type: "security_exception", reason: "action [indices:admin/auto_create] is unauthorized" },
          },
        },
      ],
    }),
  } as unknown as Parameters<typeof bulkWrite>[0];
  const ops = [0, 1].map((ref) => ({
    op: "create" as const,
    index: "btc-raw-transactions",
    id: String(ref),
    doc: {},
    ref,
  }));
  const thrown = await bulkWrite(client, ops).then(
    () => undefined,
    (e: Error & { fatal?: boolean }) => e,
  );
  expect(thrown?.fatal).toBe(true);
  expect(thrown?.message).toContain("btc-raw-transactions");
  expect(thrown?.message).toContain("ES_USERNAME");
});

test("a bulk item whose index is missing is retried until the index is back, with what to fix in the log", async () => {
  let calls = 0;
  const client = {
    indices: { get: async () => ({}) },
    bulk: async () => {
      calls++;
      const missing = { status: 404, error: { type: "index_not_found_exception", reason: "no such index [x]" } };
      return { items: [{ index: calls < 3 ? missing : { status: 201 } }] };
    },
  } as unknown as Parameters<typeof bulkWrite>[0];
  const refused = await bulkWrite(client, [{ op: "index", index: "x", id: "1", doc: {}, ref: 0 }], { retryMaxMs: 10 });
  expect(refused).toEqual([]);
  expect(calls).toBe(3);
});

test("writes through an alias require one (nothing auto-created); to a concrete index, as they are", async () => {
  const asked: Array<Record<string, unknown>> = [];
  const lookups: string[] = [];
  const client = {
    indices: {
      get: async ({ index }: { index: string }) => {
        lookups.push(index);
        if (index === "denied") throw { meta: { statusCode: 403 } };
        // an alias resolves to its generation; a concrete index to itself; a deleted name to nothing
        return (
          { "btc-volume": { "btc-volume-g2": { aliases: {} } }, "btc-volume-g2": { "btc-volume-g2": {} } }[index] ?? {}
        );
      },
    },
    bulk: async (params: Record<string, unknown>) => {
      asked.push(params);
      return { items: [{ index: { status: 201 } }] };
    },
  } as unknown as Parameters<typeof bulkWrite>[0];
  const op = { op: "index" as const, index: "btc-volume", id: "1", doc: {}, ref: 0 };
  for (const index of ["btc-volume", "btc-volume-g2", "gone", "denied", "btc-volume"])
    await bulkWrite(client, [{ ...op, index }]);
  expect(asked.map((p) => p.require_alias)).toEqual([true, undefined, true, true, true]);
  expect(lookups).toEqual(["btc-volume", "btc-volume-g2", "gone", "denied"]); // once per name
});

test("a lookup of the alias that fails never refuses the records: the write requires an alias, asked again later", async () => {
  let lookups = 0;
  const client = {
    indices: {
      get: async () => {
        if (++lookups === 1)
          throw { meta: { statusCode: 400, body: { error: { type: "illegal_argument_exception" } } } };
        return { "btc-miner-g1": {} };
      },
    },
    bulk: async () => ({ items: [{ index: { status: 201 } }] }),
  } as unknown as Parameters<typeof bulkWrite>[0];
  const op = { op: "index" as const, index: "btc-miner", id: "1", doc: {}, ref: 0 }; // not asked before
  expect(await bulkWrite(client, [op], { retryMaxMs: 10 })).toEqual([]);
  expect(await bulkWrite(client, [op], { retryMaxMs: 10 })).toEqual([]);
  expect(lookups).toBe(2);
});
