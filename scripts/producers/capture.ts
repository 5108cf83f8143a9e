// The capture format, how bugs are reported and reproduced: JSON lines, one per message received,
//   {"at":<epoch ms received>,"feed":"<feed>","msg":<the message exactly as the source sent it>}
// A message that is single-line JSON (an object or an array) is spliced in as its raw text, so the exact bytes
// come back on reading; any other message (multi-line, not JSON) is written as a JSON string of its text.
// Pure line codec plus a streaming reader and an appending writer.

import { createReadStream, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";

/** A captured message; `truth` is what the simulator knows of a block it made (never written to a file): the
 * reference figures of `make chaos` credit the block to that pool. */
export type Captured = { at: number; feed: string; text: string; truth?: { hash: string; miner: string } };

function spliceable(text: string): boolean {
  if (/[\r\n]/.test(text)) return false;
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One capture line (without its newline). */
export function captureLine(c: Captured): string {
  const msg = spliceable(c.text) ? c.text : JSON.stringify(c.text);
  return `{"at":${Math.round(c.at)},"feed":${JSON.stringify(c.feed)},"msg":${msg}}`;
}

const HEAD = /^\{"at":(\d+),"feed":("(?:[^"\\]|\\.)*"),"msg":/;

/**
 * A capture line back to its message. Lines written by captureLine give the exact bytes back; a line written by
 * hand (other spacing or key order) is still read, its JSON msg re-serialized (then the bytes may differ).
 */
export function parseCaptureLine(line: string): Captured {
  const l = line.endsWith("\r") ? line.slice(0, -1) : line;
  const head = HEAD.exec(l);
  if (head && l.endsWith("}")) {
    const rest = l.slice(head[0].length, -1);
    const feed = JSON.parse(head[2]!) as string;
    const at = Number(head[1]);
    if (rest.startsWith('"')) return { at, feed, text: JSON.parse(rest) as string };
    if (spliceable(rest)) return { at, feed, text: rest };
  }
  const o = JSON.parse(l) as { at?: unknown; feed?: unknown; msg?: unknown };
  if (typeof o.at !== "number" || typeof o.feed !== "string" || o.msg === undefined)
    throw new Error("capture line without at, feed and msg");
  return { at: o.at, feed: o.feed, text: typeof o.msg === "string" ? o.msg : JSON.stringify(o.msg) };
}

/** Read a capture file line by line (constant memory); a bad line throws with its line number. */
export async function* readCapture(file: string): AsyncGenerator<Captured> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    try {
      yield parseCaptureLine(line);
    } catch (e) {
      throw new Error(`${file}:${n}: ${(e as Error).message}`);
    }
  }
}

/**
 * Append captured messages to a file. Each line goes out in one O_APPEND write, so the two producers may share
 * one file without interleaving. Synchronous: a capture is for reproducing, and must not lose the last lines.
 */
export function captureWriter(file: string | undefined): (c: Captured) => void {
  if (!file) return () => {};
  const fd = openSync(file, "a");
  return (c) => {
    writeSync(fd, `${captureLine(c)}\n`);
  };
}
