// Prints the README's configuration tables from .env.example (every variable, its default, its comment), so the
// README lists every variable; scripts/files-stay-in-step.test.ts checks that it does.
// usage: bun scripts/setup/config-table.ts   (paste the output under "## Configuration" in README.md)

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fatal } from "../lib/log.ts";

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

async function main() {
  console.log(configTables(readFileSync(join(import.meta.dir, "../../.env.example"), "utf8")));
}

if (import.meta.main) main().catch(fatal);
