// A local blockchain.info for the producer's block tests: the WebSocket (/inv: pong, unconfirmed_sub / blocks_sub,
// `block` announcements the test sends or withholds, connections it closes) and the HTTP API the producer fetches
// from (/rawblock/<hash>, /latestblock: the tip; a hash listed in `failing` answers HTTP 500; anything else 404, so
// a mempool.space pointed here fails too). Every HTTP request is noted with the connection count at the time.
// The chain: `n` blocks from height H, each naming the one before, times 10 minutes apart ending an hour ago,
// coinbase tags of known pools (the miner each is credited to is `minerOf`).

import { createHash } from "node:crypto";
import type { Server, ServerWebSocket } from "bun";
import type { Captured } from "../scripts/producers/capture.ts";

const hashOf = (label: string) => createHash("sha256").update(label).digest("hex");
const hex = (text: string) => Buffer.from(text, "latin1").toString("hex");
const POOLS: Array<[tag: string, miner: string]> = [
  ["/ViaBTC/", "ViaBTC"],
  ["Foundry USA Pool", "Foundry USA"],
  ["/AntPool/", "AntPool"],
  ["F2Pool", "F2Pool"],
  ["MARA Pool", "MARA Pool"],
];

export type SourceBlock = { hash: string; prev: string; height: number; time: number; miner: string; raw: string };

export function sourceChain(n: number, H = 850_000): SourceBlock[] {
  const t0 = Math.floor(Date.now() / 1000) - 3600 - n * 600;
  return Array.from({ length: n }, (_, i) => {
    const [tag, miner] = POOLS[i % POOLS.length]!;
    const hash = hashOf(`missed-${i}`);
    const prev = hashOf(`missed-${i - 1}`);
    const coinbase = { inputs: [{ script: `03${(H + i).toString(16).padStart(6, "0")}${hex(tag)}` }] };
    const out = [{ value: 312_500_000 + 1_000 * i, addr: `bc1qminer${i}`, script: "00" }];
    const raw = JSON.stringify({
      hash,
      prev_block: prev,
      height: H + i,
      time: t0 + i * 600,
      main_chain: true,
      tx: [{ hash: hashOf(`cb-${i}`), ...coinbase, out }],
    });
    return { hash, prev, height: H + i, time: t0 + i * 600, miner, raw };
  });
}

/** A block one above `tip` naming a parent nobody has (untrusted chain text): it must wait, not count. */
export function bogusBlock(tip: SourceBlock): SourceBlock {
  const b = JSON.parse(tip.raw) as Record<string, unknown>;
  const hash = hashOf("bogus");
  const raw = JSON.stringify({
    ...b,
    hash,
    prev_block: hashOf("nowhere"),
    height: tip.height + 1,
    time: tip.time + 60,
  });
  return { hash, prev: hashOf("nowhere"), height: tip.height + 1, time: tip.time + 60, miner: "bogus", raw };
}

export const announcement = (b: SourceBlock) =>
  JSON.stringify({ op: "block", x: { hash: b.hash, height: b.height, time: b.time, nTx: 1 } });

export class BlockSource {
  connections = 0;
  live: ServerWebSocket<{ n: number }> | undefined;
  tip: SourceBlock;
  readonly failing = new Set<string>();
  readonly requests: Array<{ path: string; connection: number; status: number }> = [];
  readonly sent: string[] = [];
  private readonly server: Server<{ n: number }>;

  constructor(
    readonly chain: SourceBlock[],
    private readonly onSubscribed: (src: BlockSource, connection: number) => void,
  ) {
    this.tip = chain[0]!;
    this.server = Bun.serve<{ n: number }, never>({
      port: 0,
      fetch: (req, srv) => {
        const path = new URL(req.url).pathname;
        if (path === "/inv")
          return srv.upgrade(req, { data: { n: ++this.connections } })
            ? undefined
            : new Response("no", { status: 400 });
        const res = this.answer(path);
        this.requests.push({ path, connection: this.connections, status: res.status });
        return res;
      },
      websocket: {
        message: (ws, msg) => {
          const text = String(msg);
          if (text === '{"op":"ping"}') ws.send('{"op":"pong"}');
          if (text !== '{"op":"blocks_sub"}') return;
          this.live = ws;
          this.onSubscribed(this, ws.data.n);
        },
        close: (ws) => {
          if (this.live === ws) this.live = undefined;
        },
      },
    });
  }

  private answer(path: string): Response {
    if (path === "/latestblock") return Response.json({ hash: this.tip.hash, height: this.tip.height });
    const b = this.chain.find((x) => path === `/rawblock/${x.hash}`);
    if (!b) return new Response("not found", { status: 404 });
    if (this.failing.has(b.hash)) return new Response("busy", { status: 500 });
    return new Response(b.raw, { headers: { "content-type": "application/json" } });
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** The block becomes the source's tip; announced over the live connection unless `withheld`. */
  mined(b: SourceBlock, withheld = false): void {
    this.tip = b;
    if (!withheld) this.announce(b);
  }

  /** Announced over the live connection (the tip stays). */
  announce(b: SourceBlock): void {
    if (!this.live) return;
    this.live.send(announcement(b));
    this.sent.push(b.hash);
  }

  /** What a complete capture of the source holds: every block's rawblock (for the reference figures). */
  rawblocks(): Captured[] {
    return this.chain.map((b, i) => ({ at: Date.now() + i, feed: "blockchain.info/rawblock", text: b.raw }));
  }

  stop(): void {
    this.server.stop(true);
  }
}
