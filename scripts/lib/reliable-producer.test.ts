import { expect, test } from "bun:test";
import { Partitioners } from "kafkajs";
import { loadConfig } from "./config.ts";
import {
  errorChain,
  headerMap,
  KafkaSendError,
  producerOptions,
  SendTimeout,
  toMessages,
  within,
} from "./reliable-producer.ts";

test("a key lands on the partition kafkajs (and the Java client) gave it: a key keeps its partition across clients", () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const { partitioner } = producerOptions(loadConfig({}), "test");
  for (const partitions of [1, 3, 6, 12])
    for (const key of ["2026-12-06T20", "m:2026-12", "d:2026-12-06", "f4e5a1b2c3d4", "0", "é-ünïcode"]) {
      const ours = (partitioner(undefined, Buffer.from(key)) as number) % partitions;
      const theirs = kafkajs({
        topic: "t",
        partitionMetadata: Array.from({ length: partitions }, (_, i) => ({
          partitionId: i,
          leader: 0,
          partitionErrorCode: 0,
          replicas: [0],
          isr: [0],
        })),
        message: { key, value: "" },
      });
      expect({ key, partitions, p: ours }).toEqual({ key, partitions, p: theirs });
    }
});

test("records become bytes: text keys, values and headers; a missing key is left out; a repeated header's last value", () => {
  const [m] = toMessages("btc-utx", [
    { key: "k", value: '{"a":1}', headers: { "received-at": "17", origin: Buffer.from("live"), two: ["a", "b"] } },
  ]);
  expect(m!.topic).toBe("btc-utx");
  expect(m!.key).toEqual(Buffer.from("k"));
  expect(m!.value).toEqual(Buffer.from('{"a":1}'));
  expect([...(m!.headers as Map<string, Buffer>)].map(([k, v]) => [k, v.toString()])).toEqual([
    ["received-at", "17"],
    ["origin", "live"],
    ["two", "b"],
  ]);
  const [n] = toMessages("t", [{ key: null, value: "v" }]);
  expect(n!.key).toBeUndefined();
  expect(headerMap(undefined).size).toBe(0);
});

test("a send past its bound is a SendTimeout, and any failed send is transient (retried, never the records' fault)", async () => {
  const never = new Promise<void>(() => {});
  const e = await within(never, 20, "send to t").catch((x) => x);
  expect(e).toBeInstanceOf(SendTimeout);
  expect(e.message).toBe("send to t took more than 20 ms");
  expect((e as KafkaSendError).transient).toBe(true);
  expect(new KafkaSendError("x").name).toBe("KafkaSendError");
  expect(await within(Promise.resolve(3), 1000, "x")).toBe(3);
});

test("a client's nested errors are said on one line", () => {
  const inner = Object.assign(new Error("Connection refused"), { name: "NetworkError" });
  const multi = Object.assign(new AggregateError([inner, inner], "Producing messages failed"), {
    name: "MultipleErrors",
  });
  expect(errorChain(multi)).toBe("MultipleErrors: Producing messages failed <- NetworkError: Connection refused");
});

test("batches are compressed as KAFKA_COMPRESSION says, zstd by default (refusals: config.test.ts)", () => {
  expect(producerOptions(loadConfig({}), "t").compression).toBe("zstd");
  expect(producerOptions(loadConfig({ KAFKA_COMPRESSION: "gzip" }), "t").compression).toBe("gzip");
});
