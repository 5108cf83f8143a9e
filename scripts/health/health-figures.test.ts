import { expect, test } from "bun:test";
import { identityOfScript } from "../lib/config.ts";
import { BOLTS, defaultTopics, groupFigures, groupOf, lagOf, lagSummary, lostOf, rateOf } from "./health-figures.ts";

test("lag: end minus committed per partition; nothing committed counts from 0; never negative", () => {
  expect(lagOf({ "t/0": 10, "t/1": 5, "t/2": 7 }, { "t/0": 4, "t/1": -1, "t/2": 9 })).toBe(6 + 5 + 0);
  expect(lagOf({}, { "t/0": 3 })).toBe(0);
});

test("rate: committed offsets per second between two samples; null without a usable pair", () => {
  const a = { at: 1000, committed: { g: 100 } };
  expect(rateOf(a, { at: 3000, committed: { g: 300 } }, "g")).toBe(100);
  expect(rateOf(undefined, a, "g")).toBeNull();
  expect(rateOf(a, { at: 1100, committed: { g: 200 } }, "g")).toBeNull();
  expect(rateOf(a, { at: 3000, committed: {} }, "g")).toBeNull();
  expect(rateOf(a, { at: 2000, committed: { g: 50 } }, "g")).toBe(0);
});

test("groups and topics follow BTC_NAMESPACE", () => {
  expect(groupOf({ namespace: "" }, "volume")).toBe("btc-volume");
  expect(groupOf({ namespace: "t-a" }, "volume")).toBe("t-a-btc-volume");
  expect(defaultTopics({ namespace: "t-a" }).prices).toEqual(["t-a-p3-btc-bpi"]);
});

test("records deleted before a group read them: the log start above its committed offset", () => {
  expect(lostOf({ "t/0": 10, "t/1": 5, "t/2": 0 }, { "t/0": 4, "t/1": -1, "t/2": 9 })).toBe(6 + 5 + 0);
  expect(lostOf({ "t/0": 3 }, { "t/0": 3 })).toBe(0);
});

const read = <T>(value: T) => ({ ok: true as const, value });
const offsets = (ends: Record<string, number>, starts: Record<string, number> = {}) => read({ ends, starts });

test("a group's figures are unknown, with the reason, as soon as one part was not read; never 0", () => {
  const topics = ["t"];
  const ok = { t: offsets({ "t/0": 10, "t/1": 5 }, { "t/0": 2 }) };
  expect(groupFigures(read({ "t/0": 4 }), topics, ok)).toEqual({ lag: 6 + 5, lost: 0 });
  const timeout = { why: "no answer from Kafka within 1500 ms (end offsets)" };
  expect(groupFigures(read({}), topics, { t: { ok: false, unknown: timeout } })).toEqual({
    lag: null,
    lost: null,
    unknown: timeout,
  });
  const refused = { why: "committed offsets could not be read", detail: "coordinator not available" };
  expect(groupFigures({ ok: false, unknown: refused }, topics, ok).unknown).toEqual(refused);
  // an empty answer, a topic not read, a committed partition without its end: unknown, not lag 0
  expect(groupFigures(read({}), topics, { t: offsets({}) }).lag).toBeNull();
  expect(groupFigures(read({}), topics, {}).unknown?.detail).toBe("t");
  expect(groupFigures(read({ "u/0": 3 }), topics, ok)).toMatchObject({ lag: null, unknown: { detail: "u/0" } });
});

test("the total lag is a number only when every bolt's lag was read", () => {
  const b = (bolt: string, lag: number | null) => ({ bolt, lag, unknown: lag === null ? { why: "w" } : undefined });
  const known = BOLTS.map((x, i) => b(x, i));
  expect(lagSummary({ bolts: known as never })).toBe("10");
  expect(lagSummary({ bolts: BOLTS.map((x) => b(x, 0)) as never })).toBe("0");
  const one = known.map((x) => (x.bolt === "volume" ? b("volume", null) : x));
  expect(lagSummary({ bolts: one as never })).toBe("unknown (volume: w)");
  expect(lagSummary({ bolts: [] })).toBe("unknown (a bolt is missing)");
});

test("run as a program (make replay's --lag), the probe logs in as the status user in secure mode", () => {
  expect(identityOfScript("/x/scripts/health/pipeline-health.ts")).toBe("status");
});
