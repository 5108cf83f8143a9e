import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "./config.ts";
import { commandConfigArgs, toolProperties, withToolConfig } from "./kafka-tools.ts";

const secureCfg = (extra: Record<string, string> = {}) =>
  loadConfig({ BTC_SECURE: "1", BTC_IDENTITY: "status", KAFKA_PASSWORD: "pw", BTC_SECRETS: "/s", ...extra });

test("plain text without a login: the tool needs no properties", () => {
  expect(toolProperties(loadConfig({}))).toBeUndefined();
  expect(commandConfigArgs(undefined)).toEqual([]);
});

test("secure mode: TLS with the CA as PEM, SCRAM as this program's user", () => {
  expect(toolProperties(secureCfg())).toBe(
    [
      "security.protocol=SASL_SSL",
      "ssl.truststore.type=PEM",
      "ssl.truststore.location=/s/ca.crt",
      "sasl.mechanism=SCRAM-SHA-512",
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="status" password="pw";',
      "",
    ].join("\n"),
  );
  expect(commandConfigArgs("/x")).toEqual(["--command-config", "/x"]);
});

test("other mechanisms, TLS only, a login only; quotes and backslashes kept, line breaks refused", () => {
  const plain = toolProperties(secureCfg({ KAFKA_SASL_MECHANISM: "plain", KAFKA_PASSWORD: 'a"b\\c' }))!;
  expect(plain).toContain("sasl.mechanism=PLAIN\n");
  // JAAS: a\"b\\c; written as a .properties value, each backslash doubled
  const jaasPassword = 'a\\\\"b\\\\\\\\c'; // a test value, not a secret
  expect(plain).toContain(`PlainLoginModule required username="status" password="${jaasPassword}";`);
  expect(toolProperties(loadConfig({ KAFKA_CA_CERT: "/ca.pem" }))).toBe(
    "security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=/ca.pem\n",
  );
  expect(toolProperties(loadConfig({ KAFKA_USERNAME: "u", KAFKA_PASSWORD: "p" }))).toStartWith(
    "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n",
  );
  expect(() => toolProperties(secureCfg({ KAFKA_PASSWORD: "a\nb" }))).toThrow(/line break/);
});

test("the properties file is private (0600 in a 0700 folder) while the tool runs, and removed after", async () => {
  const scratch = mkdtempSync(join(tmpdir(), "kafka-tools-test-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  let seen = "";
  try {
    await expect(
      withToolConfig(secureCfg(), async (path) => {
        seen = path!;
        expect(statSync(path!).mode & 0o777).toBe(0o600);
        expect(statSync(dirname(path!)).mode & 0o777).toBe(0o700);
        expect(readFileSync(path!, "utf8")).toContain('password="pw"');
        throw new Error("the tool failed");
      }),
    ).rejects.toThrow("the tool failed");
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  expect(seen.startsWith(scratch)).toBe(true);
  expect(existsSync(dirname(seen))).toBe(false);
  expect(await withToolConfig(loadConfig({}), async (path) => path)).toBeUndefined();
});
