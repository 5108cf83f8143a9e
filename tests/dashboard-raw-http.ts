// Raw HTTP for the dashboard's tests: a request written byte for byte on a TCP socket (node:net), as an attacker
// would send it, with none of the URL normalisation fetch applies; and a socket left idle, to see when the server
// closes it.

import { connect as tcpConnect } from "node:net";

/** Raw HTTP over a TCP socket (no URL normalisation, as an attacker would send it): the status, headers, body. */
export function rawHttp(port: number, request: string, timeoutMs = 5000) {
  return new Promise<{ status: number; head: string; body: string; text: string }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let timer: Timer | undefined;
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const cut = text.indexOf("\r\n\r\n");
      const head = cut < 0 ? text : text.slice(0, cut);
      resolve({ status: Number(head.split(" ")[1] ?? 0), head, body: cut < 0 ? "" : text.slice(cut + 4), text });
    };
    const s = tcpConnect(port, "127.0.0.1", () => s.write(request));
    s.on("data", (d) => chunks.push(Buffer.from(d)));
    s.on("end", done);
    s.on("error", reject);
    timer = setTimeout(() => {
      s.destroy();
      done();
    }, timeoutMs);
  });
}

/** Milliseconds until the server closes a connection that sent one request and then stays idle (keep-alive). */
export function idleClose(port: number, request: string, limitMs = 20_000) {
  return new Promise<number>((resolve) => {
    let t0 = 0;
    const s = tcpConnect(port, "127.0.0.1", () => s.write(request));
    s.once("data", () => {
      t0 = Date.now();
    });
    s.on("close", () => resolve(Date.now() - t0));
    s.on("error", () => {});
    setTimeout(() => s.destroy(), limitMs);
  });
}
