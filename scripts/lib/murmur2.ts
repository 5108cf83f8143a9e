// Kafka's key hash (org.apache.kafka.common.utils.Utils.murmur2), in 32-bit integer arithmetic as Java does it, and
// the partitioner the Java client and kafkajs place a key with: the hash made positive, modulo the partitions.
// @platformatic/kafka's own murmur2 computes the same in BigInt, about 4 us per key (a profile of the producers'
// client at x1000: 5% of its CPU); this one takes under 0.1 us. Pure; no topic, index or environment.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** murmur2 of `data`, a signed 32-bit integer, as Kafka's Utils.murmur2. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3; // the last 1-3 bytes, as Java's switch with fall-through
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition number before the modulo, as @platformatic/kafka's partitioner option wants it: Kafka's
 * `toPositive(murmur2(key))`; no key: 0 (the project's producers always give one). */
export function kafkaPartitioner(_message: unknown, key: Buffer | undefined): number {
  return key ? murmur2(key) & 0x7fffffff : 0;
}
