import { expect, test } from "bun:test";
import { loadConfig } from "./config.ts";

test("a variable with a fixed set of values is refused outside it, naming the variable and the choices", () => {
  const refusals: Array<[Record<string, string>, string]> = [
    [{ BTC_PROFILE: "x" }, "BTC_PROFILE=x: expected full or small"],
    [{ ES_TARGET: "x" }, "ES_TARGET=x: expected primary or standby"],
    [{ BTC_SECURE: "2" }, "BTC_SECURE=2: expected 0 or 1"],
    [{ KAFKA_SASL_MECHANISM: "x" }, "KAFKA_SASL_MECHANISM=x: expected scram-sha-512, scram-sha-256 or plain"],
    [{ KAFKA_COMPRESSION: "lz4" }, "KAFKA_COMPRESSION=lz4: expected zstd, gzip or none"],
    [{ SOURCE_MODE: "x" }, "SOURCE_MODE=x: expected live, simulate or replay"],
    [{ ES_STANDBY: "2" }, "ES_STANDBY=2: expected 0 or 1"],
    [{ REBUILD_LIVE_BOLTS: "x" }, "REBUILD_LIVE_BOLTS=x: expected supervisord or none"],
  ];
  for (const [env, message] of refusals) expect(() => loadConfig(env)).toThrow(message);
});

test("their defaults, one of them depending on the namespace", () => {
  const c = loadConfig({});
  expect([c.profile, c.secure, c.producers.mode, c.kafka.compression, c.rebuild.liveBolts]).toEqual([
    "full",
    false,
    "simulate",
    "zstd",
    "supervisord",
  ]);
  expect(loadConfig({ BTC_NAMESPACE: "t" }).rebuild.liveBolts).toBe("none");
});
