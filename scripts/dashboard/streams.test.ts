// The live streams' bounds, through the real handler on a real Bun server (the data pushed by a Live whose
// Elasticsearch never answers, made to broadcast big events): a client that never reads is closed once its unsent
// bytes pass the cap while a reading client keeps its stream; one address cannot take every stream; a new distinct
// view is refused past the cap while a view already live is still served.

import { afterAll, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { loadConfig } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { accessOf } from "./access.ts";
import { Live } from "./live.ts";
import { handler } from "./server.ts";

const cfg = loadConfig({
  BTC_NAMESPACE: "t-streams",
  ES_NODES: "http://127.0.0.1:9",
  DASHBOARD_SSE_MAX_UNSENT_KB: "1024",
  DASHBOARD_MAX_STREAMS_PER_CLIENT: "3",
  DASHBOARD_MAX_VIEWS: "2",
});
class Loud extends Live {
  shout(bytes: number) {
    this.broadcast("data", "x".repeat(bytes));
  }
}
const es = esClient(cfg);
const live = new Loud(cfg, es, null);
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: handler(cfg, live, es, accessOf({}, "127.0.0.1")),
});
const port = Number(server.port);
const base = `http://127.0.0.1:${port}`;
afterAll(() => server.stop(true));

/** Sends GET /api/stream and reads nothing until SIGUSR1; then reads to the end (or a reset) and prints "closed". */
const SILENT = `
import signal, socket, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
port = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect(("127.0.0.1", port))
s.sendall(f"GET /api/stream?range=1h HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\n\\r\\n".encode())
signal.sigwait([signal.SIGUSR1])
s.settimeout(20)
try:
    while s.recv(1 << 20): pass
except ConnectionError: pass
print("closed")
`;
let silent: Subprocess<"ignore", "pipe", "inherit"> | undefined;
afterAll(() => silent?.kill("SIGKILL"));

const until = async (what: string, ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !ok(); await Bun.sleep(20)) if (Date.now() > end) throw new Error(what);
};

test("a client that never reads is closed past the unsent-bytes cap; a client that reads keeps its stream", async () => {
  // a process that sends its request and never reads (a paused socket of this process may still be read)
  silent = Bun.spawn(["python3", "-c", SILENT, String(port)], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  await until("the silent client subscribed", () => live.subscribers === 1, 30_000);
  const reader = new AbortController();
  const res = await fetch(`${base}/api/stream?range=1h`, { signal: reader.signal });
  let read = 0;
  const body = res.body!.getReader();
  void (async () => {
    for (let r = await body.read(); !r.done; r = await body.read()) read += r.value.length;
  })().catch(() => {});
  await until("the reading client subscribed", () => live.subscribers === 2);
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 400; i++) {
    live.shout(64 * 1024); // 26 MB in all, to each client
    if (i % 8 === 0) await Bun.sleep(2);
  }
  await Bun.sleep(300);
  const grown = ((process.memoryUsage().rss - rss0) / 1e6).toFixed(0);
  console.log(`26 MB pushed to each: the reader got ${(read / 1e6).toFixed(1)} MB; rss +${grown} MB`);
  await until("the silent client's stream closed", () => live.subscribers === 1, 10_000);
  silent.kill("SIGUSR1"); // it reads now, to the end of its connection
  expect((await new Response(silent.stdout).text()).trim()).toBe("closed");
  reader.abort();
  await until("the reader unsubscribed", () => live.subscribers === 0);
}, 60_000);

test("one address gets at most DASHBOARD_MAX_STREAMS_PER_CLIENT streams; past DASHBOARD_MAX_VIEWS views a new one waits", async () => {
  const open: AbortController[] = [];
  const kept: Response[] = []; // an open stream's response is kept: collected, its body would be cancelled
  const stream = async (q: string) => {
    const a = new AbortController();
    open.push(a);
    const r = await fetch(`${base}/api/stream?${q}`, { signal: a.signal });
    if (r.status !== 200) await r.text();
    else kept.push(r);
    return r.status;
  };
  try {
    expect(await stream("range=1h")).toBe(200);
    expect(await stream("range=24h")).toBe(200);
    expect(await stream("range=7d")).toBe(503); // a third distinct view
    expect(await stream("range=1h")).toBe(200); // a view already live
    expect(live.streamsFrom("127.0.0.1")).toBe(3);
    expect(await stream("range=24h")).toBe(429); // a fourth stream from this address
    expect(live.subscribers).toBe(3);
  } finally {
    for (const a of open) a.abort();
  }
  await until("every stream closed", () => live.subscribers === 0);
  expect(await stream("range=7d")).toBe(200); // the views freed
  open.at(-1)!.abort();
});
