// `make clean` deletes every topic and index of the profile: it says what it will delete and does nothing without
// CLEAN_CONFIRM=yes, like make rebuild and make chaos. Run on a copy of the Makefile and bin/env.sh in a temporary
// checkout (its own var/, no supervisord.conf), never on this checkout's clusters.

import { afterEach, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/config.ts";

let home = "";
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A throwaway checkout with one broker's and one node's data under its var/data/full. */
function checkout() {
  home = mkdtempSync(join(tmpdir(), "btc-make-clean-"));
  mkdirSync(join(home, "bin"));
  copyFileSync(join(PROJECT_ROOT, "Makefile"), join(home, "Makefile"));
  copyFileSync(join(PROJECT_ROOT, "bin/env.sh"), join(home, "bin/env.sh"));
  const kafka = join(home, "var/data/full/kafka-9092/logs");
  const es = join(home, "var/data/full/es-1/data");
  for (const d of [kafka, es]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "records"), "x");
  }
  return { kafka, es };
}

const make = (extra: Record<string, string>) =>
  Bun.spawnSync(["make", "--no-print-directory", "clean"], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ES_BASE: join(home, "var"), ...extra },
  });

test("without CLEAN_CONFIRM=yes: says what it would delete, refuses, deletes nothing", () => {
  const { kafka, es } = checkout();
  const r = make({});
  expect(r.exitCode).not.toBe(0);
  expect(r.stdout.toString()).toContain(join(home, "var/data/full/kafka-*"));
  expect(r.stderr.toString()).toContain("CLEAN_CONFIRM=yes make clean");
  expect(existsSync(join(kafka, "records"))).toBe(true);
  expect(existsSync(join(es, "records"))).toBe(true);
});

test("with CLEAN_CONFIRM=yes: the profile's data is deleted", () => {
  const { kafka, es } = checkout();
  const r = make({ CLEAN_CONFIRM: "yes" });
  expect(r.exitCode).toBe(0);
  expect(existsSync(kafka)).toBe(false);
  expect(existsSync(es)).toBe(false);
});
