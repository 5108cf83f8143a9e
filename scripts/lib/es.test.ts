import { expect, test } from "bun:test";
import { blockedForNow, itemOutcome, requestRefusal, retryableRead } from "./es.ts";

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
  expect(retryableRead(err(404, { type: "index_not_found_exception", reason: "no such index" }))).toBe(false);
});
