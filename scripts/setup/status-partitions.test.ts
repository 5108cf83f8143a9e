import { expect, test } from "bun:test";
import { degradedPartitions } from "./status.ts";

test("make status names offline, under-replicated and moving partitions", () => {
  const topics = [
    {
      name: "t",
      partitions: [
        { partitionId: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
        { partitionId: 1, leader: -1, replicas: [1, 2, 3], isr: [] },
        { partitionId: 2, leader: 2, replicas: [1, 2, 3], isr: [2, 3] },
        { partitionId: 3, leader: 2, replicas: [1, 2, 3, 4], isr: [1, 2, 3, 4] },
      ],
    },
  ];
  expect(degradedPartitions(topics, 3)).toEqual(["t/1 OFFLINE", "t/2 isr 2/3", "t/3 being moved (replicas 1,2,3,4)"]);
});
