// kibana-import against a local Bun.serve stand-in for Kibana (Kibana cannot be installed on these machines): this
// tests our client's request (method, path, overwrite, kbn-xsrf, Kibana's own login and never the Elasticsearch
// credentials, multipart `file` holding the export), the refusal of plain http to another machine, how it reports
// the errors Kibana returns, and the exit codes; not Kibana's own handling of the objects.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../lib/config.ts";
import { EXPORT_FILE } from "./kibana-export.ts";
import { importErrors, importRequest, isLoopback } from "./kibana-import.ts";

const SCRIPT = join(import.meta.dir, "kibana-import.ts");
const seen: Array<{ method: string; path: string; headers: Headers; file: string | null; filename: string | null }> =
  [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
let server: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      let file: string | null = null;
      let filename: string | null = null;
      if ((req.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
        const part = (await req.formData()).get("file");
        if (part instanceof Blob) {
          file = await part.text();
          filename = (part as File).name ?? null;
        }
      }
      seen.push({ method: req.method, path: url.pathname + url.search, headers: req.headers, file, filename });
      return Response.json(answer.body, { status: answer.status });
    },
  });
});

afterAll(() => server.stop(true));

const run = async (env: Record<string, string>) => {
  const p = Bun.spawn(["bun", SCRIPT], {
    env: { ...process.env, ...env } as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out, err };
};

test("the request: POST _import?overwrite=true, kbn-xsrf, the export as multipart `file`, Kibana's login", async () => {
  answer = { status: 200, body: { success: true, successCount: 13, errors: [] } };
  seen.length = 0;
  const r = await run({
    KIBANA_URL: `http://127.0.0.1:${server.port}/`,
    KIBANA_USERNAME: "importer",
    KIBANA_PASSWORD: "kpw",
    ES_USERNAME: "elastic",
    ES_PASSWORD: "pw",
    ES_API_KEY: "",
  });
  expect(r.code).toBe(0);
  expect(r.out).toContain("imported 13 saved objects");
  expect(seen).toHaveLength(1);
  const q = seen[0]!;
  expect(q.method).toBe("POST");
  expect(q.path).toBe("/api/saved_objects/_import?overwrite=true");
  expect(q.headers.get("kbn-xsrf")).toBe("true");
  expect(q.headers.get("authorization")).toBe(`Basic ${Buffer.from("importer:kpw").toString("base64")}`);
  expect(q.filename).toBe("kibana-export.ndjson");
  expect(q.file).toBe(readFileSync(EXPORT_FILE, "utf8"));
});

test("the Elasticsearch credentials of the environment are never sent to Kibana", async () => {
  answer = { status: 200, body: { success: true, successCount: 13, errors: [] } };
  seen.length = 0;
  const r = await run({
    KIBANA_URL: `http://127.0.0.1:${server.port}`,
    KIBANA_USERNAME: "",
    ES_USERNAME: "elastic",
    ES_PASSWORD: "es-secret",
    ES_API_KEY: "es-key",
  });
  expect(r.code).toBe(0);
  const q = seen[0]!;
  expect(q.headers.get("authorization")).toBeNull();
  const all = JSON.stringify(q.headers.toJSON()) + (q.file ?? "");
  for (const secret of ["es-secret", "es-key", Buffer.from("elastic:es-secret").toString("base64")])
    expect(all).not.toContain(secret);
});

test("plain http to another machine is refused unless KIBANA_ALLOW_HTTP=1; loopback and https go", async () => {
  seen.length = 0;
  const r = await run({ KIBANA_URL: "http://10.20.30.40:5601", KIBANA_USERNAME: "importer", KIBANA_PASSWORD: "kpw" });
  expect(r.code).toBe(1);
  expect(r.err).toContain("plain http to another machine");
  expect(r.err).toContain("KIBANA_ALLOW_HTTP=1");
  expect(r.err).not.toContain("kpw");
  expect(seen).toHaveLength(0);
  const cfg = (env: Record<string, string>) => loadConfig(env);
  expect(() => importRequest(cfg({ KIBANA_URL: "http://kibana.example:5601" }), "")).toThrow("plain http");
  expect(() => importRequest(cfg({ KIBANA_URL: "http://10.1.2.3:5601", KIBANA_ALLOW_HTTP: "1" }), "")).not.toThrow();
  expect(() => importRequest(cfg({ KIBANA_URL: "https://kibana.example:5601" }), "")).not.toThrow();
  for (const u of ["http://127.0.0.1:5601", "http://localhost:5601", "http://[::1]:5601"])
    expect(isLoopback(new URL(u))).toBe(true);
  expect(isLoopback(new URL("http://128.0.0.1"))).toBe(false);
});

test("every error Kibana returns is reported, and the exit code is 1", async () => {
  answer = {
    status: 200,
    body: {
      success: false,
      successCount: 11,
      errors: [
        { id: "btc-price-eur", type: "visualization", meta: { title: "Price (EUR)" }, error: { type: "unknown" } },
        {
          id: "btc-realtime",
          type: "dashboard",
          title: "btc-realtime",
          error: { type: "missing_references", references: [{ type: "visualization", id: "x" }] },
        },
      ],
    },
  };
  const r = await run({ KIBANA_URL: `http://127.0.0.1:${server.port}` });
  expect(r.code).toBe(1);
  expect(r.err).toContain("visualization btc-price-eur (Price (EUR))");
  expect(r.err).toContain("dashboard btc-realtime (btc-realtime): ");
  expect(r.err).toContain("missing_references");
  answer = { status: 401, body: { statusCode: 401, message: "Unauthorized" } };
  const r2 = await run({ KIBANA_URL: `http://127.0.0.1:${server.port}` });
  expect(r2.code).toBe(1);
  expect(r2.err).toContain("HTTP 401");
});

test("without KIBANA_URL it says so and exits 1; an unreachable Kibana is an error too", async () => {
  const r = await run({ KIBANA_URL: "" });
  expect(r.code).toBe(1);
  expect(r.err).toContain("KIBANA_URL is not set");
  const r2 = await run({ KIBANA_URL: "http://127.0.0.1:1" });
  expect(r2.code).toBe(1);
  expect(r2.err).toContain("could not reach Kibana");
});

test("pure parts: only Kibana's login is sent; errors are one line each", () => {
  const cfg = loadConfig({ KIBANA_URL: "http://127.0.0.1:5601", ES_API_KEY: "abc", KIBANA_USERNAME: "k" });
  const { url, init } = importRequest(cfg, "{}\n");
  expect(url).toBe("http://127.0.0.1:5601/api/saved_objects/_import?overwrite=true");
  expect((init.headers as Record<string, string>).authorization).toBe(`Basic ${Buffer.from("k:").toString("base64")}`);
  expect(() => importRequest(loadConfig({}), "")).toThrow("KIBANA_URL");
  expect(importErrors(200, { success: true, errors: [] })).toEqual([]);
  expect(importErrors(500, "boom")).toEqual(["Kibana answered HTTP 500: boom"]);
});
