// `make kibana-import`: sends kibana-export.ndjson to Kibana's saved-objects import API
// (POST {KIBANA_URL}/api/saved_objects/_import?overwrite=true, multipart field `file`, header kbn-xsrf), so the
// project's own objects are created or overwritten; prints each error Kibana returns and exits 1 on any.
// Kibana gets its own login only (KIBANA_USERNAME/KIBANA_PASSWORD), never the Elasticsearch credentials of the
// environment (ES_USERNAME, ES_PASSWORD, ES_API_KEY). Plain http is refused unless Kibana is on this machine
// (loopback) or KIBANA_ALLOW_HTTP=1 says so: the login would cross the network in clear.
// Env: KIBANA_URL (required here), KIBANA_USERNAME, KIBANA_PASSWORD, KIBANA_CA_CERT (https with a private CA),
// KIBANA_ALLOW_HTTP. Reads no index.

import { readFileSync } from "node:fs";
import { type Config, ConfigError, configOrExit } from "../lib/config.ts";
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

/** Whether a URL's host is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The request that imports `ndjson` (no I/O): URL, method, headers and the multipart body. */
export function importRequest(
  cfg: Pick<Config, "kibanaUrl" | "kibana">,
  ndjson: string,
): { url: string; init: RequestInit } {
  if (!cfg.kibanaUrl)
    throw new ConfigError("KIBANA_URL is not set: point it at Kibana (e.g. http://127.0.0.1:5601) to import");
  const target = new URL(cfg.kibanaUrl);
  if (target.protocol === "http:" && !isLoopback(target) && !cfg.kibana.allowHttp)
    throw new ConfigError(
      `KIBANA_URL=${cfg.kibanaUrl} is plain http to another machine: use https (KIBANA_CA_CERT for a private CA), ` +
        "or set KIBANA_ALLOW_HTTP=1 to send the import (and KIBANA_USERNAME's password) in clear anyway",
    );
  const headers: Record<string, string> = { "kbn-xsrf": "true" };
  const { username, password } = cfg.kibana;
  if (username) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
  const form = new FormData();
  form.append("file", new Blob([ndjson], { type: "application/ndjson" }), "kibana-export.ndjson");
  const base = cfg.kibanaUrl.replace(/\/+$/, "");
  const tls = cfg.kibana.caCert ? { tls: { ca: readFileSync(cfg.kibana.caCert, "utf8") } } : {};
  return {
    url: `${base}/api/saved_objects/_import?overwrite=true`,
    init: { method: "POST", headers, body: form, ...tls } as RequestInit,
  };
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
  try {
    importRequest(cfg, "");
  } catch (e) {
    console.error((e as Error).message);
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
