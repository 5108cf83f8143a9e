// `make setup` on a machine that has everything changes nothing: every step says "ok", nothing is downloaded,
// installed or rewritten (the installs' files and their times are the same before and after).
import { expect, test } from "bun:test";
import { $ } from "zx";
import { ROOT } from "./cluster.ts";

async function fingerprint(): Promise<string> {
  const r = await $({ cwd: ROOT, quiet: true })`find var/opt -maxdepth 3 -printf '%p %s %T@\n'`;
  return r.stdout.split("\n").sort().join("\n");
}

test("make setup twice: the second run changes nothing", async () => {
  await $({ cwd: ROOT, quiet: true })`make setup`;
  const before = await fingerprint();
  const second = await $({ cwd: ROOT, quiet: true })`make setup`;
  const after = await fingerprint();
  expect(after).toBe(before);
  const steps = second.stdout.split("\n").filter((l) => l.startsWith("==> ["));
  expect(steps.length).toBe(8);
  expect(second.stdout).not.toMatch(/installed|created|FAILED/);
  expect(second.stdout).toContain("setup complete");
}, 300_000);
