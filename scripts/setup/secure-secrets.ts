// `BTC_SECURE=1 make setup`: one random password per user of the secure mode (scripts/setup/secure-spec.ts), in
// BTC_SECRETS/kafka/<user> and BTC_SECRETS/es/<user>. Idempotent: a password that exists is never replaced (to
// rotate one, write the new one there and run `make secure-sync`, docs/security.md). Every folder
// under BTC_SECRETS is made 0700 and every file 0600. Prints what it created, never a secret.
// Env: BTC_SECRETS (default var/secrets), BTC_VAR.

import { randomInt } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configOrExit } from "../lib/config.ts";
import { fatal } from "../lib/log.ts";
import { ES_USERS, KAFKA_USERS } from "./secure-spec.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A password of 32 letters and digits (about 190 bits): safe inside Kafka's `--add-scram` and YAML. */
export function newPassword(): string {
  let out = "";
  for (let i = 0; i < 32; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Create the missing password files; returns the ones created, as "kafka/<user>". */
export function ensureSecrets(dir: string): string[] {
  const created: string[] = [];
  for (const [system, users] of [
    ["kafka", KAFKA_USERS],
    ["es", ES_USERS],
  ] as const) {
    mkdirSync(join(dir, system), { recursive: true, mode: 0o700 });
    for (const user of users) {
      const file = join(dir, system, user);
      if (existsSync(file)) continue;
      writeFileSync(file, `${newPassword()}\n`, { mode: 0o600, flag: "wx" });
      created.push(`${system}/${user}`);
    }
  }
  tighten(dir);
  return created;
}

/** Folders 0700, files 0600, everywhere under `dir` (and `dir` itself). */
export function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) tighten(p);
    else if (e.isFile() && (statSync(p).mode & 0o777) !== 0o600) chmodSync(p, 0o600);
  }
}

async function main() {
  const cfg = configOrExit();
  mkdirSync(cfg.secrets, { recursive: true, mode: 0o700 });
  const created = ensureSecrets(cfg.secrets);
  const total = KAFKA_USERS.length + ES_USERS.length;
  console.log(
    created.length > 0
      ? `    created ${created.length} password(s) in ${cfg.secrets}: ${created.join(" ")}`
      : `    ${total} passwords present in ${cfg.secrets} (kept)`,
  );
}

if (import.meta.main) main().catch(fatal);
