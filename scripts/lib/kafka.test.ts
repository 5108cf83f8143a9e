import { expect, test } from "bun:test";
import { createZstdCompress } from "node:zlib";
import { compressionsAlgorithms } from "@platformatic/kafka";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import "./kafka.ts";

// the table kafkajs's consumers look a batch's codec up in, by the batch's attributes
const zstd = () => CompressionCodecs[CompressionTypes.ZSTD]!();
const records = Buffer.from(
  JSON.stringify({ op: "utx", x: { hash: "ab".repeat(32), out: [{ value: 1 }] } }).repeat(50),
);

test("kafkajs consumers read the producers' zstd batches once lib/kafka.ts is loaded", async () => {
  const codec = zstd();
  const batch = compressionsAlgorithms.zstd.compressSync(records) as Buffer;
  expect(Buffer.compare(await codec.decompress(batch), records)).toBe(0);
});

test("a zstd frame written as a stream (no size in its header, as the Java clients write) reads too", async () => {
  const stream = createZstdCompress();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => stream.on("end", r));
  stream.write(records.subarray(0, 100));
  stream.end(records.subarray(100));
  await ended;
  const frame = Buffer.concat(chunks);
  const codec = zstd();
  expect(Buffer.compare(await codec.decompress(frame), records)).toBe(0);
});

test("kafkajs's own zstd batches (the client evaluations) round-trip", async () => {
  const codec = zstd();
  expect(Buffer.compare(await codec.decompress(await codec.compress({ buffer: records })), records)).toBe(0);
});
