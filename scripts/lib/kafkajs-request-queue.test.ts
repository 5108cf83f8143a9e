// The local kafkajs patch (patches/kafkajs@2.2.4.patch), request queue: an idle queue wakes up no more (upstream
// rescheduled checkPendingRequests for ever, kafkajs issue 1704: 3-6% of a core per idle program), and a queued
// request still goes out when the throttle ends or an in-flight request is answered; the request timeout check
// runs only while a request is in flight (upstream: every 100 ms per connection for ever), and still times out.

import { expect, test } from "bun:test";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const RequestQueue = require("kafkajs/src/network/requestQueue/index.js");
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type Queue = {
  push(r: unknown): void;
  fulfillRequest(r: { correlationId: number; payload: null; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
  scheduleRequestTimeoutCheck(): void;
  pending: unknown[];
  requestTimeoutIntervalId?: ReturnType<typeof setInterval> | null;
};

function queue(maxInFlightRequests: number | null = null, requestTimeout = 30_000) {
  const q: Queue = new RequestQueue({
    maxInFlightRequests,
    requestTimeout,
    enforceRequestTimeout: true,
    clientId: "t",
    broker: "b:1",
    logger: quiet,
  });
  let wakeUps = 0;
  const check = q.checkPendingRequests.bind(q);
  q.checkPendingRequests = () => {
    wakeUps++;
    check();
  };
  const sent: number[] = [];
  const push = (correlationId: number) =>
    new Promise((resolve, reject) =>
      q.push({
        entry: { correlationId, apiKey: 0, apiName: "Test", apiVersion: 0, resolve, reject },
        requestTimeout,
        expectResponse: true,
        sendRequest: () => sent.push(correlationId),
      }),
    );
  const answer = (correlationId: number) => q.fulfillRequest({ correlationId, payload: null, size: 0 });
  return { q, push, answer, sent, wakeUps: () => wakeUps };
}

test("an idle queue, after a request was answered, wakes up no more", async () => {
  const { q, push, answer, wakeUps } = queue();
  const done = push(1);
  answer(1);
  await done;
  const before = wakeUps();
  await Bun.sleep(300);
  expect(wakeUps() - before).toBe(0);
  q.destroy();
});

test("a request queued while throttled goes out when the throttle ends, then the queue rests", async () => {
  const { q, push, answer, sent, wakeUps } = queue();
  q.maybeThrottle(100);
  const done = push(1);
  expect(sent).toEqual([]);
  await Bun.sleep(250);
  expect(sent).toEqual([1]);
  answer(1);
  await done;
  const before = wakeUps();
  await Bun.sleep(200);
  expect(wakeUps() - before).toBe(0);
  q.destroy();
});

test("a request over the in-flight limit goes out when an in-flight one is answered", async () => {
  const { q, push, answer, sent, wakeUps } = queue(1);
  const first = push(1);
  const second = push(2);
  expect(sent).toEqual([1]);
  answer(1);
  await first;
  expect(sent).toEqual([1, 2]);
  answer(2);
  await second;
  const before = wakeUps();
  await Bun.sleep(200);
  expect(wakeUps() - before).toBe(0);
  expect(q.pending).toEqual([]);
  q.destroy();
});

test("the request timeout check runs only while a request is in flight, and still times a request out", async () => {
  const { q, push, answer } = queue(null, 300);
  q.scheduleRequestTimeoutCheck(); // what a connection does once connected
  expect(q.requestTimeoutIntervalId ?? null).toBeNull();
  const done = push(1);
  expect(q.requestTimeoutIntervalId ?? null).not.toBeNull();
  answer(1);
  await done;
  await Bun.sleep(250);
  expect(q.requestTimeoutIntervalId ?? null).toBeNull();
  const t0 = Date.now();
  const error = await push(2).catch((e: Error) => e);
  expect(String(error)).toContain("timed out");
  expect(Date.now() - t0).toBeLessThan(3000);
  await Bun.sleep(250);
  expect(q.requestTimeoutIntervalId ?? null).toBeNull();
  q.destroy();
});
