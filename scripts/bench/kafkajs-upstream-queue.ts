// Preloaded by idle-cost.ts (bun --preload) to measure the programs as they were before the local kafkajs patch of
// the request queue: puts back upstream kafkajs 2.2.4's scheduleCheckPendingRequests, which re-arms itself for
// ever even when nothing is pending (kafkajs issue 1704), and its request timeout check every 100 ms for ever on
// every connection. A measuring instrument only; no program imports it.

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const RequestQueue = require("kafkajs/src/network/requestQueue/index.js");
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

RequestQueue.prototype.scheduleCheckPendingRequests = function (this: {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
}) {
  let scheduleAt = this.throttledUntil - Date.now();
  if (!this.throttleCheckTimeoutId) {
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      Math.max(scheduleAt, 0),
    );
  }
};

type Queue = {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId: ReturnType<typeof setInterval> | null;
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  isConnected(): boolean;
  destroy(): void;
};

RequestQueue.prototype.startRequestTimeoutCheck = () => {};
RequestQueue.prototype.scheduleRequestTimeoutCheck = function (this: Queue) {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(
    () => {
      this.inflight.forEach((request) => {
        if (Date.now() - request.sentAt > request.requestTimeout) request.timeoutRequest();
      });
      if (!this.isConnected()) this.destroy();
    },
    Math.min(this.requestTimeout, 100),
  );
};
