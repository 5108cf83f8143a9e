// tests/kibana-vega.ts (how Kibana builds a Vega panel's request) held to the cases of Kibana's own unit test of
// its parser (es_query_parser.test.js, 8.x), so the panel test runs the request Kibana would send. Pure: no cluster.

import { expect, test } from "bun:test";
import { esInterval, kibanaRequest, roundInterval } from "./kibana-vega.ts";

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const r = { min: 10 * DAY, max: 12 * DAY };
const iso = (t: number) => new Date(t).toISOString();
const range = { abc: { gte: iso(r.min), lte: iso(r.max), format: "strict_date_optional_time" } };

test("intervals: Kibana's rounding, calendar for one unit of m h d w M y, fixed otherwise", () => {
  expect(roundInterval(4 * SECOND)).toBe("1s");
  expect(roundInterval(4 * HOUR)).toBe("3h");
  expect(roundInterval((r.max - r.min) / 50)).toBe("1h");
  expect(esInterval("1h")).toEqual({ calendar_interval: "1h" });
  expect(esInterval("3h")).toEqual({ fixed_interval: "3h" });
  expect(esInterval("1w")).toEqual({ calendar_interval: "1w" });
  expect(esInterval("30d")).toEqual({ fixed_interval: "30d" });
  expect(esInterval("30s")).toEqual({ fixed_interval: "30s" });
});

test("%autointerval%, %timefilter% with shift and unit, in the aggregations", () => {
  const body = (aggs: unknown) => kibanaRequest({ index: "i", body: { aggs } }, r).body.aggs;
  expect(body({ date_histogram: { interval: { "%autointerval%": true } } })).toEqual({
    date_histogram: { calendar_interval: "1h" },
  });
  expect(body({ date_histogram: { interval: { "%autointerval%": 10 } } })).toEqual({
    date_histogram: { fixed_interval: "3h" },
  });
  expect(body({ histogram: { interval: 1 } })).toEqual({ histogram: { interval: 1 } });
  expect(body({ a: { "%timefilter%": "min" }, b: { "%timefilter%": "max" } })).toEqual({ a: r.min, b: r.max });
  expect(body({ a: { "%timefilter%": "min", shift: -2, unit: "h" } })).toEqual({ a: r.min - 2 * HOUR });
  expect(body({ a: { "%timefilter%": "min", shift: 2 } })).toEqual({ a: r.min + 2 * DAY });
});

test("%context% and %timefield%: the dashboard's bool, the range pushed into must; body.query refused with them", () => {
  const pills = { filter: [{ f: 6 }], must_not: [{ d: 4 }] };
  expect(kibanaRequest({ index: "i", "%context%": true, "%timefield%": "abc" }, r, pills).body.query).toEqual({
    bool: { must: [{ range }], filter: [{ f: 6 }], should: [], must_not: [{ d: 4 }] },
  });
  expect(kibanaRequest({ index: "i", "%context%": true }, r, pills).body.query).toEqual({
    bool: { must: [], filter: [{ f: 6 }], should: [], must_not: [{ d: 4 }] },
  });
  expect(kibanaRequest({ index: "i", "%timefield%": "abc" }, r).body.query).toEqual({ range });
  expect(() => kibanaRequest({ index: "i", "%context%": true, body: { query: 2 } }, r)).toThrow();
});
