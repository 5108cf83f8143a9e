import { expect, test } from "bun:test";
import { servingLine } from "./status-part.ts";

test("make status's line about the dashboard's cluster says unknown when nothing was reported", () => {
  expect(servingLine(null, 0)).toContain("unknown");
  const since = Date.UTC(2026, 11, 6, 11, 0, 0);
  expect(servingLine({ cluster: "standby", name: "x", since, behindS: null, at: since + 5000 }, since + 7000)).toBe(
    "dashboard serving from: STANDBY since 2026-12-06T11:00:00.000Z, unknown behind Kafka (reported 2 s ago)",
  );
});
