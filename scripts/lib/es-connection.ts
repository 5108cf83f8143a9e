// The Elasticsearch client's connection over Bun's own fetch (native HTTP), in place of the client's HttpConnection
// (node:http, which Bun runs as JavaScript streams over node:net: a third of the transactions bolt's CPU went to
// parsing its `_bulk` answers there) and of its UndiciConnection (Bun's `undici` is a stub). It keeps the client's
// contract: the answer's status, headers and text; a timeout is a TimeoutError, an abort a RequestAbortedError, a
// refused or broken connection a ConnectionError, which the client's pool counts against the node and retries on
// another. TLS takes the client's `tls.ca` (secure mode). Streaming answers (`asStream`) are not offered: nothing
// here asks for them.

import {
  BaseConnection,
  type ConnectionRequestOptions,
  type ConnectionRequestOptionsAsStream,
  type ConnectionRequestParams,
  type ConnectionRequestResponse,
  type ConnectionRequestResponseAsStream,
  errors,
} from "@elastic/elasticsearch";

/** Content types Elasticsearch answers in bytes rather than text: the client's own list (BaseConnection's isBinary,
 * not exported by the package). */
const BINARY_TYPES = [
  "application/vnd.mapbox-vector-tile",
  "application/vnd.apache.arrow.stream",
  "application/vnd.elasticsearch+arrow+stream",
  "application/smile",
  "application/vnd.elasticsearch+smile",
  "application/cbor",
  "application/vnd.elasticsearch+cbor",
];

export class FetchConnection extends BaseConnection {
  override request(p: ConnectionRequestParams, o: ConnectionRequestOptions): Promise<ConnectionRequestResponse>;
  override request(
    p: ConnectionRequestParams,
    o: ConnectionRequestOptionsAsStream,
  ): Promise<ConnectionRequestResponseAsStream>;
  override async request(
    params: ConnectionRequestParams,
    options: ConnectionRequestOptions | ConnectionRequestOptionsAsStream,
  ): Promise<ConnectionRequestResponse | ConnectionRequestResponseAsStream> {
    if ("asStream" in options && options.asStream)
      throw new errors.ConfigurationError("FetchConnection does not stream answers");
    const prefix = this.url.pathname === "/" ? "" : this.url.pathname.replace(/\/$/, "");
    const path = params.path.startsWith("/") ? params.path : `/${params.path}`;
    const query = params.querystring ? `?${params.querystring}` : "";
    const timeoutMs = options.timeout ?? this.timeout;
    const timeout = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = AbortSignal.any([options.signal, timeout].filter((s): s is AbortSignal => s !== undefined));
    let res: Response;
    try {
      res = await fetch(`${this.url.origin}${prefix}${path}${query}`, {
        method: params.method,
        headers: { ...this.headers, ...(params.headers as Record<string, string>) },
        body: params.body as BodyInit | undefined,
        signal,
        timeout: false, // Bun's own idle timeout (5 min): the client's request timeout above rules instead
        ...(this.tls?.ca ? { tls: { ca: this.tls.ca as string | Buffer } } : {}),
      } as RequestInit);
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        // fetch has already inflated a compressed answer: the client must not inflate it again
        if (k !== "content-encoding" && k !== "content-length") headers[k] = v;
      });
      const binary = BINARY_TYPES.some((t) => (headers["content-type"] ?? "").includes(t));
      const body = binary ? Buffer.from(await res.arrayBuffer()) : await res.text();
      return { statusCode: res.status, headers, body };
    } catch (e) {
      if (timeout?.aborted) throw new errors.TimeoutError("Request timed out");
      if (options.signal?.aborted) throw new errors.RequestAbortedError("Request aborted");
      throw new errors.ConnectionError((e as Error).message);
    }
  }

  override async close(): Promise<void> {}
}
