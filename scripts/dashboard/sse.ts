// The dashboard's live streams (GET /api/stream, server-sent events) with bounded memory. Each stream's queue is
// measured in bytes not yet taken by its socket (the stream's back-pressure: Bun stops pulling when the socket is
// full); past DASHBOARD_SSE_MAX_UNSENT_KB the stream is closed, its queue dropped, and the page reconnects (a client
// that never reads no longer grows the process). Admission: at most DASHBOARD_MAX_STREAMS streams (503), at most
// DASHBOARD_MAX_STREAMS_PER_CLIENT from one address (429), and a new distinct view only while fewer than
// DASHBOARD_MAX_VIEWS are live (503; each live view costs a 6-search query a second). No index, no topic.
// Env: those variables (lib/config.ts dashboardStreams; DASHBOARD_MAX_STREAMS in access.ts).

import type { Config } from "../lib/config.ts";
import { log } from "../lib/log.ts";
import { type Live, type StreamView, viewKey } from "./live.ts";

export type StreamLimits = Config["dashboardStreams"] & { maxStreams: number };
export type Refusal = { status: 429 | 503; error: string };

/** Whether one more stream may open, from what is open now; a refusal says why and what to do. */
export function admit(
  l: StreamLimits,
  now: { total: number; fromClient: number; views: number; viewIsLive: boolean },
): Refusal | null {
  if (now.total >= l.maxStreams) return { status: 503, error: "too many live pages open; retry later" };
  if (now.fromClient >= l.maxPerClient)
    return { status: 429, error: `at most ${l.maxPerClient} live pages per address; close one` };
  if (!now.viewIsLive && now.views >= l.maxViews)
    return { status: 503, error: `at most ${l.maxViews} different live views at once; retry later or open one shown` };
  return null;
}

/** Admission against what `live` serves now, for a stream of `view` from `client`. */
export const admitStream = (live: Live, l: StreamLimits, client: string, view: StreamView) =>
  admit(l, {
    total: live.subscribers,
    fromClient: live.streamsFrom(client),
    views: live.views,
    viewIsLive: live.watches(viewKey(view)),
  });

const PING_MS = 15_000;

/** The body of one live stream: subscribed to `live` until the client leaves or stops reading. */
export function liveBody(live: Live, req: Request, view: StreamView, client: string, maxUnsentBytes: number) {
  const enc = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        let open = true;
        const send = (event: string, data: string) => {
          if (!open) return;
          try {
            c.enqueue(enc.encode(`event: ${event}\ndata: ${data}\n\n`));
          } catch {
            return stop();
          }
          const unsent = -(c.desiredSize ?? 0); // high-water mark 0: minus the bytes queued
          if (unsent <= maxUnsentBytes) return;
          log.warn("live page closed: it does not read its stream", { client, unsentBytes: unsent, maxUnsentBytes });
          stop();
          c.error(); // drops the queue and ends the connection (no reason given: Bun would print it as a crash)
        };
        c.enqueue(enc.encode("retry: 2000\n\n"));
        const unsubscribe = live.subscribe({ view, send, client });
        const ping = setInterval(() => send("ping", "{}"), PING_MS);
        stop = () => {
          open = false;
          clearInterval(ping);
          unsubscribe();
        };
        req.signal.addEventListener("abort", () => stop());
      },
      cancel: () => stop(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  );
}
