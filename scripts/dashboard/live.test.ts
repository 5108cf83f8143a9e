import { expect, test } from "bun:test";
import type { Health } from "../health/pipeline-health.ts";
import { viewKey } from "./live.ts";
import { publicHealth, publicReason } from "./shape.ts";

test("the health sent to browsers keeps the figures and drops error texts and internal names", () => {
  const h: Health = {
    at: 1,
    bolts: [{ bolt: "volume", group: "t-btc-volume", topics: ["t-p3-btc-volume-updates"], lag: 3, rate: 1.5, lost: 2 }],
    deadLetters: 0,
    deadLetterBolts: null,
    kafka: { ok: false, brokers: 1, expected: 3, controller: null, error: "KafkaJSConnectionError: 10.0.0.7:9093" },
    es: { ok: false, error: "ConnectionError: connect ECONNREFUSED 10.0.0.8:9200" },
    sample: { at: 1, committed: {} },
  };
  const p = publicHealth(h);
  expect(p).toEqual({
    at: 1,
    bolts: [{ bolt: "volume", lag: 3, rate: 1.5, lost: 2 }],
    deadLetters: 0,
    kafka: { ok: false, brokers: 1, expected: 3, controller: null },
    es: { ok: false, status: undefined, nodes: undefined },
  });
  expect(JSON.stringify(p)).not.toMatch(/Error|10\.0\.0|t-btc|p3-btc/);
});

test("dead letters per bolt reach the browser with the newest reason's first clause only", () => {
  const bolt = (b: string) => ({ bolt: b, group: `t-btc-${b}`, topics: [], lag: 0, rate: null, lost: 0 });
  const reason = "btc-volume refused: mapper_parsing_exception: failed to parse [t-x-btc-volume] at 10.0.0.8";
  const h: Health = {
    at: 1,
    bolts: [bolt("volume"), bolt("miners")],
    deadLetters: 4,
    deadLetterBolts: {
      bolts: [{ bolt: "volume", count: 4, newestAt: 9, newestReason: reason }],
      deleted: 0,
      unread: 0,
    },
    kafka: { ok: true, brokers: 3, expected: 3, controller: 1 },
    es: { ok: true, status: "green", nodes: 3 },
    sample: { at: 1, committed: {} },
  };
  expect(publicHealth(h).bolts).toEqual([
    { bolt: "volume", lag: 0, rate: null, lost: 0, dead: 4, deadAt: 9, deadReason: "btc-volume refused" },
    { bolt: "miners", lag: 0, rate: null, lost: 0, dead: 0 },
  ]);
  expect(JSON.stringify(publicHealth(h))).not.toMatch(/10\.0\.0|t-x|mapper/);
  expect(publicHealth({ ...h, deadLetterBolts: null }).bolts[0]).toEqual({
    bolt: "volume",
    lag: 0,
    rate: null,
    lost: 0,
  });
  expect(publicReason(`hash "${"<b>".repeat(40)}" is not 64 hex digits`)).toHaveLength(80);
});

test("a stream's view key: the range and the miners' periods, nothing else", () => {
  const a = viewKey({ view: { range: "24h" }, day: null, month: 5 });
  expect(a).toBe(viewKey({ view: { range: "24h" }, day: null, month: 5 }));
  expect(a).not.toBe(viewKey({ view: { range: "7d" }, day: null, month: 5 }));
  expect(a).not.toBe(viewKey({ view: { from: 1, to: 2 }, day: null, month: 5 }));
});
