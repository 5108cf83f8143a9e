import { expect, test } from "bun:test";
import { cpuByKind, kindOf, threadNames, threadsText } from "./bench-es-threads.ts";

const DUMP = `2026-12-07 15:40:01
Full thread dump OpenJDK 64-Bit Server VM (17.0.13+11-Debian-2deb12u1 mixed mode, sharing):

"elasticsearch[elasticsearch1][write][T#1]" #60 daemon prio=5 os_prio=0 cpu=10.20s elapsed=900.1s tid=0x00007f nid=0x4003 waiting on condition  [0x00007f]
   java.lang.Thread.State: WAITING (parking)

"elasticsearch[elasticsearch1][[timer]]" #20 daemon prio=5 os_prio=0 cpu=1.00s elapsed=900.1s tid=0x00007f nid=0x3f01 sleeping
"GC Thread#0" os_prio=0 cpu=3.00s elapsed=900.2s tid=0x00007f nid=0x3e81 runnable
"G1 Conc#0" os_prio=0 cpu=1.00s elapsed=900.2s tid=0x00007f nid=0x3e82 runnable
"C2 CompilerThread0" #6 daemon prio=9 os_prio=0 cpu=80.00s elapsed=900.2s tid=0x00007f nid=0x3e90 waiting on condition
"VM Thread" os_prio=0 cpu=0.50s elapsed=900.2s tid=0x00007f nid=0x3e85 runnable
`;

test("a thread's kind is its Elasticsearch pool, or the JVM's GC, JIT or other work", () => {
  expect(kindOf("elasticsearch[es-1][write][T#2]")).toBe("write");
  expect(kindOf("elasticsearch[es-1][transport_worker][T#1]")).toBe("transport_worker");
  expect(kindOf("elasticsearch[es-1][[timer]]")).toBe("elasticsearch, other");
  expect(kindOf("elasticsearch[keepAlive/8.19.21]")).toBe("elasticsearch, other");
  expect(kindOf("GC Thread#1")).toBe("jvm: GC pauses");
  expect(kindOf("G1 Refine#0")).toBe("jvm: GC concurrent");
  expect(kindOf("C1 CompilerThread0")).toBe("jvm: JIT compiler");
  expect(kindOf("VM Thread")).toBe("jvm: other");
  expect(kindOf(undefined)).toBe("unnamed");
});

test("jcmd's thread dump names the Linux thread ids (nid)", () => {
  const names = threadNames(DUMP);
  expect(names.get(0x4003)).toBe("elasticsearch[elasticsearch1][write][T#1]");
  expect(names.get(0x3e81)).toBe("GC Thread#0");
  expect(names.get(0x3e90)).toBe("C2 CompilerThread0");
  expect(names.size).toBe(6);
  expect(threadNames("").size).toBe(0);
});

test("CPU by kind: each living thread's ticks since the first reading; the rest of the process's went to threads that ended", () => {
  const names = threadNames(DUMP);
  const before = {
    threads: new Map([
      [0x4003, 100],
      [0x3e81, 50],
      [0x999, 10],
    ]),
    total: 400,
  };
  const after = {
    threads: new Map([
      [0x4003, 300],
      [0x3e81, 70],
      [0x5000, 30],
    ]),
    total: 700,
  };
  // 0x5000 started in between (all its ticks count) and jcmd did not name it; 0x999 ended: 700 - 400 - 250 = 50
  expect(cpuByKind(before, after, names, 100)).toEqual({
    write: 2,
    "jvm: GC pauses": 0.2,
    unnamed: 0.3,
    "threads that ended": 0.5,
  });
});

test("the row: kinds of 2 ms or more in either part, the drain's largest first, then the rest and the totals", () => {
  const drain = { cpu_s_per_1000: { write: 0.0666, merge: 0.0122, search: 0.0032, flush: 0.0012 }, unread: [] };
  const raw = {
    cpu_s_per_1000: { write: 0.058, merge: 0.004, generic: 0.0025, flush: 0.0004 },
    unread: ["elasticsearch#3"],
  };
  expect(threadsText(drain, raw)).toBe(
    "write 66.6 / 58.0, merge 12.2 / 4.0, search 3.2 / 0.0, generic 0.0 / 2.5, the rest 1.2 / 0.4, all 83.2 / 64.9 (not read: elasticsearch#3)",
  );
  expect(threadsText(undefined, raw)).toBeUndefined();
});
