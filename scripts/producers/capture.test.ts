import { expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Captured, captureLine, captureWriter, parseCaptureLine, readCapture } from "./capture.ts";

const samples = readFileSync(new URL("../../tests/fixtures/blockchain-info-ws.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter(Boolean);

test("the real samples: msg's raw text is recovered byte for byte, and re-written identically", () => {
  for (const line of samples) {
    const c = parseCaptureLine(line);
    expect(c.feed).toBe("blockchain.info/ws");
    expect(line).toContain(`"msg":${c.text}}`);
    expect(captureLine(c)).toBe(line);
  }
});

test("round trip keeps exact bytes: spacing, key order, unicode, number spelling, non-JSON, multi-line", () => {
  const texts = [
    '{ "op" : "utx",  "x":{"value":1.50E+3, "b":1,"a":2} }  ',
    '{"s":"caf\\u00e9 café 🐟","n":-0.0}',
    "[1, 2 ,3]",
    '"a bare JSON string"',
    "42",
    "pong",
    '{"multi":\n "line"}',
    "<html>\r\n502</html>",
    "",
    '{"broken": ',
  ];
  for (const text of texts) {
    const c: Captured = { at: 1_700_000_000_123, feed: "blockchain.info/ws", text };
    const line = captureLine(c);
    expect(line.includes("\n")).toBe(false);
    expect(JSON.parse(line).at).toBe(c.at);
    expect(parseCaptureLine(line)).toEqual(c);
  }
});

test("a hand-written line (other spacing) is still read", () => {
  const c = parseCaptureLine('{ "feed": "coinbase/spot", "at": 5, "msg": {"data": {"amount": "1"}} }');
  expect(c).toEqual({ at: 5, feed: "coinbase/spot", text: '{"data":{"amount":"1"}}' });
});

test("writer then reader: same messages in the same order", async () => {
  const file = join(tmpdir(), `capture-${process.pid}-${Date.now()}.jsonl`);
  const write = captureWriter(file);
  const sent = samples.map(parseCaptureLine).concat([{ at: 9, feed: "kraken/ticker", text: "x\ny" }]);
  for (const c of sent) write(c);
  const back: Captured[] = [];
  for await (const c of readCapture(file)) back.push(c);
  expect(back).toEqual(sent);
  rmSync(file);
});
