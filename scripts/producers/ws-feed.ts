// The blockchain.info WebSocket, kept alive: subscribe (unconfirmed_sub, blocks_sub) on every open, ping every
// WS_PING_MS, and treat a close, an error, or no message at all for WS_SILENCE_MS as a dead connection, reopened
// after a capped exponential backoff with full jitter. Every message is handed over with its receive time; each
// open is told (onOpen), so the caller can fetch what was announced while the connection was down.

import { log, sleep } from "../lib/log.ts";

export type WsFeedOptions = {
  url: string;
  pingMs: number;
  silenceMs: number;
  backoffMaxMs: number;
  subscriptions: string[];
  onMessage: (text: string, at: number) => void;
  /** told each time the connection is lost, with why */
  onLost?: (reason: string) => void;
  /** told each time a connection is open and subscribed (what was sent while it was down is not replayed) */
  onOpen?: () => void;
  isStopping: () => boolean;
  whenStopping: Promise<void>;
};

/** The delay before reconnection attempt `n` (0-based): full jitter under min(cap, 500 ms x 2^n). */
export function reconnectDelay(n: number, capMs: number, rand: () => number = Math.random): number {
  return Math.round(rand() * Math.min(capMs, 500 * 2 ** Math.min(n, 20)));
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** One connection, until it dies; resolves with the reason and whether any message arrived. */
function connectOnce(o: WsFeedOptions): Promise<{ reason: string; healthy: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(o.url);
    ws.binaryType = "arraybuffer";
    let last = Date.now();
    let healthy = false;
    let done = false;
    const finish = (reason: string) => {
      if (done) return;
      done = true;
      clearInterval(watch);
      clearInterval(ping);
      try {
        ws.close();
      } catch {}
      resolve({ reason, healthy });
    };
    const watch = setInterval(
      () => {
        if (o.isStopping()) finish("stopping");
        else if (Date.now() - last > o.silenceMs) finish(`silent for ${Date.now() - last} ms`);
      },
      Math.min(1000, Math.max(50, o.silenceMs / 4)),
    );
    const ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send('{"op":"ping"}');
    }, o.pingMs);
    ws.onopen = () => {
      log.info("websocket open, subscribing", { url: o.url, subscriptions: o.subscriptions });
      for (const s of o.subscriptions) ws.send(s);
      o.onOpen?.();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (done) return;
      last = Date.now();
      healthy = true;
      const data = ev.data as string | ArrayBuffer;
      o.onMessage(typeof data === "string" ? data : decoder.decode(data), last);
    };
    ws.onerror = () => finish("error");
    ws.onclose = (ev: CloseEvent) => finish(`closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`);
  });
}

/** Run the feed until shutdown, reconnecting forever. */
export async function runWsFeed(o: WsFeedOptions): Promise<void> {
  let attempt = 0;
  while (!o.isStopping()) {
    const { reason, healthy } = await connectOnce(o);
    if (o.isStopping()) break;
    if (healthy) attempt = 0;
    o.onLost?.(reason);
    const delay = reconnectDelay(attempt++, o.backoffMaxMs);
    log.warn("websocket lost, reconnecting", { reason, attempt, delayMs: delay });
    await Promise.race([sleep(delay), o.whenStopping]);
  }
}
