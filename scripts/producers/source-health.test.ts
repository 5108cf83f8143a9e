import { expect, test } from "bun:test";
import {
  blocksWaiting,
  connectionLost,
  messageSeen,
  newSourceHealth,
  sourceProblems,
  sourceResult,
} from "./source-health.ts";

test("a live source that stopped talking, a failing price source, a lost connection are said", () => {
  const h = newSourceHealth("blockchain", "live");
  h.at = 100_000;
  expect(sourceProblems(h, 100_000)).toEqual(["blockchain: no message from any source yet"]);
  messageSeen(h, "blockchain.info/ws", 10_000);
  connectionLost(h, "closed (1006)", 90_000);
  sourceResult(h, "kraken/ticker", "timeout after 5000 ms", 95_000);
  expect(sourceProblems(h, 100_000)).toEqual([
    "blockchain.info/ws: SILENT for 90 s",
    "kraken/ticker: FAILING since 1970-01-01T00:01:35.000Z: timeout after 5000 ms",
    "blockchain: connection lost 1 times, last 10 s ago (closed (1006))",
  ]);
  sourceResult(h, "kraken/ticker", undefined);
  messageSeen(h, "blockchain.info/ws", 99_000);
  expect(sourceProblems(h, 100_000)).toEqual(["blockchain: connection lost 1 times, last 10 s ago (closed (1006))"]);
});

test("simulated and replayed traffic is not expected to flow; a producer that stopped writing is noticed", () => {
  const h = newSourceHealth("bpi", "replay");
  h.at = 0;
  expect(sourceProblems(h, 10_000)).toEqual([]);
  expect(sourceProblems(h, 60_000)).toEqual(["bpi: no news from the producer for 60 s"]);
});

test("blocks waiting for details are said, with height, hash, tries and the last reason; none once fetched", () => {
  const h = newSourceHealth("blockchain", "live");
  h.at = 100_000;
  messageSeen(h, "blockchain.info/ws", 99_000);
  const w = { hash: "ab".repeat(32), height: 850_001, why: "announced", since: 40_000, attempts: 3 };
  blocksWaiting(h, [
    { ...w, hash: "cd".repeat(32), attempts: 0 },
    { ...w, reason: "rawblock: HTTP 500" },
  ]);
  expect(sourceProblems(h, 100_000)).toEqual([
    "blockchain: 1 blocks waiting for details (fetched again until they come)",
    `  block 850001 ${"ab".repeat(32)} (announced) waiting 60 s, 3 tries, last: rawblock: HTTP 500`,
  ]);
  blocksWaiting(h, []);
  expect(sourceProblems(h, 100_000)).toEqual([]);
});
