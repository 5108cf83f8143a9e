import { expect, test } from "bun:test";
import { AccessError, accessOf, authorized, hostAllowed, hostName, isLoopback, tlsFiles } from "./access.ts";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

test("loopback addresses need nothing; any other refuses to start without credentials, saying what to set", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopback(h)).toBe(true);
  for (const h of ["0.0.0.0", "192.168.1.10", "::", "example.org", "127.0.0.1.example.org"])
    expect(isLoopback(h)).toBe(false);
  expect(accessOf({}, "127.0.0.1")).toEqual({
    token: null,
    user: null,
    password: null,
    allowedHosts: ["127.0.0.1", "localhost"],
    maxStreams: 100,
    idleTimeoutS: 30,
    tls: null,
    maxFailedLogins: 10,
  });
  expect(() => accessOf({}, "0.0.0.0")).toThrow(AccessError);
  expect(() => accessOf({}, "0.0.0.0")).toThrow(/set DASHBOARD_TOKEN, or DASHBOARD_USER and DASHBOARD_PASSWORD/);
  expect(() => accessOf({ DASHBOARD_USER: "a" }, "0.0.0.0")).toThrow(/go together/);
  expect(accessOf({ DASHBOARD_TOKEN: "t", DASHBOARD_ALLOW_HTTP: "1" }, "0.0.0.0").token).toBe("t");
  expect(() => accessOf({ DASHBOARD_MAX_STREAMS: "0" }, "127.0.0.1")).toThrow(/DASHBOARD_MAX_STREAMS=0/);
  expect(() => accessOf({ DASHBOARD_IDLE_TIMEOUT_S: "300" }, "127.0.0.1")).toThrow(/1 to 255/);
});

test("Host header: its name (port dropped) must be one of the allowed ones", () => {
  expect(hostName("Example.ORG:8080")).toBe("example.org");
  expect(hostName("[::1]:8080")).toBe("[::1]");
  expect(hostName("::1")).toBe("[::1]");
  const a = accessOf(
    { DASHBOARD_TOKEN: "t", DASHBOARD_ALLOWED_HOSTS: "dash.example.org, 10.0.0.5", DASHBOARD_ALLOW_HTTP: "1" },
    "0.0.0.0",
  );
  expect(a.allowedHosts).toEqual(["dash.example.org", "10.0.0.5"]);
  expect(hostAllowed(a, "dash.example.org:8080")).toBe(true);
  expect(hostAllowed(a, "10.0.0.5")).toBe(true);
  expect(hostAllowed(a, "evil.example")).toBe(false);
  expect(hostAllowed(a, "dash.example.org.evil.example")).toBe(false);
  expect(hostAllowed(a, null)).toBe(false);
  expect(accessOf({}, "::1").allowedHosts).toEqual(["[::1]", "localhost"]);
});

test("credentials: a bearer token, Basic with the user and password, or Basic with the token as password", () => {
  expect(authorized(accessOf({}, "127.0.0.1"), null)).toBe(true);
  const t = accessOf({ DASHBOARD_TOKEN: "s3cret" }, "127.0.0.1");
  expect(authorized(t, null)).toBe(false);
  expect(authorized(t, "Bearer s3cret")).toBe(true);
  expect(authorized(t, "bearer s3cret")).toBe(true);
  expect(authorized(t, "Bearer s3cre")).toBe(false);
  expect(authorized(t, basic("anyone", "s3cret"))).toBe(true);
  expect(authorized(t, basic("anyone", "nope"))).toBe(false);
  expect(authorized(t, "Digest s3cret")).toBe(false);
  const u = accessOf({ DASHBOARD_USER: "ann", DASHBOARD_PASSWORD: "pw:with:colons" }, "127.0.0.1");
  expect(authorized(u, basic("ann", "pw:with:colons"))).toBe(true);
  expect(authorized(u, basic("bob", "pw:with:colons"))).toBe(false);
  expect(authorized(u, "Bearer pw:with:colons")).toBe(false);
  expect(authorized(u, "Basic !!!")).toBe(false);
});

test("off loopback the credentials never cross the network in clear: TLS, or refused saying what to set", () => {
  const creds = { DASHBOARD_TOKEN: "t" };
  expect(() => accessOf(creds, "0.0.0.0")).toThrow(AccessError);
  expect(() => accessOf(creds, "192.168.1.10")).toThrow(
    /in clear: set DASHBOARD_TLS_CERT and DASHBOARD_TLS_KEY \(PEM files\), or BTC_SECURE=1/,
  );
  const own = { ...creds, DASHBOARD_TLS_CERT: "/c.pem", DASHBOARD_TLS_KEY: "/k.pem" };
  expect(accessOf(own, "0.0.0.0").tls).toEqual({ cert: "/c.pem", key: "/k.pem" });
  expect(accessOf(own, "0.0.0.0", "/s").tls).toEqual({ cert: "/c.pem", key: "/k.pem" });
  expect(() => accessOf({ ...creds, DASHBOARD_TLS_CERT: "/c.pem" }, "0.0.0.0")).toThrow(/go together/);
  // secure mode: its node certificate; on loopback plain http stays
  expect(accessOf(creds, "0.0.0.0", "/s").tls).toEqual({ cert: "/s/node.crt", key: "/s/node.key" });
  expect(accessOf(creds, "127.0.0.1", "/s").tls).toBeNull();
  // the operator's own TLS proxy in front: plain http by explicit consent only
  expect(accessOf({ ...creds, DASHBOARD_ALLOW_HTTP: "1" }, "0.0.0.0").tls).toBeNull();
  expect(() => tlsFiles({ cert: "/nonexistent/c.pem", key: "/k" })).toThrow(/TLS certificate \/nonexistent\/c.pem/);
});
