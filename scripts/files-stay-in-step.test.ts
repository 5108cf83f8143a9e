// Drift tests: the files that describe the platform say the same as the code.
// - every script under scripts/{producers,bolts,dashboard} that runs as a program has its [program:] in supervisord.conf;
// - every index a bolt writes is defined in es-indices.http;
// - every environment variable read anywhere (scripts, bin/) is documented in .env.example.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { indicesOf, PROJECT_ROOT } from "./lib/config.ts";
import { configTables } from "./setup/config-table.ts";
import { parseIndicesFile } from "./setup/indices.ts";

const ROOT = PROJECT_ROOT;
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

function files(dir: string, pred: (f: string) => boolean): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && pred(d.name))
    .map((d) => join(d.parentPath, d.name).slice(ROOT.length + 1));
}

test("every program script has its [program:] in supervisord.conf, and every command points at a file", () => {
  const conf = read("supervisord.conf");
  const commands = [...conf.matchAll(/^command=(.*)$/gm)].flatMap((m) =>
    m[1]!
      .split(/\s+/)
      .filter((w) => w.startsWith("scripts/") || w.startsWith("%(here)s/"))
      .map((w) => w.replace("%(here)s/", "")),
  );
  const programs = ["scripts/producers", "scripts/bolts", "scripts/dashboard"].flatMap((d) =>
    files(d, (f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).filter((f) => /import\.meta\.main/.test(read(f))),
  );
  for (const p of programs) expect(commands).toContain(p);
  for (const c of commands) expect(() => read(c)).not.toThrow();
});

test("every index is defined in es-indices.http", () => {
  const defined = parseIndicesFile(read("es-indices.http")).map((s) => s.name);
  expect(defined.sort()).toEqual(Object.values(indicesOf({ namespace: "" })).sort());
});

test("every environment variable read is documented in .env.example", () => {
  const documented = new Set([...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
  const internal = new Set(["SUPERVISOR_PROCESS_NAME", "HOME", "CI", "PATH"]);
  const used = new Set<string>();
  const sources = [
    ...files("scripts", (f) => f.endsWith(".ts") && !f.endsWith(".test.ts")),
    ...files("bin", () => true),
    "Makefile",
  ];
  for (const f of sources) {
    const text = read(f);
    for (const m of text.matchAll(/(?:process\.env\.|env\.)([A-Z][A-Z0-9_]+)/g)) used.add(m[1]!);
    for (const m of text.matchAll(/\(env, "([A-Z][A-Z0-9_]+)"/g)) used.add(m[1]!);
    if (!f.endsWith(".ts")) for (const m of text.matchAll(/\$\{([A-Z][A-Z0-9_]+)[:}-]/g)) used.add(m[1]!);
  }
  const missing = [...used].filter((v) => !documented.has(v) && !internal.has(v) && !v.startsWith("BTC_HOME"));
  expect(missing).toEqual([]);
});

test("the README's configuration tables are those of .env.example", () => {
  expect(read("README.md")).toContain(configTables(read(".env.example")));
});
