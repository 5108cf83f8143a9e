// A topic's Kafka topic id (a UUID given at its creation: a topic deleted and created again under the same name gets
// a new one), so a reader that keeps positions by offset (dead-letters.ts) knows when to start over. kafkajs speaks
// Metadata up to v6, before topic ids (v10); @platformatic/kafka's admin asks Metadata with ids, over the same
// listeners and credentials as every client (lib/kafka.ts: TLS with the CA, SASL with this program's user). No topic
// written, no index. Env: the Kafka variables of lib/config.ts.

import { Admin } from "@platformatic/kafka";
import type { Config } from "../lib/config.ts";
import { platformaticConnection } from "../lib/kafka.ts";

const NO_ID = "00000000-0000-0000-0000-000000000000";

/** The id of `topic`, or an error saying why it could not be read (the topic missing, Kafka not answering). */
export async function topicIdOf(cfg: Config, topic: string, timeoutMs = 5000): Promise<string> {
  const admin = new Admin({
    clientId: `${cfg.kafka.clientId}-topic-id`,
    ...platformaticConnection(cfg),
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    retries: 0,
  });
  try {
    const md = await admin.metadata({ topics: [topic], autocreateTopics: false });
    const id = md.topics.get(topic)?.id;
    if (!id || id === NO_ID) throw new Error(`${topic}: Kafka gave no topic id`);
    return id;
  } finally {
    await admin.close().catch(() => {});
  }
}
