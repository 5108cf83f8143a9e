// Elasticsearch's users and roles in secure mode (BTC_SECURE=1), as files of the node's file realm: roles.yml (one
// role per program, scripts/setup/secure-spec.ts), users (bcrypt hashes of BTC_SECRETS/es/<user>) and users_roles.
// bin/es-node writes them into each node's config folder at every start; a running node reloads them within
// seconds, so `make secure-sync` after a password rotation needs no restart. Files 0600, owned like the folder.
// usage: bun scripts/setup/secure-es.ts files <node config folder>    Env: BTC_SECRETS.

import { chownSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatalOrUsage, toolArgs, UsageError } from "../lib/args.ts";
import { configOrExit } from "../lib/config.ts";
import { ES_USERS, esRoles } from "./secure-spec.ts";

/** Elasticsearch's file realm reads bcrypt hashes as `$2a$`; Bun writes `$2b$`, the same hash for passwords this short. */
export function bcryptOf(password: string): string {
  return Bun.password.hashSync(password, { algorithm: "bcrypt", cost: 10 }).replace(/^\$2b\$/, "$2a$");
}

/** The three files, as text: roles.yml (JSON is YAML), users, users_roles. */
export function realmFiles(passwords: Record<string, string>): Record<"roles.yml" | "users" | "users_roles", string> {
  const { roles, userRoles } = esRoles();
  const header =
    "# Written by scripts/setup/secure-es.ts (bin/es-node, make secure-sync): edit secure-spec.ts instead.\n";
  const rolesYml = Object.entries(roles)
    .map(([name, role]) => `${name}: ${JSON.stringify(role)}`)
    .join("\n");
  const users = Object.entries(passwords)
    .map(([u, p]) => `${u}:${bcryptOf(p)}`)
    .join("\n");
  const byRole = new Map<string, string[]>();
  for (const u of Object.keys(passwords))
    for (const r of userRoles[u] ?? []) byRole.set(r, [...(byRole.get(r) ?? []), u]);
  const usersRoles = [...byRole].map(([r, us]) => `${r}:${us.join(",")}`).join("\n");
  return { "roles.yml": `${header}${rolesYml}\n`, users: `${users}\n`, users_roles: `${usersRoles}\n` };
}

/** The passwords of BTC_SECRETS/es/ (a user without a password file is left out: it cannot log in). */
export function esPasswords(secrets: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const u of ES_USERS) {
    try {
      const p = readFileSync(join(secrets, "es", u), "utf8").trim();
      if (p) out[u] = p;
    } catch {}
  }
  return out;
}

/** Write the realm's files into a node's config folder (atomically enough: each file in one write). */
export function writeRealm(configDir: string, secrets: string): number {
  const passwords = esPasswords(secrets);
  const owner = statSync(configDir);
  for (const [name, text] of Object.entries(realmFiles(passwords))) {
    const file = join(configDir, name);
    writeFileSync(file, text, { mode: 0o600 });
    chownSync(file, owner.uid, owner.gid);
  }
  return Object.keys(passwords).length;
}

async function main() {
  const usage = "bun scripts/setup/secure-es.ts files <node config folder>";
  const [cmd, dir] = toolArgs(usage, {}, { positionals: 2 }).positionals;
  if (cmd !== "files" || !dir) throw new UsageError(`usage: ${usage}`);
  const cfg = configOrExit();
  const n = writeRealm(dir, cfg.secrets);
  console.log(`secure-es: ${n} users and ${Object.keys(esRoles().roles).length} roles written to ${dir}`);
}

if (import.meta.main) main().catch(fatalOrUsage);
