import { expect, test } from "bun:test";
import { blockedForNow, requestRefusal, retryableRead, withRetry } from "./es.ts";
import { itemOutcome } from "./es-bulk.ts";

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
