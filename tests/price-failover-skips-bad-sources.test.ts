// Proves: the price producer fails over in BPI_SOURCES order past sources that return 500, hang (timeout),
// return garbage, zero, or an absurd jump; each is logged with its reason; only sound bodies reach Kafka, byte
// for byte, key BTC-EUR, feed = the source that gave them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parsePrice } from "../scripts/domain/price-sources.ts";
import { type Config, topicsOf } from "../scripts/lib/config.ts";
import { dropNamespace, freshNamespace } from "./cluster.ts";
import { readTopic, startProducer, waitFor } from "./producers-kit.ts";

let phase: "A" | "B" = "A";
const coindesk =
  '{"bpi":{"USD":{"rate_float":104400.5},"EUR":{"code":"EUR","rate":"90,000.0000","rate_float":90000.0}}}';
const coinbase = '{"data":{"amount":"90100.25","base":"BTC","currency":"EUR"}}';
const hits: Record<string, number> = {};

const server = Bun.serve({
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    hits[`${phase}${path}`] = (hits[`${phase}${path}`] ?? 0) + 1;
    if (path === "/ticker")
      return phase === "A" ? new Response("down", { status: 500 }) : new Response('{"EUR":{"last":0,"symbol":"EUR"}}');
    if (path === "/0/public/Ticker") {
      if (phase === "A") await Bun.sleep(3000);
      return new Response('{"error":[],"result":{"XXBTZEUR":{"c":["900000.00000","0.1"]}}}');
    }
    if (path === "/v2/prices/BTC-EUR/spot") return new Response(phase === "A" ? "<html>oops</html>" : coinbase);
    if (path === "/v1/bpi/currentprice.json") return new Response(coindesk);
    return new Response("not found", { status: 404 });
  },
});

let cfg: Config;
beforeAll(async () => {
  cfg = await freshNamespace("price-failover");
});
afterAll(async () => {
  server.stop(true);
  await dropNamespace(cfg);
});

test("500, hang, garbage -> CoinDesk; then zero, jump -> Coinbase; nothing bad in Kafka", async () => {
  const base = `http://127.0.0.1:${server.port}`;
  const p = startProducer("bpi", cfg, {
    SOURCE_MODE: "live",
    BPI_SCHEDULE: "*/2 * * * * *",
    BPI_SOURCES: "blockchain.info/ticker,kraken/ticker,coinbase/spot,coindesk/bpi",
    BPI_TIMEOUT_MS: "700",
    BPI_MAX_JUMP_PCT: "10",
    BLOCKCHAIN_API: base,
    KRAKEN_API: base,
    COINBASE_API: base,
    COINDESK_API: base,
  });
  const accepted = (feed: string) =>
    p.lines.filter((l) => l.includes('"price source skipped"')).length >= 0 && hits[feed] !== undefined;
  await waitFor(
    "two phase-A ticks",
    () => (hits["A/v1/bpi/currentprice.json"] ?? 0) >= 2 && accepted("A/v1/bpi/currentprice.json"),
    30_000,
  );
  phase = "B";
  await waitFor("two phase-B ticks", () => (hits["B/v2/prices/BTC-EUR/spot"] ?? 0) >= 2, 30_000);
  await Bun.sleep(500);
  expect(await p.stop()).toBe(0);

  const recs = await readTopic(cfg, topicsOf(cfg).bpi, 4);
  const feeds = recs.map((r) => r.headers.feed);
  expect(feeds.filter((f) => f === "coindesk/bpi").length).toBeGreaterThanOrEqual(2);
  expect(feeds.filter((f) => f === "coinbase/spot").length).toBeGreaterThanOrEqual(2);
  for (const r of recs) {
    expect(["coindesk/bpi", "coinbase/spot"]).toContain(r.headers.feed!);
    expect(r.key).toBe("BTC-EUR");
    expect(r.value.toString()).toBe(r.headers.feed === "coindesk/bpi" ? coindesk : coinbase);
    const price = parsePrice(r.headers.feed!, r.value.toString());
    expect("eur" in price && price.eur >= 89_000 && price.eur <= 91_000).toBe(true);
  }
  expect(hits["B/v1/bpi/currentprice.json"] ?? 0).toBeLessThanOrEqual(1);
  const reasons = p.lines
    .filter((l) => l.includes('"price source skipped"'))
    .map((l) => JSON.parse(l) as { feed: string; reason: string });
  const why = (feed: string, re: RegExp) => reasons.some((r) => r.feed === feed && re.test(r.reason));
  expect(why("blockchain.info/ticker", /HTTP 500/)).toBe(true);
  expect(why("kraken/ticker", /timeout after 700 ms/)).toBe(true);
  expect(why("coinbase/spot", /not JSON/)).toBe(true);
  expect(why("blockchain.info/ticker", /zero/)).toBe(true);
  expect(why("kraken/ticker", /jump of 900\.0%/)).toBe(true);
}, 100_000);
