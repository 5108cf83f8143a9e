// Drift tests: the files that describe the platform say the same as the code.
// - every script under scripts/{producers,bolts,dashboard} that runs as a program has its [program:] in supervisord.conf;
// - every index a bolt writes is defined in es-indices.http;
// - every environment variable read anywhere (scripts, bin/) is documented in .env.example, and docs/configuration.md
//   lists them all (scripts/setup/config-table.ts --write);
// - every link of README.md and docs/ leads to a file that exists (and to a heading of it, when it names one), and
//   every `make <target>` they name is a target of the Makefile.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { indicesOf, PROJECT_ROOT } from "./lib/config.ts";
import { CONFIG_PAGE, configTables } from "./setup/config-table.ts";
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

test("docs/configuration.md's tables are those of .env.example (bun scripts/setup/config-table.ts --write)", () => {
  expect(read(CONFIG_PAGE)).toContain(configTables(read(".env.example")));
});

const pages = () => ["README.md", ...files("docs", (f) => f.endsWith(".md"))];

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

test("every link of README.md and docs/ leads to a file that exists, and to one of its headings", () => {
  const broken: string[] = [];
  for (const page of pages()) {
    const text = read(page).replace(/^```[\s\S]*?^```/gm, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const [path = "", anchor] = m[1]!.split("#");
      if (/^[a-z]+:/.test(path)) continue;
      const target = path ? normalize(join(dirname(page), path)) : page;
      if (!existsSync(join(ROOT, target))) broken.push(`${page}: ${m[1]} (no such file)`);
      else if (anchor && target.endsWith(".md") && !anchors(read(target)).has(anchor))
        broken.push(`${page}: ${m[1]} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});

test("every `make <target>` README.md and docs/ name is a target of the Makefile (`make kafka-*` names none)", () => {
  const targets = new Set([...read("Makefile").matchAll(/^([a-z][a-z-]*):/gm)].map((m) => m[1]!));
  const missing: string[] = [];
  for (const page of pages()) {
    const text = read(page);
    const code = [...text.matchAll(/^```[\s\S]*?^```/gm), ...text.matchAll(/`[^`\n]+`/g)].map((m) => m[0]);
    for (const c of code)
      for (const m of c.matchAll(/(?:^|[\s`;&|(])make ([a-z][a-z-]*)(?![\w*-])/gm))
        if (!targets.has(m[1]!)) missing.push(`${page}: make ${m[1]}`);
  }
  expect(missing).toEqual([]);
});
