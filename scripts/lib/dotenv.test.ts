// One way to read .env: the same file fed to both readers, bin/env.sh (bash, what the brokers, the nodes and the
// Makefile see) and dotenv.ts (Bun, what every script sees through config.ts), gives the same variables, or the
// same refusal (file, line, reason). Each case runs in a throwaway checkout (bin/env.sh copied, its own .env).

import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./config.ts";
import { DotenvError, loadDotenv, parseDotenv } from "./dotenv.ts";

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

type Outcome = { vars: Record<string, string> } | { refused: string };

function checkout(files: Record<string, string>): string {
  const home = mkdtempSync(join(tmpdir(), "btc-dotenv-"));
  homes.push(home);
  mkdirSync(join(home, "bin"));
  copyFileSync(join(PROJECT_ROOT, "bin/env.sh"), join(home, "bin/env.sh"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text);
  return home;
}

/** What bash sees after sourcing bin/env.sh: the T_* variables, or its refusal. */
function bashSide(home: string, env: Record<string, string> = {}): Outcome {
  const script = `. "${home}/bin/env.sh" || exit 1; env -0`;
  const r = Bun.spawnSync(["bash", "-c", script], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ES_BASE: home, ...env },
  });
  if (r.exitCode !== 0) return { refused: r.stderr.toString().trim() };
  const vars: Record<string, string> = {};
  for (const kv of r.stdout.toString().split("\0")) {
    const i = kv.indexOf("=");
    if (kv.startsWith("T_")) vars[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { vars };
}

/** What a Bun program sees: dotenv.ts over the same environment. */
function bunSide(home: string, env: Record<string, string> = {}): Outcome {
  const e: Record<string, string | undefined> = { ...env };
  try {
    loadDotenv(home, e);
  } catch (err) {
    if (err instanceof DotenvError) return { refused: err.message };
    throw err;
  }
  return { vars: Object.fromEntries(Object.entries(e).filter(([k]) => k.startsWith("T_"))) as Record<string, string> };
}

function both(files: Record<string, string>, env: Record<string, string> = {}) {
  const home = checkout(files);
  const bash = bashSide(home, env);
  const bun = bunSide(home, env);
  expect(bun).toEqual(bash);
  return { home, outcome: bun };
}

test("the accepted format: both read the same literal values", () => {
  const { outcome } = both({
    ".env": [
      "# a comment",
      "   # an indented comment",
      "",
      "T_BARE=kafka-1:9092,kafka-2:9092",
      "T_EMPTY=",
      "T_EQUALS=a=b=c",
      "T_SINGLE='$HOME $(echo no) `no` \\n \"x\" # all literal'",
      'T_DOUBLE="*/10 * * * * *"',
      "T_EMPTY_QUOTED=''",
      "T_URL=https://example.org/a?b=c&d=e;f",
      "T_UTF8=€uro",
      "T_LAST=no-newline-at-the-end",
    ].join("\n"),
  });
  expect(outcome).toEqual({
    vars: {
      T_BARE: "kafka-1:9092,kafka-2:9092",
      T_EMPTY: "",
      T_EQUALS: "a=b=c",
      T_SINGLE: '$HOME $(echo no) `no` \\n "x" # all literal',
      T_DOUBLE: "*/10 * * * * *",
      T_EMPTY_QUOTED: "",
      T_URL: "https://example.org/a?b=c&d=e;f",
      T_UTF8: "€uro",
      T_LAST: "no-newline-at-the-end",
    },
  });
});

test("the environment wins over .env, even set empty", () => {
  const { outcome } = both({ ".env": "T_A=file\nT_B=file\nT_C=file\n" }, { T_A: "env", T_B: "" });
  expect(outcome).toEqual({ vars: { T_A: "env", T_B: "", T_C: "file" } });
});

const REFUSED: [string, string, string][] = [
  ["export K=V", "T_OK=1\nexport T_X=1\n", "2: 'export' is not taken (write KEY=VALUE)"],
  ["$(...)", "T_X=$(id -u)\n", "1: $ or ` in a bare value (nothing is expanded or run: use single quotes)"],
  ["backquotes", "T_X=`id`\n", "1: $ or ` in a bare value (nothing is expanded or run: use single quotes)"],
  ["$VAR bare", "T_X=$HOME/x\n", "1: $ or ` in a bare value (nothing is expanded or run: use single quotes)"],
  ['"$VAR"', 'T_X="$HOME"\n', "1: \\, $ or ` inside double quotes (nothing is expanded: use single quotes)"],
  ['"\\n"', 'T_X="a\\nb"\n', "1: \\, $ or ` inside double quotes (nothing is expanded: use single quotes)"],
  ["inline comment", "T_X=a # c\n", "1: a value with spaces must be quoted (a comment goes on its own line)"],
  ["after a quote", 'T_X="a" # c\n', "1: text after the closing quote (a comment goes on its own line)"],
  ["unterminated", "T_X='a\n", "1: unterminated ' quote"],
  ["spaces around =", "T_X = 1\n", "1: 'T_X ' is not a variable name (no space around =)"],
  ["not a name", "1X=1\n", "1: '1X' is not a variable name (no space around =)"],
  ["no =", "T_X\n", "1: expected KEY=VALUE"],
  ["a quote inside", "T_X=it's\n", "1: a quote, # or \\ in a bare value (quote the whole value)"],
  ["a backslash", "T_X=a\\b\n", "1: a quote, # or \\ in a bare value (quote the whole value)"],
  ["twice", "T_X=1\n\nT_X=2\n", "3: T_X is set twice"],
  ["CRLF", "T_X=1\r\n", "1: a carriage return (save the file with Unix line endings)"],
];

for (const [what, text, why] of REFUSED)
  test(`refused by both, with the line and the reason: ${what}`, () => {
    const { home, outcome } = both({ ".env": `# first line\n${text}`.replace(/^# first line\n/, "") });
    expect(outcome).toEqual({ refused: `${join(home, ".env")}:${why}` });
  });

test("a .env.local is refused by both (it was read by Bun and not by bash)", () => {
  const { home, outcome } = both({ ".env": "T_A=1\n", ".env.local": "T_A=2\n" });
  expect(outcome).toEqual({
    refused: `${join(home, ".env.local")}: not read (only .env is): move its lines into .env`,
  });
});

test(".env.example, copied to .env, is read the same by both", () => {
  const example = readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8");
  const vars = parseDotenv(example, ".env.example");
  expect(vars.size).toBeGreaterThan(50);
  const renamed = example.replace(/^([A-Z][A-Z0-9_]*)=/gm, "T_$1=");
  const { outcome } = both({ ".env": renamed });
  expect(Object.keys((outcome as { vars: object }).vars).length).toBe(vars.size);
});

test("Bun itself reads no .env (bunfig.toml env = false): dotenv.ts is the only reader on Bun's side", () => {
  const home = checkout({ ".env": "export T_SEEN=by-bun\n" });
  copyFileSync(join(PROJECT_ROOT, "bunfig.toml"), join(home, "bunfig.toml"));
  const r = Bun.spawnSync(["bun", "-e", "console.log(process.env.T_SEEN ?? 'unset')"], {
    cwd: home,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
  });
  expect(r.stdout.toString().trim()).toBe("unset");
});
