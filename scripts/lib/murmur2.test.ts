import { expect, test } from "bun:test";
import { compatibilityPartitioner } from "@platformatic/kafka";
import { kafkaPartitioner, murmur2 } from "./murmur2.ts";

test("Kafka's own murmur2 cases (its UtilsTest) give Kafka's hashes", () => {
  const cases: Array<[string, number]> = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [key, hash] of cases) expect({ key, hash: murmur2(Buffer.from(key)) }).toEqual({ key, hash });
});

test("every key of every length lands where @platformatic/kafka's compatibility partitioner puts it", () => {
  let seed = 1;
  const byte = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return (seed >>> 16) & 0xff;
  };
  for (let i = 0; i < 5000; i++) {
    const key = Buffer.from(Array.from({ length: i % 70 }, byte));
    const theirs = compatibilityPartitioner(undefined as never, key);
    expect({ key: key.toString("hex"), p: kafkaPartitioner(undefined, key) }).toEqual({
      key: key.toString("hex"),
      p: theirs,
    });
  }
});
