import { expect, test } from "bun:test";
import { coinbaseText, minerOfBlock, readableTag } from "./pools.ts";

const hex = (s: string) => Buffer.from(s, "latin1").toString("hex");

test("a payout address of the coinbase names the pool first", () => {
  const cb = { addresses: ["12dRugNcdxK39288NjcDV4GX7rMsKCGn6B"], scriptHex: hex("/ViaBTC/") };
  expect(minerOfBlock(cb, "Someone")).toEqual({ miner: "AntPool", match: "address" });
});

test("then a tag found in the coinbase script read as text, case-insensitively", () => {
  const cb = { addresses: ["bc1qunknown"], scriptHex: `03f89c0c${hex("foundry usa pool #dropgold")}` };
  expect(minerOfBlock(cb, undefined)).toEqual({ miner: "Foundry USA", match: "tag" });
});

test("then the source's attribution, kept as literal text, else Unknown", () => {
  const hostile = "<img src=x onerror=alert(1)>";
  expect(minerOfBlock({ addresses: [], scriptHex: hex("nothing here") }, hostile)).toEqual({
    miner: hostile,
    match: "found_by",
  });
  expect(minerOfBlock(undefined, "  ")).toEqual({ miner: "Unknown", match: "unknown" });
});

test("coinbase text is one character per byte; the readable tag keeps printable runs", () => {
  expect(coinbaseText("41420043")).toBe("AB\u0000C");
  expect(readableTag(`\u0003\u00f8${"/AntPool/"}\u0001\u0002xy`)).toBe("/AntPool/");
});
