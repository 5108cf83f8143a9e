import { expect, test } from "bun:test";
import { generationName, generationOf, nextGeneration, oldIndicesOf, stateOf, swapActions } from "./generations.ts";

test("generation names: <alias>-g<N>; the alias itself is the legacy generation 0; other names are none", () => {
  expect(generationName("t-x-btc-value", 3)).toBe("t-x-btc-value-g3");
  expect(generationOf("btc-value", "btc-value-g12")).toBe(12);
  expect(generationOf("btc-value", "btc-value")).toBe(0);
  expect(generationOf("btc-value", "btc-value-g0")).toBe(0);
  for (const other of ["btc-value-g", "btc-value-g01", "btc-value-gx", "btc-volume-g1", "x-btc-value-g1"])
    expect(generationOf("btc-value", other)).toBeUndefined();
});

test("a name's state: the generation its alias points to, a legacy concrete index, or missing, with left-overs", () => {
  expect(stateOf("a", {})).toEqual({ alias: "a", current: undefined, legacy: false, generations: [] });
  expect(stateOf("a", { "a-g2": { aliases: { a: {} } }, "a-g3": { aliases: {} }, "a-g1": {} })).toEqual({
    alias: "a",
    current: "a-g2",
    legacy: false,
    generations: [1, 2, 3],
  });
  expect(stateOf("a", { a: { aliases: {} }, "a-g1": {} })).toEqual({
    alias: "a",
    current: "a",
    legacy: true,
    generations: [1],
  });
  expect(stateOf("a", { "a-g1": { aliases: { a: {} } }, "a-g2": { aliases: { a: {} } } }).problem).toContain(
    "points to 2 indices",
  );
});

test("the next generation is above every generation of every name, left-overs included", () => {
  const s = (alias: string, generations: number[]) => ({ alias, legacy: false, generations });
  expect(nextGeneration([s("a", []), s("b", [])])).toBe(1);
  expect(nextGeneration([s("a", [1]), s("b", [1, 4])])).toBe(5);
});

test("the swap: one list of actions; a legacy index is removed where its alias is added; old generations stay", () => {
  const states = [
    { alias: "a", current: "a-g1", legacy: false, generations: [1] },
    { alias: "b", current: "b", legacy: true, generations: [] },
    { alias: "c", legacy: false, generations: [] },
  ];
  expect(swapActions(states, 2)).toEqual([
    { remove: { index: "a-g1", alias: "a" } },
    { add: { index: "a-g2", alias: "a" } },
    { remove_index: { index: "b" } },
    { add: { index: "b-g2", alias: "b" } },
    { add: { index: "c-g2", alias: "c" } },
  ]);
  expect(oldIndicesOf(states)).toEqual(["a-g1", "b-g0"]);
});
