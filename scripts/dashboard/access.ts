// Who may use the dashboard (pure, no I/O): its exposure settings read from the environment, and the checks of each
// request. On a loopback address nothing is required; on any other address the dashboard refuses to start without
// a token or a user and password. When set, they are required on every request: `Authorization: Bearer <token>`,
// or Basic with DASHBOARD_USER/DASHBOARD_PASSWORD, or Basic with any user name and the token as the password (what
// a browser can send). The Host header must be one of the allowed names (against DNS rebinding).
// Env: DASHBOARD_TOKEN, DASHBOARD_USER, DASHBOARD_PASSWORD, DASHBOARD_ALLOWED_HOSTS (default: the listen address,
// localhost), DASHBOARD_MAX_STREAMS (100), DASHBOARD_IDLE_TIMEOUT_S (30). No index read.

import { createHash, timingSafeEqual } from "node:crypto";

type Env = Record<string, string | undefined>;
export class AccessError extends Error {}

export type Access = {
  token: string | null;
  user: string | null;
  password: string | null;
  allowedHosts: string[];
  maxStreams: number;
  idleTimeoutS: number;
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

/** The exposure settings for a listen address; throws AccessError saying what to set. */
export function accessOf(env: Env, listenHost: string): Access {
  const token = str(env, "DASHBOARD_TOKEN");
  const user = str(env, "DASHBOARD_USER");
  const password = str(env, "DASHBOARD_PASSWORD");
  if ((user === null) !== (password === null))
    throw new AccessError("DASHBOARD_USER and DASHBOARD_PASSWORD go together: set both or neither");
  if (!isLoopback(listenHost) && token === null && user === null)
    throw new AccessError(
      `DASHBOARD_HOST=${listenHost} is not a loopback address: set DASHBOARD_TOKEN, or DASHBOARD_USER and ` +
        "DASHBOARD_PASSWORD, to require credentials (or listen on 127.0.0.1)",
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
  };
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
