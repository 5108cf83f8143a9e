import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { jumpError, parsePrice, priceUrl } from "./price-sources.ts";

const fixture = (name: string) => readFileSync(new URL(`../../tests/fixtures/prices/${name}`, import.meta.url), "utf8");

describe("parsePrice on each source's body", () => {
  test("blockchain.info /ticker: EUR and USD last", () => {
    expect(parsePrice("blockchain.info/ticker", fixture("blockchain-info-ticker.json"))).toEqual({
      eur: 87612.4,
      usd: 101234.5,
    });
  });
  test("Kraken XBTEUR: last trade price c[0]", () => {
    expect(parsePrice("kraken/ticker", fixture("kraken-ticker.json"))).toEqual({ eur: 87594.2 });
  });
  test("Coinbase spot BTC-EUR: data.amount", () => {
    expect(parsePrice("coinbase/spot", fixture("coinbase-spot.json"))).toEqual({ eur: 87601.52 });
  });
  test("CoinDesk BPI currentprice.json: bpi.EUR.rate_float (and USD)", () => {
    expect(parsePrice("coindesk/bpi", fixture("coindesk-bpi.json"))).toEqual({ eur: 7610.7148, usd: 8433.0767 });
  });
});

describe("parsePrice refuses nonsense with a reason", () => {
  const cases: [string, string, RegExp][] = [
    ["blockchain.info/ticker", "<html>502 Bad Gateway</html>", /not JSON/],
    ["blockchain.info/ticker", '{"EUR":{"last":"abc"}}', /not a number/],
    ["blockchain.info/ticker", '{"EUR":{"last":0}}', /zero/],
    ["blockchain.info/ticker", '{"EUR":{"last":-5}}', /negative/],
    ["blockchain.info/ticker", '{"USD":{"last":5}}', /no EUR/],
    ["kraken/ticker", '{"error":["EQuery:Unknown asset pair"]}', /kraken error/],
    ["coinbase/spot", '{"data":{"amount":"90000","currency":"USD"}}', /currency USD/],
    ["coinbase/spot", '{"data":{"amount":"NaN","currency":"EUR"}}', /not a number/],
    ["coindesk/bpi", '{"bpi":{"EUR":{"rate":"7,610.71"}}}', /no EUR/],
    ["coindesk/bpi", "[1,2]", /not a JSON object/],
    ["nope/feed", "{}", /unknown price feed/],
  ];
  for (const [feed, body, reason] of cases)
    test(`${feed} ${body.slice(0, 40)}`, () => {
      const r = parsePrice(feed, body);
      expect("error" in r && r.error).toMatch(reason);
    });
});

test("jumpError: beyond the bound only", () => {
  expect(jumpError(100, undefined, 10)).toBeUndefined();
  expect(jumpError(109, 100, 10)).toBeUndefined();
  expect(jumpError(111, 100, 10)).toMatch(/jump of 11.0%/);
  expect(jumpError(80, 100, 10)).toMatch(/jump of 20.0%/);
});

test("priceUrl builds each source's endpoint from configurable bases", () => {
  const b = { blockchainApi: "http://h/", krakenApi: "http://k", coinbaseApi: "http://c", coindeskApi: "http://d" };
  expect(priceUrl("blockchain.info/ticker", b)).toBe("http://h/ticker");
  expect(priceUrl("kraken/ticker", b)).toBe("http://k/0/public/Ticker?pair=XBTEUR");
  expect(priceUrl("coinbase/spot", b)).toBe("http://c/v2/prices/BTC-EUR/spot");
  expect(priceUrl("coindesk/bpi", b)).toBe("http://d/v1/bpi/currentprice.json");
});
