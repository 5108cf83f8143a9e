import { expect, test } from "bun:test";
import { accessOf } from "./access.ts";
import { Logins } from "./logins.ts";

const bearer = (t: string) => `Bearer ${t}`;

test("failed logins are limited per address: past the limit within a minute, 429 until the minute is over", () => {
  let now = 1_000_000;
  const blocked: string[] = [];
  const access = accessOf({ DASHBOARD_TOKEN: "s3cret", DASHBOARD_MAX_FAILED_LOGINS: "3" }, "127.0.0.1");
  const logins = new Logins(
    access,
    (a) => blocked.push(a),
    () => now,
  );
  expect(logins.check(null, "10.0.0.1").status).toBe(401); // a browser's first request: not a failed login
  for (let i = 0; i < 3; i++) expect(logins.check(bearer(`guess${i}`), "10.0.0.1").status).toBe(401);
  expect(blocked).toEqual(["10.0.0.1"]);
  // even the right token is not checked now, and another address is not affected
  expect(logins.check(bearer("s3cret"), "10.0.0.1")).toEqual({ status: 429, retryAfterS: 60 });
  expect(logins.check(bearer("s3cret"), "10.0.0.2").status).toBe(200);
  now += 45_000;
  expect(logins.check(bearer("guess"), "10.0.0.1")).toEqual({ status: 429, retryAfterS: 15 });
  now += 15_000;
  expect(logins.check(bearer("s3cret"), "10.0.0.1").status).toBe(200);
  // failures spread over more than a minute never add up to a block
  for (let i = 0; i < 10; i++) {
    expect(logins.check(bearer("nope"), "10.0.0.3").status).toBe(401);
    now += 30_000;
  }
  expect(blocked).toEqual(["10.0.0.1"]);
});
