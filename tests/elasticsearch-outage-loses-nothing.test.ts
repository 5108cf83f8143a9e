// Elasticsearch unreachable for 20 s while records are in flight, then back: the same exact figures, nothing in the
// dead-letter topic but the bad records, and no bolt exits (they pause and retry; no crash loop under supervisord).
// The stream (tests/in-flight.ts: an hour and a half of the make chaos stream) is fed at a steady pace throughout;
// the cut lands once the transactions bolt is consuming and has lag (checked just before), and at its end every
// bolt fed by the producers still has lag (they were held up, not idle).
// The shared cluster is never stopped (others use it): the bolts reach Elasticsearch only through a small TCP
// proxy started by this test (Bun.listen forwarding to 127.0.0.1:9200, given to them as ES_NODES); "Elasticsearch
// stopped" is the proxy closed with every connection cut, "started" is the proxy listening again on the same port.
// Run: BTC_PROFILE=full bun test --timeout 420000 tests/elasticsearch-outage-loses-nothing.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Socket, Subprocess, TCPSocketListener } from "bun";
import type { Admin } from "kafkajs";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, deadLetters, distinct, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { adminOf, boltOffsets, faultStream, publishPaced, waitInFlight } from "./in-flight.ts";

let cfg: Config | undefined;
let admin: Admin | undefined;
const procs: Subprocess[] = [];
type Pair = { peer?: Socket<Pair>; queued: Uint8Array[] };
const open = new Set<Socket<Pair>>();

/** A TCP proxy to Elasticsearch on `port` (0: any); stop() closes it and cuts every connection. */
function startProxy(port: number): TCPSocketListener<Pair> {
  return Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port,
    socket: {
      async open(client) {
        client.data = { queued: [] };
        open.add(client);
        const upstream = await Bun.connect<Pair>({
          hostname: "127.0.0.1",
          port: 9200,
          socket: {
            open(s) {
              s.data = { peer: client, queued: [] };
              open.add(s);
            },
            data(s, d) {
              s.data.peer?.write(d);
            },
            close(s) {
              open.delete(s);
              s.data.peer?.end();
            },
            error(s) {
              s.data.peer?.end();
            },
          },
        }).catch(() => undefined);
        if (!upstream) return void client.end();
        client.data.peer = upstream;
        for (const q of client.data.queued) upstream.write(q);
      },
      data(client, d) {
        if (client.data.peer) client.data.peer.write(d);
        else client.data.queued.push(new Uint8Array(d));
      },
      close(client) {
        open.delete(client);
        client.data.peer?.end();
      },
      error(client) {
        client.data.peer?.end();
      },
    },
  });
}
function cutAll() {
  for (const s of open) s.terminate();
  open.clear();
}

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await admin?.disconnect();
  if (cfg) await dropNamespace(cfg);
});

test("Elasticsearch unreachable for a while, records in flight: same figures, no bad dead letters, no exits", async () => {
  cfg = await freshNamespace("esdown");
  admin = await adminOf(cfg);
  const { lines, want } = faultStream(12);
  let proxy = startProxy(0);
  const port = proxy.port;
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b, { ES_NODES: `http://127.0.0.1:${port}` }));
  const feeding = publishPaced(cfg, lines, 60_000);
  const at = await waitInFlight(admin, cfg, "transactions", 0, 60_000);
  proxy.stop(true);
  cutAll();
  console.log(`Elasticsearch unreachable for the bolts; transactions bolt lag ${at.lag} when it was cut`);
  expect(at.lag).toBeGreaterThan(0);
  await Bun.sleep(20_000);
  const held = await Promise.all(
    (["prices", "transactions", "blocks"] as const).map((b) => boltOffsets(admin!, cfg!, b)),
  );
  console.log(
    `lag at the end of the outage: prices ${held[0]!.lag}, transactions ${held[1]!.lag}, blocks ${held[2]!.lag}`,
  );
  expect(held.map((h) => h.lag > 0)).toEqual([true, true, true]);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  proxy = startProxy(port);
  console.log("Elasticsearch reachable again");
  await feeding;
  const diff = await waitForFigures(cfg, want, 150_000);
  proxy.stop(true);
  cutAll();
  expect(diff).toEqual([]);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  expect(dlq.some((d) => d.reason.startsWith("elasticsearch refused"))).toBe(false);
}, 400_000);
