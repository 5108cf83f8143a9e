import { expect, test } from "bun:test";
import { reorgCapture } from "../../tests/reorg-capture.ts";
import { referenceFigures } from "./reference-figures.ts";

test("the reference orphans every block of a losing branch, not only its tip (splits 3 and 2 blocks deep)", () => {
  const { lines, minerOf } = reorgCapture();
  const { miners, rejects } = referenceFigures(lines, minerOf);
  expect(rejects).toBe(0);
  const blocks = (miner: string) =>
    Object.entries(miners)
      .filter(([id]) => id.startsWith("day:") && id.endsWith(`:${miner}`))
      .reduce((n, [, m]) => n + m.blocks, 0);
  expect(blocks("ViaBTC")).toBe(0); // A: 3 blocks, all lost to B
  expect(blocks("F2Pool")).toBe(0); // C: 2 blocks, lost to D (which arrived newest first)
  expect(blocks("Foundry USA")).toBe(4);
  expect(blocks("AntPool")).toBe(3);
  expect(blocks("MARA Pool")).toBe(1);
  expect(
    Object.keys(miners)
      .filter((id) => id.startsWith("month:"))
      .sort(),
  ).toEqual([
    "month:2024-03-01T00:00:00.000Z:AntPool",
    "month:2024-03-01T00:00:00.000Z:Foundry USA",
    "month:2024-03-01T00:00:00.000Z:MARA Pool",
    "month:2024-04-01T00:00:00.000Z:AntPool",
  ]);
});
