// `make kibana-import`: sends kibana-export.ndjson to Kibana's saved-objects import API
// (POST {KIBANA_URL}/api/saved_objects/_import?overwrite=true, multipart field `file`, header kbn-xsrf), so the
// project's own objects are created or overwritten; prints each error Kibana returns and exits 1 on any.
// Env: KIBANA_URL (required here), ES_USERNAME/ES_PASSWORD or ES_API_KEY (sent to Kibana when security is on).
// Reads no index.

import { readFileSync } from "node:fs";
import { type Config, configOrExit } from "../lib/config.ts";
import { fatal } from "../lib/log.ts";
import { EXPORT_FILE } from "./kibana-export.ts";

type ImportError = {
  id?: string;
  type?: string;
  title?: string;
  meta?: { title?: string };
  error?: Record<string, unknown>;
};
export type ImportAnswer = { success?: boolean; successCount?: number; errors?: ImportError[] };

/** The request that imports `ndjson` (no I/O): URL, method, headers and the multipart body. */
export function importRequest(
  cfg: Pick<Config, "kibanaUrl" | "es">,
  ndjson: string,
): { url: string; init: RequestInit } {
  if (!cfg.kibanaUrl)
    throw new Error("KIBANA_URL is not set: point it at Kibana (e.g. http://127.0.0.1:5601) to import");
  const headers: Record<string, string> = { "kbn-xsrf": "true" };
  const { apiKey, username, password } = cfg.es;
  if (apiKey) headers.authorization = `ApiKey ${apiKey}`;
  else if (username) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
  const form = new FormData();
  form.append("file", new Blob([ndjson], { type: "application/ndjson" }), "kibana-export.ndjson");
  const base = cfg.kibanaUrl.replace(/\/+$/, "");
  return { url: `${base}/api/saved_objects/_import?overwrite=true`, init: { method: "POST", headers, body: form } };
}

/** One line per error Kibana reported (missing references, conflicts, bad objects), empty when all went in. */
export function importErrors(status: number, answer: ImportAnswer | string): string[] {
  if (typeof answer === "string" || status >= 300) {
    const msg = typeof answer === "string" ? answer : JSON.stringify(answer);
    return [`Kibana answered HTTP ${status}: ${msg.slice(0, 500)}`];
  }
  const lines = (answer.errors ?? []).map((e) => {
    const what = `${e.type ?? "?"} ${e.id ?? "?"}${e.title || e.meta?.title ? ` (${e.title ?? e.meta?.title})` : ""}`;
    return `${what}: ${JSON.stringify(e.error ?? {})}`;
  });
  if (lines.length === 0 && answer.success === false) lines.push("Kibana reported success: false without errors");
  return lines;
}

export async function kibanaImport(cfg: Config, ndjson = readFileSync(EXPORT_FILE, "utf8")) {
  const { url, init } = importRequest(cfg, ndjson);
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const raw = await res.text();
  let answer: ImportAnswer | string = raw;
  try {
    answer = JSON.parse(raw) as ImportAnswer;
  } catch {}
  return { status: res.status, answer, errors: importErrors(res.status, answer) };
}

async function main() {
  const cfg = configOrExit();
  if (!cfg.kibanaUrl) {
    console.error(
      "KIBANA_URL is not set: set it to your Kibana (e.g. KIBANA_URL=http://127.0.0.1:5601 make kibana-import)",
    );
    process.exit(1);
  }
  const { answer, errors } = await kibanaImport(cfg).catch((e: Error) => ({
    answer: null,
    errors: [`could not reach Kibana at ${cfg.kibanaUrl}: ${e.message}`],
  }));
  for (const e of errors) console.error(`import error: ${e}`);
  if (errors.length > 0) process.exit(1);
  const count = typeof answer === "object" && answer ? answer.successCount : undefined;
  console.log(`imported ${count ?? "?"} saved objects into ${cfg.kibanaUrl} (overwrite)`);
}

if (import.meta.main) main().catch(fatal);
