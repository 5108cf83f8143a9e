import { expect, test } from "bun:test";
import { loadConfig } from "./config.ts";
import { fetchWaitMs } from "./consume.ts";

test("an idle bolt's fetch waits 5 s (a stop waits for it), under a third of the session and half the stall timeout", () => {
  expect(fetchWaitMs(loadConfig({}))).toBe(5000);
  expect(fetchWaitMs(loadConfig({ BOLT_SESSION_TIMEOUT_MS: "8000" }))).toBe(2666);
  expect(fetchWaitMs(loadConfig({ BOLT_STALL_TIMEOUT_MS: "4000" }))).toBe(2000);
});
