// The source fault of `make chaos`: the live WebSocket path (producers/blockchain.ts, SOURCE_MODE=live) with its
// connection closed mid-stream, then silent. A local server (Bun.serve, port 0) speaks the blockchain.info
// protocol the producer expects (pong to {"op":"ping"}, unconfirmed_sub / blocks_sub, `utx` messages) and serves
// extra transactions that are not in the seeded stream (chaos-stream.ts extraTransactions: distinct hashes, times inside the
// stream's span, values in satoshis, the same for a seed; chaos.ts adds them to the reference figures, so one the
// producer drops shows as lost). The fault: half of them sent, the connection closed (1011); the next connection
// silent (open, nothing sent, no pong) until the producer gives it up; the next one served the rest. Each extra is
// sent once, only over an open connection. Recovery: from the close until the first of the extras served after
// the silence was read back from the transactions topic by a consumer of this process (an upper bound of when
// Kafka had it); null when that never happened or the producer's log lacks the close and the silence.
// Serves: chaos.ts (the live producer, Crew.startLiveProducer, with WS_PING_MS 500, WS_SILENCE_MS 4000,
// WS_BACKOFF_MAX_MS 500) and chaos-faults.ts (the fault). Env: none of its own (the Kafka variables of its cfg).

import { readFileSync } from "node:fs";
import type { Server, ServerWebSocket } from "bun";
import type { Consumer } from "kafkajs";
import { type Config, topicsOf } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import type { Captured } from "../producers/capture.ts";
import { logFileOf } from "./chaos-crew.ts";
import type { Fault } from "./chaos-faults.ts";
import { hashOfUtx } from "./chaos-stream.ts";

export const LIVE_WS = { pingMs: 500, silenceMs: 4000, backoffMaxMs: 500 };

type Conn = { silent: boolean; serve: boolean };
type Phase = "idle" | "closed" | "silent" | "serving";

export class ChaosSource {
  private phase: Phase = "idle";
  private live: ServerWebSocket<Conn> | undefined;
  private next = 0;
  private connections = 0;
  readonly sent: number[];
  readonly seenAt = new Map<string, number>();
  private readonly hashes: string[];
  private constructor(
    private readonly cfg: Config,
    private readonly extras: Captured[],
    private readonly server: Server<Conn>,
    private readonly consumer: Consumer,
  ) {
    this.sent = extras.map(() => 0);
    this.hashes = extras.map((e) => hashOfUtx(e.text)!);
  }
  get url(): string {
    return `ws://127.0.0.1:${this.server.port}/inv`;
  }

  /** The server, and a consumer noting when each extra reaches the transactions topic. */
  static async start(cfg: Config, extras: Captured[]): Promise<ChaosSource> {
    let self: ChaosSource | undefined;
    const server = Bun.serve<Conn, never>({
      port: 0,
      fetch: (req, srv) =>
        srv.upgrade(req, { data: self!.opened() }) ? undefined : new Response("no", { status: 400 }),
      websocket: {
        message: (ws, msg) => self!.message(ws, String(msg)),
        close: (ws) => {
          if (self!.live === ws) self!.live = undefined;
        },
      },
    });
    const consumer = kafkaClient(cfg, "chaos-source").consumer({ groupId: `chaos-source-${cfg.namespace}` });
    self = new ChaosSource(cfg, extras, server, consumer);
    const wanted = new Set(self.hashes);
    await consumer.connect();
    await consumer.subscribe({ topic: topicsOf(cfg).transactions, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        const key = m.key?.toString() ?? "";
        if (wanted.has(key) && !self!.seenAt.has(key)) self!.seenAt.set(key, Date.now());
      },
    });
    return self;
  }

  /** A new connection: after the close it is the silent one; after the silent one, it serves the rest. */
  private opened(): Conn {
    if (this.phase === "closed") this.phase = "silent";
    else if (this.phase === "silent") this.phase = "serving";
    this.connections++;
    return { silent: this.phase === "silent", serve: this.phase === "serving" };
  }

  private message(ws: ServerWebSocket<Conn>, text: string) {
    if (text === '{"op":"ping"}') {
      if (!ws.data.silent) ws.send('{"op":"pong"}');
    } else if (text === '{"op":"blocks_sub"}') {
      this.live = ws; // subscribed: what it is sent from now on reaches the producer's feed
      if (ws.data.serve) void this.pump(ws, this.extras.length);
    }
  }

  /** Send the extras up to `upTo`, one every 20 ms, each once, while `ws` is open. */
  private async pump(ws: ServerWebSocket<Conn>, upTo: number) {
    while (this.next < upTo && ws.readyState === 1) {
      if (ws.send(this.extras[this.next]!.text) === 0) break; // 0: dropped, not sent
      this.sent[this.next++]!++;
      await sleep(20);
    }
  }

  /** The fault (see the header); it resolves with its own recovery time. */
  fault(): Fault {
    return {
      name: "the source connection closed (1011) mid-stream, then silent (no message, no pong): the live producer reconnects",
      bolt: "transactions",
      inject: async () => {
        for (let i = 0; i < 600 && !this.live; i++) await sleep(100);
        const ws = this.live;
        if (!ws) return null;
        await this.pump(ws, Math.floor(this.extras.length / 2));
        for (let i = 0; i < 100 && ws.getBufferedAmount() > 0; i++) await sleep(20);
        this.phase = "closed";
        const closedAt = Date.now();
        ws.close(1011, "chaos: source restart");
        const after = this.hashes.slice(Math.floor(this.extras.length / 2));
        const firstSeen = () => Math.min(...after.map((h) => this.seenAt.get(h) ?? Number.POSITIVE_INFINITY));
        for (const until = Date.now() + 180_000; Date.now() < until && firstSeen() === Infinity; ) await sleep(100);
        return firstSeen() < Infinity && this.summary().reconnections_logged ? firstSeen() - closedAt : null;
      },
    };
  }

  /** What was served, and whether the producer logged losing the connection to the close and to the silence. */
  summary() {
    let reasons: string[] = [];
    try {
      reasons = readFileSync(logFileOf(this.cfg, "blockchain-live"), "utf8")
        .split("\n")
        .filter((l) => l.includes("websocket lost"))
        .map((l) => String(JSON.parse(l).reason));
    } catch {}
    return {
      extras: this.extras.length,
      sent_once: this.sent.filter((n) => n === 1).length,
      sent_more_than_once: this.sent.filter((n) => n > 1).length,
      in_kafka: this.seenAt.size,
      connections: this.connections,
      losses_logged: reasons,
      reconnections_logged:
        reasons.some((r) => r.startsWith("closed (1011")) && reasons.some((r) => r.startsWith("silent for")),
    };
  }

  async stop(): Promise<void> {
    this.server.stop(true);
    await this.consumer.disconnect().catch(() => {});
  }
}
