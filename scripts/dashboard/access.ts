// Who may use the dashboard: its exposure settings read from the environment, and the checks of each request. On a
// loopback address nothing is required; on any other address the dashboard refuses to start without a token or a
// user and password, and without TLS (the Basic credentials would cross the network in clear): a certificate
// (DASHBOARD_TLS_CERT/KEY, or in secure mode BTC_SECRETS/node.crt and node.key), or DASHBOARD_ALLOW_HTTP=1 behind
// the operator's own TLS proxy. When set, credentials are required on every request: `Authorization: Bearer
// <token>`, or Basic with DASHBOARD_USER/DASHBOARD_PASSWORD, or Basic with any user name and the token as the
// password (what a browser can send); failed logins are limited per address (logins.ts). The Host header must be
// one of the allowed names (against DNS rebinding).
// Env: DASHBOARD_TOKEN, DASHBOARD_USER, DASHBOARD_PASSWORD, DASHBOARD_TLS_CERT, DASHBOARD_TLS_KEY,
// DASHBOARD_ALLOW_HTTP (0), DASHBOARD_MAX_FAILED_LOGINS (10), DASHBOARD_ALLOWED_HOSTS (default: the listen address,
// localhost), DASHBOARD_MAX_STREAMS (100), DASHBOARD_IDLE_TIMEOUT_S (30). I/O: reads the TLS files only.

import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Env = Record<string, string | undefined>;
export class AccessError extends Error {}

export type Access = {
  token: string | null;
  user: string | null;
  password: string | null;
  allowedHosts: string[];
  maxStreams: number;
  idleTimeoutS: number;
  /** PEM files served over TLS; null: plain http (loopback, or DASHBOARD_ALLOW_HTTP=1) */
  tls: { cert: string; key: string } | null;
  maxFailedLogins: number;
};

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v === "" ? null : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new AccessError(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
  return n;
}

/** The exposure settings for a listen address (`secrets`: BTC_SECRETS in secure mode); throws AccessError saying
 * what to set. */
export function accessOf(env: Env, listenHost: string, secrets?: string): Access {
  const token = str(env, "DASHBOARD_TOKEN");
  const user = str(env, "DASHBOARD_USER");
  const password = str(env, "DASHBOARD_PASSWORD");
  if ((user === null) !== (password === null))
    throw new AccessError("DASHBOARD_USER and DASHBOARD_PASSWORD go together: set both or neither");
  const exposed = !isLoopback(listenHost);
  if (exposed && token === null && user === null)
    throw new AccessError(
      `DASHBOARD_HOST=${listenHost} is not a loopback address: set DASHBOARD_TOKEN, or DASHBOARD_USER and ` +
        "DASHBOARD_PASSWORD, to require credentials (or listen on 127.0.0.1)",
    );
  const [cert, key] = [str(env, "DASHBOARD_TLS_CERT"), str(env, "DASHBOARD_TLS_KEY")];
  if ((cert === null) !== (key === null))
    throw new AccessError("DASHBOARD_TLS_CERT and DASHBOARD_TLS_KEY go together: set both or neither");
  const tls =
    cert && key
      ? { cert, key }
      : exposed && secrets
        ? { cert: join(secrets, "node.crt"), key: join(secrets, "node.key") }
        : null;
  if (exposed && tls === null && str(env, "DASHBOARD_ALLOW_HTTP") !== "1")
    throw new AccessError(
      `DASHBOARD_HOST=${listenHost} is not a loopback address and the credentials would cross the network in ` +
        "clear: set DASHBOARD_TLS_CERT and DASHBOARD_TLS_KEY (PEM files), or BTC_SECURE=1 (its node certificate), " +
        "or DASHBOARD_ALLOW_HTTP=1 behind your own TLS proxy (or listen on 127.0.0.1)",
    );
  const hosts = (str(env, "DASHBOARD_ALLOWED_HOSTS") ?? `${listenHost},localhost`)
    .split(",")
    .map((h) => hostName(h.trim()))
    .filter(Boolean);
  return {
    token,
    user,
    password,
    allowedHosts: [...new Set(hosts)],
    maxStreams: int(env, "DASHBOARD_MAX_STREAMS", 100, 1, 10_000),
    idleTimeoutS: int(env, "DASHBOARD_IDLE_TIMEOUT_S", 30, 1, 255),
    tls,
    maxFailedLogins: int(env, "DASHBOARD_MAX_FAILED_LOGINS", 10, 1, 1000),
  };
}

/** The TLS files' contents for Bun.serve; throws AccessError naming the file that cannot be read. */
export function tlsFiles(tls: NonNullable<Access["tls"]>): { cert: string; key: string } {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (e) {
      throw new AccessError(`the dashboard's TLS ${what} ${file} cannot be read (${(e as Error).message})`);
    }
  };
  return { cert: read("certificate", tls.cert), key: read("key", tls.key) };
}

/** The host name of a Host header (port dropped, IPv6 brackets kept), lower case. */
export function hostName(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  if ((h.match(/:/g) ?? []).length > 1) return `[${h}]`; // a bare IPv6 address (the listen address)
  return h.replace(/:\d*$/, "");
}

export const hostAllowed = (a: Access, host: string | null) => host !== null && a.allowedHosts.includes(hostName(host));

const digest = (s: string) => createHash("sha256").update(s).digest();
/** Equal strings, in a time that does not depend on where they differ. */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** Whether a request's Authorization header satisfies the settings (always, when none are set). */
export function authorized(a: Access, header: string | null): boolean {
  if (a.token === null && a.user === null) return true;
  if (!header) return false;
  const [scheme = "", value = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return a.token !== null && same(value, a.token);
  if (scheme.toLowerCase() !== "basic") return false;
  const text = Buffer.from(value, "base64").toString("utf8");
  const i = text.indexOf(":");
  if (i < 0) return false;
  const [u, p] = [text.slice(0, i), text.slice(i + 1)];
  const byUser = a.user !== null && a.password !== null && same(u, a.user) && same(p, a.password);
  const byToken = a.token !== null && same(p, a.token);
  return byUser || byToken;
}
