import { expect, test } from "bun:test";
import {
  DEFAULT,
  dataEnd,
  fmtRange,
  fromLocalInput,
  jumpTo,
  parseState,
  shift,
  staleSince,
  stepDay,
  stepMonth,
  streamQuery,
  toSearch,
  windowOf,
} from "./view.ts";

const T = (s: string) => Date.parse(s);
const H = 3600_000;

test("the URL says the state, and the state gives back the same URL (defaults left out)", () => {
  const search =
    "?from=2024-03-09T17:00Z&to=2024-03-10T17:00Z&unit=eur&day=2024-03-10&month=2024-02&miner=%3Cimg%3E&of=day";
  const s = parseState(search);
  expect(s).toEqual({
    range: null,
    from: T("2024-03-09T17:00:00Z"),
    to: T("2024-03-10T17:00:00Z"),
    unit: "eur",
    day: T("2024-03-10T00:00:00Z"),
    month: T("2024-02-01T00:00:00Z"),
    hour: null,
    miner: "<img>",
    of: "day",
    explicit: true,
  });
  expect(toSearch(s)).toBe(search);
  expect(parseState("")).toEqual({ ...DEFAULT, explicit: false });
  expect(toSearch(DEFAULT)).toBe("");
  expect(toSearch({ ...DEFAULT, range: "7d", hour: T("2024-03-10T12:00:00Z") })).toBe(
    "?range=7d&hour=2024-03-10T12:00Z",
  );
  expect(parseState("?range=7d").explicit).toBe(true);
  // what the page cannot read is dropped (the server refuses it anyway)
  expect(parseState("?range=1y&unit=usd&day=2025-13-01&from=x&miner=a")).toEqual({ ...DEFAULT, explicit: false });
  expect(parseState("?from=2024-03-10T17:00Z&to=2024-03-09T17:00Z").range).toBe("24h");
  expect(parseState("?day=2025-02-30&hour=2025-02-29T00:00Z")).toMatchObject({ day: null, hour: null });
});

test("the stream's query: the time range and the miners' periods only", () => {
  expect(streamQuery(DEFAULT)).toBe("range=24h");
  expect(streamQuery({ ...DEFAULT, range: "1h", unit: "eur", day: T("2024-03-10T00:00:00Z"), hour: 5 })).toBe(
    "range=1h&day=2024-03-10",
  );
});

test("previous and next move by the window's length; next from the present is the live preset again", () => {
  const now = T("2024-03-10T12:34:56Z");
  const live = { ...DEFAULT, range: "24h" as const };
  expect(windowOf(live, now)).toEqual({ from: now - 24 * H, to: now, live: true });
  const prev = shift(live, -1, now);
  expect([prev.from, prev.to]).toEqual([T("2024-03-08T12:34:00Z"), T("2024-03-09T12:34:00Z")]);
  expect(shift(live, 1, now)).toBe(live);
  const prev2 = shift(prev, -1, now);
  expect([prev2.from, prev2.to]).toEqual([T("2024-03-07T12:34:00Z"), T("2024-03-08T12:34:00Z")]);
  expect(shift(prev2, 1, now)).toMatchObject({ from: prev.from, to: prev.to });
  expect(shift(prev, 1, now)).toMatchObject({ range: "24h", from: null, to: null });
  const odd = { ...DEFAULT, range: null, from: now - 5 * H, to: now - 2 * H };
  expect(shift(odd, 1, now)).toMatchObject({ from: T("2024-03-10T09:35:00Z"), to: T("2024-03-10T12:35:00Z") });
  expect(shift({ ...prev, hour: 5 }, -1, now).hour).toBeNull();
});

test("stale: the newest data lies before the window; jump shows the same span ending after it", () => {
  const now = T("2026-01-01T00:00:00Z");
  const e = (value: number | null, volume: number | null) => ({
    value: { newest: value, oldest: null },
    volume: { newest: volume, oldest: null },
  });
  const replay = e(T("2024-03-10T15:45:00Z"), T("2024-03-10T16:00:00Z"));
  expect(dataEnd(replay)).toBe(T("2024-03-10T16:59:59.999Z"));
  expect(dataEnd(e(null, null))).toBeNull();
  expect(staleSince(DEFAULT, replay, now)).toBe(T("2024-03-10T16:59:59.999Z"));
  expect(staleSince(DEFAULT, e(now - H, null), now)).toBeNull();
  expect(staleSince(DEFAULT, e(null, null), now)).toBeNull();
  const j = jumpTo({ ...DEFAULT, range: "7d" }, T("2024-03-10T16:59:59.999Z"), now);
  expect(j).toMatchObject({ range: null, from: T("2024-03-03T17:00:00Z"), to: T("2024-03-10T17:00:00Z") });
  expect(fmtRange(windowOf(j, now))).toBe("2024-03-03 17:00 – 2024-03-10 17:00 UTC");
});

test("day and month steps, and the UTC inputs", () => {
  expect(stepDay(T("2024-03-01T00:00:00Z"), -1)).toBe(T("2024-02-29T00:00:00Z"));
  expect(stepMonth(T("2024-01-01T00:00:00Z"), -1)).toBe(T("2023-12-01T00:00:00Z"));
  expect(stepMonth(T("2024-12-01T00:00:00Z"), 1)).toBe(T("2025-01-01T00:00:00Z"));
  expect(fromLocalInput("2024-03-10T12:00")).toBe(T("2024-03-10T12:00:00Z"));
  expect(fromLocalInput("nonsense")).toBeNull();
});
