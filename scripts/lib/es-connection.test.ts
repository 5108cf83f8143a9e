import { afterAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { Client, errors } from "@elastic/elasticsearch";
import { FetchConnection } from "./es-connection.ts";

// A local HTTP server standing in for a node's transport layer: what goes over the wire, not Elasticsearch's logic.
const seen: Array<{ method: string; url: string; auth: string | null; body: string }> = [];
const server = Bun.serve({
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    seen.push({
      method: req.method,
      url: url.pathname + url.search,
      auth: req.headers.get("authorization"),
      body: await req.text(),
    });
    const headers = { "content-type": "application/json", "x-elastic-product": "Elasticsearch" };
    if (url.pathname === "/slow") await Bun.sleep(2000);
    if (url.pathname === "/gzipped")
      return new Response(gzipSync(JSON.stringify({ inflated: true })), {
        headers: { ...headers, "content-encoding": "gzip" },
      });
    if (url.pathname === "/missing")
      return new Response(JSON.stringify({ error: { type: "index_not_found_exception" } }), { status: 404, headers });
    return new Response(JSON.stringify({ errors: false, items: [{ create: { status: 201 } }] }), { headers });
  },
});
afterAll(() => server.stop(true));

const client = (node: string, requestTimeout = 10_000) =>
  new Client({
    node,
    Connection: FetchConnection,
    maxRetries: 0,
    requestTimeout,
    auth: { username: "bolt", password: "pw" },
  });
const base = `http://127.0.0.1:${server.port}`;

describe("FetchConnection", () => {
  test("sends the method, path, query, credentials and body; answers the parsed body", async () => {
    const res = await client(base).bulk({
      operations: [{ create: { _index: "i", _id: "a" } }, { v: 1 }],
      filter_path: "items.*.status",
    });
    expect(res.items[0]!.create!.status).toBe(201);
    const last = seen.at(-1)!;
    expect(last.method).toBe("POST");
    expect(last.url).toBe("/_bulk?filter_path=items.*.status");
    expect(last.auth).toBe(`Basic ${btoa("bolt:pw")}`);
    expect(last.body).toBe('{"create":{"_index":"i","_id":"a"}}\n{"v":1}\n');
  });

  test("an error status is the client's ResponseError, with the body", async () => {
    const e = await client(base)
      .transport.request({ method: "GET", path: "/missing" })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(errors.ResponseError);
    expect((e as errors.ResponseError).meta.statusCode).toBe(404);
    expect((e as errors.ResponseError).body).toEqual({ error: { type: "index_not_found_exception" } });
  });

  test("a compressed answer is inflated once", async () => {
    expect(await client(base).transport.request({ method: "GET", path: "/gzipped" })).toEqual({ inflated: true });
  });

  test("a node that does not answer in time is a TimeoutError", async () => {
    const e = await client(base, 300)
      .transport.request({ method: "GET", path: "/slow" })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(errors.TimeoutError);
  });

  test("a node that refuses the connection is a ConnectionError (the pool retries another node)", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const e = await client(url)
      .transport.request({ method: "GET", path: "/" })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(errors.ConnectionError);
  });
});
