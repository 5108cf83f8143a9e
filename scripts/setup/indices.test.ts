import { expect, test } from "bun:test";
import { fieldIndexedMore, mappingDrift } from "./indices.ts";

test("a field the file leaves unindexed and the live index indexes is more work, not a drift of the figures", () => {
  const file = { properties: { hash: { type: "keyword", index: false }, value_sat: { type: "long" } } };
  const live = { properties: { hash: { type: "keyword" }, value_sat: { type: "long" } } };
  const diffs = mappingDrift(file, live);
  expect(diffs).toEqual(["properties.hash.index: live undefined, file false"]);
  expect(diffs.map(fieldIndexedMore)).toEqual(["hash"]);
});

test("any other difference stays a drift", () => {
  const file = { properties: { hash: { type: "keyword" }, value_sat: { type: "long" } } };
  const live = { properties: { hash: { type: "keyword", index: false }, value_sat: { type: "double" } } };
  const diffs = mappingDrift(file, live);
  expect(diffs).toHaveLength(2);
  expect(diffs.map(fieldIndexedMore)).toEqual([undefined, undefined]);
});
