import { expect, test } from "bun:test";
import { blockedForNow, bulkWrite, itemOutcome, requestRefusal, retryableRead, withRetry } from "./es.ts";

const err = (statusCode: number, error?: Record<string, string>) => ({ meta: { statusCode, body: { error } } });

test("a whole request refused for good is told apart from one to retry", () => {
  expect(requestRefusal(err(413))).toMatchObject({ status: 413 });
  expect(requestRefusal(err(400, { type: "x_content_parse_exception", reason: "bad" }))).toMatchObject({
    status: 400,
    reason: "request refused: 400 x_content_parse_exception: bad",
  });
  const breaker = { type: "circuit_breaking_exception", reason: "too big", durability: "PERMANENT" };
  expect(requestRefusal(err(429, breaker))).toMatchObject({ status: 429 });
  expect(requestRefusal(err(429, { ...breaker, durability: "TRANSIENT" }))).toBeUndefined();
  expect(requestRefusal(err(429))).toBeUndefined();
  expect(requestRefusal(err(503))).toBeUndefined();
  expect(requestRefusal(new Error("connect ECONNREFUSED"))).toBeUndefined();
  expect(requestRefusal(err(401))).toBe("credentials");
  expect(requestRefusal(err(403))).toBe("credentials");
});

test("a closed or closing index is transient, never a refusal for good nor a credentials problem", () => {
  const closed = { type: "index_closed_exception", reason: "closed" };
  const closing = { type: "cluster_block_exception", reason: "blocked by: [FORBIDDEN/4/index preparing to close." };
  expect(requestRefusal(err(400, closed))).toBeUndefined();
  expect(requestRefusal(err(403, closing))).toBeUndefined();
  expect(requestRefusal(err(403, { type: "security_exception", reason: "unauthorized" }))).toBe("credentials");
  expect(requestRefusal(err(400, { type: "illegal_argument_exception" }))).toMatchObject({ status: 400 });
  expect(blockedForNow(400, "index_closed_exception")).toBe(true);
  expect(blockedForNow(403, "cluster_block_exception")).toBe(true);
  expect(blockedForNow(400, "mapper_parsing_exception")).toBe(false);
  expect(blockedForNow(403, undefined)).toBe(false);
});

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

test("a read is retried when Elasticsearch is busy, failing, unreachable or the index closed; else it throws", () => {
  expect(retryableRead(err(503))).toBe(true);
  expect(retryableRead(err(429))).toBe(true);
  expect(retryableRead(new Error("connect ECONNREFUSED"))).toBe(true);
  expect(retryableRead(err(400, { type: "index_closed_exception", reason: "closed" }))).toBe(true);
  expect(retryableRead(err(403, { type: "cluster_block_exception", reason: "index closed" }))).toBe(true);
  expect(retryableRead(err(400, { type: "search_phase_execution_exception", reason: "bad query" }))).toBe(false);
});

test("a refusal that is not the record's fault is never 'refused': no privilege stops, a missing index waits", () => {
  const create = { op: "create" as const, index: "i", id: "1", ref: 0 };
  expect(itemOutcome(create, 403, "security_exception")).toBe("fatal");
  expect(itemOutcome(create, 401, "security_exception")).toBe("fatal");
  expect(itemOutcome(create, 404, "index_not_found_exception")).toBe("retry");
  expect(itemOutcome({ ...create, op: "update" }, 404, "document_missing_exception")).toBe("refused");
  expect(requestRefusal(err(404, { type: "index_not_found_exception", reason: "no such index [i]" }))).toBeUndefined();
  expect(retryableRead(err(404, { type: "index_not_found_exception", reason: "no such index" }))).toBe(true);
  expect(retryableRead(err(403, { type: "security_exception", reason: "unauthorized" }))).toBe(false);
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

test("a read refused for want of privilege stops the program; a missing index is waited for", async () => {
  const denied = Object.assign(new Error("denied"), {
    meta: { statusCode: 403, body: { error: { type: "security_exception" } } },
  });
  const thrown = await withRetry("search", async () => {
    throw denied;
  }).then(
    () => undefined,
    (e: Error & { fatal?: boolean }) => e,
  );
  expect(thrown?.fatal).toBe(true);
  let n = 0;
  const missing = { meta: { statusCode: 404, body: { error: { type: "index_not_found_exception" } } } };
  expect(
    await withRetry(
      "search",
      async () => {
        if (n++ < 2) throw missing;
        return "ok";
      },
      10,
    ),
  ).toBe("ok");
});
