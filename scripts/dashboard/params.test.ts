import { expect, test } from "bun:test";
import { parseDay, parseMonth, parseRequest, parseUtc } from "./params.ts";

const q = (s: string) => new URLSearchParams(s);
const T = (s: string) => Date.parse(s);

test("dates are ISO UTC, read strictly: real dates only, Z only", () => {
  expect(parseUtc("2025-01-02T13:00Z")).toBe(T("2025-01-02T13:00:00Z"));
  expect(parseUtc("2025-01-02T13:00:05Z")).toBe(T("2025-01-02T13:00:05Z"));
  expect(parseUtc("2025-01-02T13:00:05.123Z")).toBe(T("2025-01-02T13:00:05.123Z"));
  for (const bad of [
    "2025-02-30T00:00Z",
    "2025-02-29T00:00Z",
    "2025-13-01T00:00Z",
    "2025-01-02T24:00Z",
    "2025-01-02T13:60Z",
    "2025-01-02T13:00:60Z",
    "2025-01-02T13:00",
    "2025-01-02T13:00+01:00",
    "2025-01-02 13:00Z",
    "2025-1-2T13:00Z",
    "1735822800000",
    "2008-12-31T00:00Z",
    " 2025-01-02T13:00Z",
    "",
  ])
    expect({ bad, t: parseUtc(bad) }).toEqual({ bad, t: undefined });
  expect(parseUtc("2024-02-29T00:00Z")).toBe(T("2024-02-29T00:00:00Z"));
  expect(parseDay("2025-01-31")).toBe(T("2025-01-31T00:00:00Z"));
  expect(parseDay("2025-02-30")).toBeUndefined();
  expect(parseDay("2025-01-31T00:00Z")).toBeUndefined();
  expect(parseMonth("2025-02")).toBe(T("2025-02-01T00:00:00Z"));
  expect(parseMonth("2025-00")).toBeUndefined();
  expect(parseMonth("2025-2")).toBeUndefined();
});

test("named queries with allowed values pass, with defaults for what is missing", () => {
  expect(parseRequest("price", q(""))).toEqual({
    ok: true,
    name: "price",
    params: {
      view: { range: "24h" },
      unit: "btc",
      period: "day",
      day: null,
      month: null,
      hour: null,
      miner: null,
      size: 0,
    },
  });
  expect(parseRequest("volume", q("range=1h&unit=eur"))).toMatchObject({
    ok: true,
    params: { view: { range: "1h" }, unit: "eur" },
  });
  expect(parseRequest("max", q("from=2025-01-01T00:00Z&to=2025-01-02T00:00Z"))).toMatchObject({
    ok: true,
    params: { view: { from: T("2025-01-01T00:00:00Z"), to: T("2025-01-02T00:00:00Z") } },
  });
  expect(parseRequest("miners", q("period=month&unit=eur"))).toMatchObject({ ok: true, params: { period: "month" } });
  expect(parseRequest("miners", q("day=2025-01-02"))).toMatchObject({
    ok: true,
    params: { period: "day", day: T("2025-01-02T00:00:00Z") },
  });
  expect(parseRequest("miners", q("month=2025-01"))).toMatchObject({ ok: true, params: { period: "month" } });
  expect(parseRequest("hour", q("hour=2025-01-02T13:00Z"))).toMatchObject({ ok: true, params: { size: 20 } });
  expect(parseRequest("hour", q("hour=2025-01-02T13:00Z&size=100"))).toMatchObject({ ok: true, params: { size: 100 } });
  expect(parseRequest("blocks", q("miner=%3Cimg%3E&day=2025-01-02"))).toMatchObject({
    ok: true,
    params: { miner: "<img>", size: 200 },
  });
  expect(
    parseRequest("stream", q("from=2025-01-01T00:00Z&to=2025-01-02T00:00Z&day=2025-01-01&month=2024-12")),
  ).toMatchObject({ ok: true, params: { day: T("2025-01-01T00:00:00Z"), month: T("2024-12-01T00:00:00Z") } });
  expect(parseRequest("health", q(""))).toMatchObject({ ok: true, name: "health" });
});

test("unknown names are 404", () => {
  for (const name of ["", "search", "_search", "Price", "constructor", "__proto__", "toString", "hasOwnProperty"])
    expect(parseRequest(name, q(""))).toMatchObject({ ok: false, status: 404 });
});

test("unknown parameters, bad values, repeats, bad combinations, overlong values are 400", () => {
  const bad: Array<[string, string]> = [
    ["price", "range=1y"],
    ["price", "range=24h&range=7d"],
    ["price", "unit=btc"],
    ["price", "index=btc-miner"],
    ["price", "range="],
    ["price", "__proto__=1"],
    ["price", "constructor=x"],
    ["price", "from=2025-01-01T00:00Z"],
    ["price", "to=2025-01-01T00:00Z"],
    ["price", "range=24h&from=2025-01-01T00:00Z&to=2025-01-02T00:00Z"],
    ["price", "from=2025-01-02T00:00Z&to=2025-01-01T00:00Z"],
    ["price", "from=2025-01-01T00:00Z&to=2025-01-01T00:00Z"],
    ["price", "from=2024-01-01T00:00Z&to=2025-02-05T00:00Z"],
    ["volume", "from=2025-02-30T00:00Z&to=2025-03-02T00:00Z"],
    ["volume", `from=${"9".repeat(10_000)}&to=2025-01-01T00:00Z`],
    ["volume", "unit=usd"],
    ["miners", "range=24h"],
    ["miners", "period=week"],
    ["miners", "day=2025-01-02&month=2025-01"],
    ["miners", "period=month&day=2025-01-02"],
    ["miners", "period=day&month=2025-01"],
    ["miners", "period=day&size=10000"],
    ["hour", ""],
    ["hour", "hour=2025-01-02T13:30Z"],
    ["hour", "hour=2025-01-02T13:00Z&size=101"],
    ["hour", "hour=2025-01-02T13:00Z&size=0"],
    ["hour", "hour=2025-01-02T13:00Z&size=1e2"],
    ["blocks", "day=2025-01-02"],
    ["blocks", "miner=x"],
    ["blocks", "miner=x&day=2025-01-02&month=2025-01"],
    ["blocks", `miner=${"x".repeat(513)}&day=2025-01-02`],
    ["blocks", "miner=&day=2025-01-02"],
    ["blocks", "miner=x&day=2025-01-02&size=1001"],
    ["health", "x=1"],
    ["stream", "unit=eur"],
  ];
  for (const [name, s] of bad)
    expect({ name, s: s.slice(0, 60), r: parseRequest(name, q(s)) }).toMatchObject({
      name,
      s: s.slice(0, 60),
      r: { ok: false, status: 400 },
    });
  expect(parseRequest("price", q("from=2024-01-01T00:00Z&to=2025-02-04T00:00Z"))).toMatchObject({ ok: true });
});
