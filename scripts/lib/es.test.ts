import { expect, test } from "bun:test";
import { requestRefusal } from "./es.ts";

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
