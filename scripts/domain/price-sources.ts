// The price sources of the bpi producer and their parsers: pure functions, shared with the prices bolt, which
// imports parsePrice(feed, body) to read the bodies the producer published exactly as received.
// Feeds: blockchain.info/ticker, kraken/ticker (XBT/EUR), coinbase/spot (BTC-EUR), coindesk/bpi (the retired
// currentprice.json format, kept for captures). No I/O here.

export const PRICE_FEEDS = ["blockchain.info/ticker", "kraken/ticker", "coinbase/spot", "coindesk/bpi"] as const;
export type PriceFeed = (typeof PRICE_FEEDS)[number];
export type Price = { eur: number; usd?: number };
export type PriceOrError = Price | { error: string };

export function isPriceFeed(feed: string): feed is PriceFeed {
  return (PRICE_FEEDS as readonly string[]).includes(feed);
}

/** The URL of a source, from the configured base URLs (tests point them at local servers). */
export function priceUrl(
  feed: PriceFeed,
  bases: { blockchainApi: string; krakenApi: string; coinbaseApi: string; coindeskApi: string },
): string {
  const trim = (s: string) => s.replace(/\/+$/, "");
  switch (feed) {
    case "blockchain.info/ticker":
      return `${trim(bases.blockchainApi)}/ticker`;
    case "kraken/ticker":
      return `${trim(bases.krakenApi)}/0/public/Ticker?pair=XBTEUR`;
    case "coinbase/spot":
      return `${trim(bases.coinbaseApi)}/v2/prices/BTC-EUR/spot`;
    case "coindesk/bpi":
      return `${trim(bases.coindeskApi)}/v1/bpi/currentprice.json`;
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/** A price field as a number: numbers or numeric strings only ("9,186.77" is refused: use the float field). */
function priceOf(v: unknown, what: string): number | { error: string } {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*[-+]?\d/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return { error: `${what} is not a number: ${JSON.stringify(v)?.slice(0, 40)}` };
  if (n === 0) return { error: `${what} is zero` };
  if (n < 0) return { error: `${what} is negative: ${n}` };
  if (n < 1e-8 || n >= 90_000_000) return { error: `${what} ${n} is outside 0.00000001 to 90 million` };
  return n;
}

function extract(feed: PriceFeed, body: Json): { eur: unknown; usd?: unknown } | { error: string } {
  switch (feed) {
    case "blockchain.info/ticker":
      return { eur: obj(body.EUR)?.last, usd: obj(body.USD)?.last };
    case "kraken/ticker": {
      const errors = Array.isArray(body.error) ? body.error : [];
      if (errors.length > 0) return { error: `kraken error: ${errors.join("; ").slice(0, 80)}` };
      const result = obj(body.result);
      const pair = result && (obj(result.XXBTZEUR) ?? obj(result.XBTEUR));
      const c = pair?.c;
      return { eur: Array.isArray(c) ? c[0] : undefined };
    }
    case "coinbase/spot": {
      const data = obj(body.data);
      if (data && data.currency !== "EUR") return { error: `coinbase currency ${String(data.currency)}, expected EUR` };
      return { eur: data?.amount };
    }
    case "coindesk/bpi": {
      const bpi = obj(body.bpi);
      return { eur: obj(bpi?.EUR)?.rate_float, usd: obj(bpi?.USD)?.rate_float };
    }
  }
}

/** The EUR (and USD when the source has it) price of a body as received, or why it is refused. */
export function parsePrice(feed: string, body: string): PriceOrError {
  if (!isPriceFeed(feed)) return { error: `unknown price feed ${feed}` };
  let json: Json | undefined;
  try {
    json = obj(JSON.parse(body));
  } catch {
    return { error: `not JSON: ${JSON.stringify(body.slice(0, 40))}` };
  }
  if (!json) return { error: "not a JSON object" };
  const raw = extract(feed, json);
  if ("error" in raw) return raw;
  if (raw.eur === undefined) return { error: "no EUR price in the body" };
  const eur = priceOf(raw.eur, "EUR price");
  if (typeof eur !== "number") return eur;
  if (raw.usd === undefined) return { eur };
  const usd = priceOf(raw.usd, "USD price");
  return typeof usd === "number" ? { eur, usd } : { eur };
}

/** Why a price is refused as a jump from the last accepted one (undefined when it is within the bound). */
export function jumpError(eur: number, lastEur: number | undefined, maxJumpPct: number): string | undefined {
  if (lastEur === undefined) return undefined;
  const pct = (Math.abs(eur - lastEur) / lastEur) * 100;
  return pct > maxJumpPct ? `jump of ${pct.toFixed(1)}% from ${lastEur} (bound ${maxJumpPct}%)` : undefined;
}
