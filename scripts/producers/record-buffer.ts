// The producers' bounded buffer of records waiting for Kafka: per-topic FIFO queues (so each key stays in order),
// bounded in records and bytes. Beyond the bound a droppable record (a transaction) is dropped, and a non-droppable
// one (block, price) evicts the oldest droppable one; each drop is counted and logged (a summary a second with the
// keys). Which queue is sent from next: blocks and prices first, never behind a transaction backlog, the other
// queues in turn. The sender loop that empties it is publisher.ts.

import type { Message } from "kafkajs";
import { log } from "../lib/log.ts";

export type Outgoing = { topic: string; message: Message; droppable: boolean };
export type Queued = Outgoing & { bytes: number; at: number };

export const sizeOf = (m: Message) => (m.value ? Buffer.byteLength(m.value as string) : 0) + 200;

export class RecordBuffer {
  readonly queues = new Map<string, Queued[]>();
  count = 0;
  bytes = 0;
  dropped = 0;
  private pendingDrops: string[] = [];
  protected wake: (() => void) | undefined;
  protected space: Array<() => void> = [];
  private turn = 0;

  constructor(protected readonly bounds: { max: number; maxBytes: number }) {}

  protected fits(bytes: number): boolean {
    return this.count < this.bounds.max && this.bytes + bytes <= this.bounds.maxBytes;
  }

  protected drop(o: Outgoing, why: string): void {
    this.dropped++;
    this.pendingDrops.push(`${o.topic}/${String(o.message.key)}: ${why}`);
  }

  /** Flush the drop log: every drop appears in a line (the first 200 keys of the second are listed). */
  reportDrops(): void {
    if (this.pendingDrops.length === 0) return;
    const n = this.pendingDrops.length;
    log.warn("dropped records: buffer full (Kafka slow or down)", {
      count: n,
      totalDropped: this.dropped,
      buffered: this.count,
      records: this.pendingDrops.slice(0, 200),
      more: Math.max(0, n - 200),
    });
    this.pendingDrops = [];
  }

  protected enqueue(q: Queued): void {
    const list = this.queues.get(q.topic) ?? [];
    if (list.length === 0) this.queues.set(q.topic, list);
    list.push(q);
    this.count++;
    this.bytes += q.bytes;
    this.wake?.();
  }

  protected evictOldestDroppable(): boolean {
    for (const list of this.queues.values()) {
      const i = list.findIndex((q) => q.droppable);
      if (i < 0) continue;
      const [q] = list.splice(i, 1);
      this.count--;
      this.bytes -= q!.bytes;
      this.drop(q!, "evicted for a block or price record");
      return true;
    }
    return false;
  }

  /** The queue to send from next: one whose head is a block or a price first (never behind a backlog of
   * transaction batches), else the non-empty queues in turn. */
  protected next(): Queued[] | undefined {
    const lists = [...this.queues.values()].filter((l) => l.length > 0);
    return lists.find((l) => !l[0]!.droppable) ?? lists[this.turn++ % Math.max(1, lists.length)];
  }

  /** Take the first `n` records of `list` out (sent or dropped) and wake whoever waits for room. */
  protected remove(list: Queued[], n: number): void {
    for (const q of list.splice(0, n)) {
      this.count--;
      this.bytes -= q.bytes;
    }
    for (const r of this.space.splice(0)) r();
  }

  /** Count every record still buffered as dropped (`why`) and empty the buffer. */
  protected dropAll(why: string): void {
    for (const list of this.queues.values()) for (const q of list.splice(0)) this.drop(q, why);
    this.count = 0;
    this.bytes = 0;
  }
}
