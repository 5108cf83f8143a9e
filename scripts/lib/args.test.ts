// A tool's arguments are parsed strictly: a misspelled flag, a missing value, a stray argument or a bad number is
// refused with the tool's usage; the tools refuse it too when run (exit 2, nothing done).

import { expect, test } from "bun:test";
import { join } from "node:path";
import { toolArgs, UsageError, wholeArg } from "./args.ts";
import { PROJECT_ROOT } from "./config.ts";

const USAGE = "bun tool.ts [--reps 3] [--keep-logs]";
const OPTIONS = { reps: { type: "string" }, "keep-logs": { type: "boolean" } } as const;
const parse = (args: string[], positionals = 0) => toolArgs(USAGE, OPTIONS, { args, positionals });

test("known flags are read, typed", () => {
  const { values } = parse(["--reps", "5", "--keep-logs"]);
  expect(values.reps).toBe("5");
  expect(values["keep-logs"]).toBe(true);
  expect(parse([]).values.reps).toBeUndefined();
  expect(parse(["--reps=7"]).values.reps).toBe("7");
});

test("a misspelled flag is refused with the usage", () => {
  expect(() => parse(["--rep", "5"])).toThrow(UsageError);
  expect(() => parse(["--rep", "5"])).toThrow(/Unknown option '--rep'[\s\S]*usage: bun tool\.ts/);
});

test("a flag without its value, a value to a boolean, a stray argument are refused", () => {
  expect(() => parse(["--reps"])).toThrow(/--reps[\s\S]*usage:/);
  expect(() => parse(["--keep-logs=yes"])).toThrow(UsageError);
  expect(() => parse(["extra"])).toThrow(/unexpected argument 'extra'/);
  expect(parse(["file.json"], 1).positionals).toEqual(["file.json"]);
  expect(() => parse(["a", "b"], 1)).toThrow(/unexpected argument 'b'/);
});

test("whole numbers", () => {
  expect(wholeArg("reps", undefined, 3)).toBe(3);
  expect(wholeArg("reps", "4", 3)).toBe(4);
  for (const bad of ["0", "2.5", "x", "", "-1"]) expect(() => wholeArg("reps", bad, 3)).toThrow(/--reps/);
});

test("the tools refuse a misspelled flag before doing anything (exit 2, the usage)", () => {
  for (const tool of [
    "scripts/evaluations/bench-kafka-clients.ts",
    "scripts/evaluations/kafka-client-faults.ts",
    "scripts/evaluations/kafka-version-check.ts",
    "scripts/setup/secure-kafka.ts",
    "scripts/setup/secure-es.ts",
    "scripts/bench/bench-chart.ts",
    "scripts/health/pipeline-health.ts",
  ]) {
    const r = Bun.spawnSync(["bun", join(PROJECT_ROOT, tool), "--reps-typo", "3"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, KAFKA_BROKERS: "127.0.0.1:1", ES_NODES: "http://127.0.0.1:1" },
    });
    expect({
      tool,
      exit: r.exitCode,
      refusal: /Unknown option '--reps-typo'[\s\S]*usage: /.test(`${r.stderr}`),
    }).toEqual({
      tool,
      exit: 2,
      refusal: true,
    });
  }
}, 60_000);
