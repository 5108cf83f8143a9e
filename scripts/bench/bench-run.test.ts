import { expect, test } from "bun:test";
import { medianBy, perThousand } from "./bench-run.ts";

test("the median run is the middle one by the key (the lower middle of an even count)", () => {
  const runs = [{ r: 0.31 }, { r: 0.22 }, { r: 0.27 }];
  expect(medianBy(runs, (x) => x.r)).toEqual({ r: 0.27 });
  expect(medianBy([{ r: 2 }, { r: 1 }], (x) => x.r)).toEqual({ r: 1 });
  expect(medianBy([{ r: 5 }], (x) => x.r)).toEqual({ r: 5 });
});

test("CPU seconds per 1,000 transactions, per program", () => {
  const use = [
    { program: "bolt:transactions", pid: 1, cpu_s: 27, max_rss_mb: 90 },
    { program: "elasticsearch#1", pid: 2, cpu_s: 86.7, max_rss_mb: 900 },
  ];
  expect(perThousand(use, 270_000)).toEqual({ "bolt:transactions": 0.1, "elasticsearch#1": 0.321 });
});
