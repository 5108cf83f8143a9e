// Proves (issue 17, point 2): blocks are never missed for good. A local blockchain.info (tests/block-source.ts)
// announces b0 and b1; b1's details fail (HTTP 500) at first; b2 is mined as the connection is closed (1011) and
// b3 while the producer reconnects: neither is ever announced. On the next connection b4 is announced, then a
// bogus block one above it naming a parent nobody has (issue 17, point 3: it waits, the real tip counts). The live
// producer must notice what is missing (the tip it never saw, a parent never seen, details that failed), fetch it
// until it succeeds, and say in `make status` which blocks wait for details meanwhile; through the real prices,
// blocks and miners bolts, the miners' figures then equal the reference's over all five blocks, to the cent.
// In flight: b2 and b3 were never sent, and their details were first asked for after the reconnection.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Subprocess } from "bun";
import { type Config, indicesOf } from "../scripts/lib/config.ts";
import { esClient } from "../scripts/lib/es.ts";
import { referenceFigures } from "../scripts/reference/reference-figures.ts";
import { BlockSource, bogusBlock, type SourceBlock, sourceChain } from "./block-source.ts";
import { spawnBolt, waitForFigures } from "./bolts-harness.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";
import { type Child, startProducer, waitFor } from "./producers-kit.ts";
import { publishCapture } from "./publish-capture.ts";

const [b0, b1, b2, b3, b4] = sourceChain(5) as [SourceBlock, SourceBlock, SourceBlock, SourceBlock, SourceBlock];
const bogus = bogusBlock(b4); // one above the tip, naming a parent nobody has: waits, the tip still counts
const chain = [b0, b1, b2, b3, b4, bogus];
const source = new BlockSource(chain, (src, connection) => {
  if (connection === 1) {
    src.mined(b0);
    setTimeout(() => src.mined(b1), 300);
    setTimeout(() => {
      src.mined(b2, true); // mined as the connection closes: never announced
      src.live?.close(1011, "server restart");
      src.mined(b3, true); // mined while the producer reconnects: never announced
    }, 1500);
  } else if (connection === 2) {
    setTimeout(() => src.mined(b4), 2000);
    setTimeout(() => src.announce(bogus), 4000);
  }
});
source.failing.add(b1.hash);

let cfg: Config | undefined;
let producer: Child | undefined;
const bolts: Subprocess[] = [];
afterAll(async () => {
  await producer?.stop();
  for (const b of bolts) b.kill("SIGKILL");
  source.stop();
  if (cfg) await dropNamespace(cfg);
  if (cfg) rmSync(cfg.healthDir, { recursive: true, force: true }); // the producer's and status's reports
});

const ticker = (eur: string) => JSON.stringify({ EUR: { "15m": eur, last: eur, buy: eur, sell: eur, symbol: "€" } });

test("two announcements dropped around a close, details failing: every block fetched, figures exact", async () => {
  cfg = await freshNamespace("blocks-missed");
  const prices = [
    { at: (b0.time - 600) * 1000, feed: "blockchain.info/ticker", text: ticker("80000.01") },
    { at: (b4.time + 600) * 1000, feed: "blockchain.info/ticker", text: ticker("80123.45") },
  ];
  const minerOf = new Map(chain.map((b) => [b.hash, b.miner]));
  const want = referenceFigures([...prices, ...source.rawblocks()], (h) => minerOf.get(h) ?? "not in the chain");
  for (const b of ["prices", "blocks", "miners"] as const) bolts.push(spawnBolt(cfg, b));
  await publishCapture(cfg, prices);
  producer = startProducer("blockchain", cfg, {
    SOURCE_MODE: "live",
    BLOCKCHAIN_WS_URL: `${source.url.replace("http", "ws")}/inv`,
    BLOCKCHAIN_API: source.url,
    MEMPOOL_API: source.url,
    WS_PING_MS: "300",
    WS_SILENCE_MS: "3000",
    WS_BACKOFF_MAX_MS: "500",
    BLOCK_FETCH_RETRIES: "0",
    BLOCK_FETCH_TIMEOUT_MS: "2000",
    BLOCK_RETRY_MAX_MS: "2000",
  });
  await waitFor("a second connection", () => source.connections >= 2, 30_000);

  // what make status says while b1's details fail from every source
  let status = "";
  for (const until = Date.now() + 30_000; Date.now() < until && !status.includes(b1.hash.slice(0, 16)); ) {
    await Bun.sleep(1000);
    // not spawnSync: the source is served by this process, which must go on answering meanwhile
    const run = Bun.spawn(["bun", "scripts/setup/status.ts"], { cwd: ROOT, env: envOf(cfg.namespace), stdout: "pipe" });
    status = await new Response(run.stdout).text();
    await run.exited;
  }
  source.failing.delete(b1.hash);
  const released = Date.now();
  const diff = await waitForFigures(cfg, want, 180_000);
  console.log(`figures exact ${((Date.now() - released) / 1000).toFixed(1)} s after b1's details were served`);

  expect(source.sent).toEqual([b0.hash, b1.hash, b4.hash, bogus.hash]); // b2 and b3 never announced
  for (const b of [b2, b3]) {
    const asked = source.requests.filter((r) => r.path === `/rawblock/${b.hash}`);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked[0]!.connection).toBeGreaterThanOrEqual(2); // first asked for after the close
  }
  expect(source.requests.filter((r) => r.path === `/rawblock/${b1.hash}` && r.status === 500).length).toBeGreaterThan(
    1,
  );
  expect(status).toMatch(new RegExp(`waiting for details.*${b1.height}`, "s"));
  expect(diff).toEqual([]);
  const stored = await esClient(cfg).mget<{ orphaned: boolean }>({
    index: indicesOf(cfg).rawBlocks,
    ids: [b4.hash, bogus.hash],
  });
  expect(stored.docs.map((d) => ("found" in d && d.found ? d._source!.orphaned : "missing"))).toEqual([false, true]);
  expect(Object.values(want.miners).reduce((n, m) => n + m.blocks, 0)).toBe(10); // 5 blocks (not the bogus one), per day and month
}, 330_000);
