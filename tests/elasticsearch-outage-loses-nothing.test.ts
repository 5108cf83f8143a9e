// Elasticsearch unreachable for a while during the replay, then back: the same exact figures, nothing in the
// dead-letter topic but the bad records, and no bolt exits (they pause and retry; no crash loop under supervisord).
// The shared cluster is never stopped (others use it): the bolts reach Elasticsearch only through a small TCP
// proxy started by this test (Bun.listen forwarding to 127.0.0.1:9200, given to them as ES_NODES); "Elasticsearch
// stopped" is the proxy closed with every connection cut, "started" is the proxy listening again on the same port.
// Run: bun test --timeout 180000 tests/elasticsearch-outage-loses-nothing.test.ts

import { afterAll, expect, test } from "bun:test";
import type { Socket, Subprocess, TCPSocketListener } from "bun";
import type { Config } from "../scripts/lib/config.ts";
import { BOLTS, deadLetters, distinct, expectedFigures, GOLDEN, spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { publishCapture, readCaptureFile } from "./publish-capture.ts";

let cfg: Config | undefined;
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
  if (cfg) await dropNamespace(cfg);
});

test("Elasticsearch unreachable for a while: same figures, no bad dead letters, no exits", async () => {
  cfg = await freshNamespace("esdown");
  const want = expectedFigures();
  let proxy = startProxy(0);
  const port = proxy.port;
  await publishCapture(cfg, readCaptureFile(GOLDEN));
  for (const b of BOLTS) procs.push(spawnBolt(cfg, b, { ES_NODES: `http://127.0.0.1:${port}` }));
  await Bun.sleep(6000);
  proxy.stop(true);
  cutAll();
  console.log("Elasticsearch unreachable for the bolts");
  await Bun.sleep(20_000);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  proxy = startProxy(port);
  console.log("Elasticsearch reachable again");
  const diff = await waitForFigures(cfg, want, 110_000);
  proxy.stop(true);
  cutAll();
  expect(diff).toEqual([]);
  expect(procs.filter((p) => p.exitCode !== null)).toEqual([]);
  const dlq = await deadLetters(cfg);
  expect(distinct(dlq)).toBe(want.rejects);
  expect(dlq.some((d) => d.reason.startsWith("elasticsearch refused"))).toBe(false);
});
