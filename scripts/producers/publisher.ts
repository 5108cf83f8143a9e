// The producers' bounded buffer in front of Kafka: records wait in per-topic FIFO queues (so each key stays in
// order) and one sender loop sends them in batches (blocks and prices first, never behind a transaction backlog; the
// other queues in turn), one send in flight, retrying with backoff while Kafka is slow or down. A batch not yet full
// leaves once its first record is `lingerMs` old (PRODUCER_LINGER_MS, Kafka's linger.ms): fewer, bigger batches,
// measured at x1000 to cut the transactions bolt's CPU per transaction by a fifth and the brokers' by a quarter
// (docs/producers.md). Memory is bounded (records and bytes): beyond the bound a droppable record (a transaction) is
// dropped, and a non-droppable one (block, price) evicts the oldest droppable one; each drop is counted and logged
// (a summary a second with the keys). pushWait() applies back-pressure instead (replay: nothing is lost).

import type { Message } from "kafkajs";
import { backoff, log, sleep } from "../lib/log.ts";

export type Outgoing = { topic: string; message: Message; droppable: boolean };
type Queued = Outgoing & { bytes: number; at: number };
export type SendFn = (topic: string, messages: Message[]) => Promise<unknown>;
export type PublisherOptions = { max: number; maxBytes: number; batchMax: number; lingerMs?: number };

const sizeOf = (m: Message) => (m.value ? Buffer.byteLength(m.value as string) : 0) + 200;
const TOO_LARGE = /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|too large/i;

export class Publisher {
  readonly queues = new Map<string, Queued[]>();
  count = 0;
  bytes = 0;
  published = 0;
  dropped = 0;
  private pendingDrops: string[] = [];
  private wake: (() => void) | undefined;
  private endLinger: (() => void) | undefined;
  private space: Array<() => void> = [];
  private closing = false;
  private loop: Promise<void> | undefined;
  private reporter: ReturnType<typeof setInterval>;

  constructor(
    private readonly send: SendFn,
    private readonly opts: PublisherOptions,
  ) {
    this.reporter = setInterval(() => this.reportDrops(), 1000);
  }

  private fits(bytes: number): boolean {
    return this.count < this.opts.max && this.bytes + bytes <= this.opts.maxBytes;
  }

  private drop(o: Outgoing, why: string): void {
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

  private enqueue(q: Queued): void {
    const list = this.queues.get(q.topic) ?? [];
    if (list.length === 0) this.queues.set(q.topic, list);
    list.push(q);
    this.count++;
    this.bytes += q.bytes;
    this.wake?.();
  }

  private evictOldestDroppable(): boolean {
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

  /** Buffer a record for sending; false when it was dropped (counted and logged). Never blocks. */
  push(o: Outgoing): boolean {
    const bytes = sizeOf(o.message);
    if (this.closing) {
      this.drop(o, "producer stopping");
      return false;
    }
    while (!this.fits(bytes) && !o.droppable && this.evictOldestDroppable()) {}
    if (!this.fits(bytes)) {
      this.drop(o, "buffer full");
      return false;
    }
    this.enqueue({ ...o, bytes, at: performance.now() });
    return true;
  }

  /** Buffer a record, waiting for room (back-pressure, for replay). */
  async pushWait(o: Outgoing): Promise<void> {
    const bytes = sizeOf(o.message);
    while (!this.fits(bytes) && this.count > 0 && !this.closing) await new Promise<void>((r) => this.space.push(r));
    if (this.closing) {
      this.drop(o, "producer stopping");
      return;
    }
    this.enqueue({ ...o, bytes, at: performance.now() });
  }

  start(): void {
    this.loop ??= this.run();
  }

  private turn = 0;
  /** The queue to send from next: one whose head is a block or a price first (never behind a backlog of
   * transaction batches), else the non-empty queues in turn. */
  private next(): Queued[] | undefined {
    const lists = [...this.queues.values()].filter((l) => l.length > 0);
    return lists.find((l) => !l[0]!.droppable) ?? lists[this.turn++ % Math.max(1, lists.length)];
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let limit = this.opts.batchMax;
    while (!this.closing || this.count > 0) {
      const list = this.next();
      if (!list) {
        if (this.closing) break;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      const wait =
        this.closing || list.length >= limit ? 0 : (this.opts.lingerMs ?? 0) - (performance.now() - list[0]!.at);
      if (wait > 0) {
        await Promise.race([sleep(wait), new Promise<void>((r) => (this.endLinger = r))]); // close() ends the wait
        this.endLinger = undefined;
        continue;
      }
      const batch = list.slice(0, limit);
      try {
        await this.send(
          batch[0]!.topic,
          batch.map((q) => q.message),
        );
        attempt = 0;
        limit = this.opts.batchMax;
        this.remove(list, batch.length);
        this.published += batch.length;
      } catch (e) {
        const err = e as { message?: string; type?: string; cause?: { type?: string; message?: string } };
        if (TOO_LARGE.test(`${err?.message} ${err?.type} ${err?.cause?.type} ${err?.cause?.message}`)) {
          if (batch.length > 1) limit = Math.max(1, Math.floor(batch.length / 2));
          else {
            log.error("record refused by Kafka as too large: dropped", {
              topic: batch[0]!.topic,
              key: String(batch[0]!.message.key),
            });
            this.drop(batch[0]!, "too large for Kafka");
            this.remove(list, 1);
          }
          continue;
        }
        if (this.closing && this.stopAt !== undefined && Date.now() > this.stopAt) break;
        await sleep(backoff(attempt++, "send to Kafka", e, 5000));
      }
    }
  }

  private remove(list: Queued[], n: number): void {
    for (const q of list.splice(0, n)) {
      this.count--;
      this.bytes -= q.bytes;
    }
    for (const r of this.space.splice(0)) r();
  }

  private stopAt: number | undefined;

  /** Stop taking records, send what is buffered for up to `withinMs`, count the rest as dropped. */
  async close(withinMs: number): Promise<void> {
    this.closing = true;
    this.stopAt = Date.now() + withinMs;
    for (const r of this.space.splice(0)) r();
    this.wake?.();
    this.endLinger?.();
    const loop = this.loop ?? Promise.resolve();
    await Promise.race([loop, sleep(withinMs)]);
    for (const list of this.queues.values()) for (const q of list.splice(0)) this.drop(q, "unsent at shutdown");
    this.count = 0;
    this.bytes = 0;
    clearInterval(this.reporter);
    this.reportDrops();
    log.info("publisher closed", { published: this.published, dropped: this.dropped });
  }
}
