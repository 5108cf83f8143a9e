// Elasticsearch's users and roles in secure mode (BTC_SECURE=1), as files of the node's file realm: roles.yml (one
// role per program, scripts/setup/secure-spec.ts), users (bcrypt hashes of BTC_SECRETS/es/<user>) and users_roles.
// bin/es-node writes them into each node's config folder at every start; a running node reloads them within
// seconds, so `make secure-sync` after a password rotation needs no restart. Files 0600, owned like the folder.
// The roles name the indices of the namespaces served, literally: BTC_NAMESPACE, added to those of earlier runs
// (kept in the folder's btc-namespaces.json), as the Kafka ACLs are added per namespace.
// usage: bun scripts/setup/secure-es.ts files <node config folder>    Env: BTC_SECRETS, BTC_NAMESPACE.

import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fatalOrUsage, toolArgs, UsageError } from "../lib/args.ts";
import { configOrExit } from "../lib/config.ts";
import { ES_USERS, esRoles } from "./secure-spec.ts";

/** Elasticsearch's file realm reads bcrypt hashes as `$2a$`; Bun writes `$2b$`, the same hash for passwords this short. */
export function bcryptOf(password: string): string {
  return Bun.password.hashSync(password, { algorithm: "bcrypt", cost: 10 }).replace(/^\$2b\$/, "$2a$");
}

/** The three files, as text: roles.yml (JSON is YAML), users, users_roles. */
export function realmFiles(
  passwords: Record<string, string>,
  namespaces: string[],
): Record<"roles.yml" | "users" | "users_roles", string> {
  const { roles, userRoles } = esRoles(namespaces);
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

const NAMESPACES = "btc-namespaces.json";

/** The namespaces a node's roles serve: those written before in `configDir`, and `namespace`; sorted. */
export function namespacesOf(configDir: string, namespace: string): string[] {
  const file = join(configDir, NAMESPACES);
  const before: unknown = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
  if (!Array.isArray(before) || !before.every((n) => typeof n === "string"))
    throw new Error(`${file}: expected a JSON list of namespaces; delete it to start again from BTC_NAMESPACE`);
  return [...new Set([...before, namespace])].sort();
}

/** Write the realm's files into a node's config folder (atomically enough: each file in one write), with roles for
 * `namespace` and the namespaces served before; returns the users and namespaces written. */
export function writeRealm(configDir: string, secrets: string, namespace: string) {
  const passwords = esPasswords(secrets);
  const namespaces = namespacesOf(configDir, namespace);
  const owner = statSync(configDir);
  const files = { ...realmFiles(passwords, namespaces), [NAMESPACES]: `${JSON.stringify(namespaces)}\n` };
  for (const [name, text] of Object.entries(files)) {
    const file = join(configDir, name);
    writeFileSync(file, text, { mode: 0o600 });
    chownSync(file, owner.uid, owner.gid);
  }
  return { users: Object.keys(passwords).length, namespaces };
}

async function main() {
  const usage = "bun scripts/setup/secure-es.ts files <node config folder>";
  const [cmd, dir] = toolArgs(usage, {}, { positionals: 2 }).positionals;
  if (cmd !== "files" || !dir) throw new UsageError(`usage: ${usage}`);
  const cfg = configOrExit();
  const { users, namespaces } = writeRealm(dir, cfg.secrets, cfg.namespace);
  const served = namespaces.map((n) => n || "(none)").join(", ");
  console.log(`secure-es: ${users} users, roles for the namespaces ${served}, written to ${dir}`);
}

if (import.meta.main) main().catch(fatalOrUsage);
