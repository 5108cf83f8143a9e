// The configuration tables of docs/configuration.md, made from .env.example (every variable, its default, its
// comment) and kept between the markers `<!-- config:tables -->` and `<!-- /config:tables -->`, so the page lists
// every variable; scripts/files-stay-in-step.test.ts checks that it does.
// usage: bun scripts/setup/config-table.ts            prints the tables
//        bun scripts/setup/config-table.ts --write    rewrites them in docs/configuration.md

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatalOrUsage, toolArgs } from "../lib/args.ts";
import { PROJECT_ROOT } from "../lib/config.ts";

/** The page that holds the tables, relative to the project's root. */
export const CONFIG_PAGE = "docs/configuration.md";
const OPEN = "<!-- config:tables -->";
const CLOSE = "<!-- /config:tables -->";

/** Markdown tables, one per section of a .env.example text. */
export function configTables(envExample: string): string {
  const out: string[] = [];
  let comment: string[] = [];
  for (const line of envExample.split("\n")) {
    const section = line.match(/^#{5,}\s*(.+?)\s*#{5,}\s*$/);
    const variable = line.match(/^([A-Z][A-Z0-9_]+)=(.*)$/);
    if (section) out.push("", `| ${section[1]} | default | meaning |`, "|---|---|---|");
    else if (line.startsWith("#")) comment.push(line.replace(/^#+\s*/, ""));
    else if (variable)
      out.push(
        `| \`${variable[1]}\` | ${variable[2] ? `\`${variable[2]}\`` : "(empty)"} | ${comment.join(" ").replaceAll("|", "/")} |`,
      );
    if (!line.startsWith("#")) comment = [];
  }
  return out.join("\n").trim();
}

/** The page's text with the tables between its markers replaced by `tables`. */
export function withConfigTables(page: string, tables: string): string {
  const a = page.indexOf(OPEN);
  const b = page.indexOf(CLOSE);
  if (a < 0 || b < a) throw new Error(`${CONFIG_PAGE} has no ${OPEN} ... ${CLOSE} markers`);
  return `${page.slice(0, a + OPEN.length)}\n${tables}\n${page.slice(b)}`;
}

async function main() {
  const { values } = toolArgs("bun scripts/setup/config-table.ts [--write]", { write: { type: "boolean" } });
  const tables = configTables(readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8"));
  if (!values.write) return console.log(tables);
  const file = join(PROJECT_ROOT, CONFIG_PAGE);
  writeFileSync(file, withConfigTables(readFileSync(file, "utf8"), tables));
  console.log(`${CONFIG_PAGE}: configuration tables written from .env.example`);
}

if (import.meta.main) main().catch(fatalOrUsage);
