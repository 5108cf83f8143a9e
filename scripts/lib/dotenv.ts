// The project's .env, one format for every program: this reader for Bun (config.ts; Bun's own .env loading is off,
// bunfig.toml `env = false`) and bin/env.sh's for bash implement the same strict format, with the same refusals
// (dotenv.test.ts feeds both the same files). The format:
//   - blank lines, and comment lines starting with `#`;
//   - KEY=VALUE, KEY a shell name, no space around `=`; VALUE empty, 'single-quoted' (anything but '),
//     "double-quoted" (no ", \, $ or `), or bare (no space, quote, #, \, $ or `). Values are literal: nothing is
//     expanded or run, so a `$` or a backquote is refused outside single quotes rather than read two ways;
//   - no `export`, no inline comment, no key twice; only .env is read (a .env.local is refused, not ignored).
// The environment wins over .env (a variable set, even empty, is kept).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export class DotenvError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a VALUE is refused, or its literal text. */
function literalOf(raw: string): { value: string } | { error: string } {
  if (raw === "") return { value: "" };
  const q = raw[0];
  if (q === "'" || q === '"') {
    const end = raw.indexOf(q, 1);
    if (end < 0) return { error: `unterminated ${q} quote` };
    if (end !== raw.length - 1) return { error: "text after the closing quote (a comment goes on its own line)" };
    const inner = raw.slice(1, end);
    if (q === '"' && /[\\$`]/.test(inner))
      return { error: "\\, $ or ` inside double quotes (nothing is expanded: use single quotes)" };
    return { value: inner };
  }
  if (/[$`]/.test(raw)) return { error: "$ or ` in a bare value (nothing is expanded or run: use single quotes)" };
  if (/\s/.test(raw)) return { error: "a value with spaces must be quoted (a comment goes on its own line)" };
  if (/['"\\#]/.test(raw)) return { error: "a quote, # or \\ in a bare value (quote the whole value)" };
  return { value: raw };
}

/** The variables of a .env text, in order; throws DotenvError "FILE:LINE: reason" at the first line refused. */
export function parseDotenv(text: string, file = ".env"): Map<string, string> {
  const vars = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, i) => {
    const refuse = (reason: string) => {
      throw new DotenvError(`${file}:${i + 1}: ${reason}`);
    };
    if (line.includes("\r")) refuse("a carriage return (save the file with Unix line endings)");
    const t = line.trim();
    if (t === "" || t.startsWith("#")) return;
    if (/^export\s/.test(line)) refuse("'export' is not taken (write KEY=VALUE)");
    const eq = line.indexOf("=");
    if (eq < 0) refuse("expected KEY=VALUE");
    const name = line.slice(0, eq);
    if (!NAME.test(name)) refuse(`'${name}' is not a variable name (no space around =)`);
    const v = literalOf(line.slice(eq + 1));
    if ("error" in v) refuse(v.error);
    else if (vars.has(name)) refuse(`${name} is set twice`);
    else vars.set(name, v.value);
  });
  return vars;
}

/** Read PROJECT/.env into `env` where `env` does not set the variable; throws DotenvError. Returns what it set. */
export function loadDotenv(project: string, env: Record<string, string | undefined> = process.env): string[] {
  if (existsSync(join(project, ".env.local")))
    throw new DotenvError(`${join(project, ".env.local")}: not read (only .env is): move its lines into .env`);
  const file = join(project, ".env");
  if (!existsSync(file)) return [];
  const set: string[] = [];
  for (const [k, v] of parseDotenv(readFileSync(file, "utf8"), file)) {
    if (k in env) continue;
    env[k] = v;
    set.push(k);
  }
  return set;
}

/** The checkout's .env, read once into process.env by whoever imports this module first (config.ts, log.ts):
 * what it set, or why it was refused (config.ts's loadConfig refuses to go on with that reason). */
export const PROJECT_DOTENV: { set: string[]; error?: string } = (() => {
  try {
    return { set: loadDotenv(join(import.meta.dir, "../..")) };
  } catch (e) {
    if (!(e instanceof DotenvError)) throw e;
    return { set: [], error: e.message };
  }
})();
