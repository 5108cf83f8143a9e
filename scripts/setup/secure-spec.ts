// The secure mode's identities (BTC_SECURE=1) and what each may do, in one place: the Kafka ACLs of a namespace
// (read its input topics, write its output topics, use its consumer group) and the Elasticsearch roles (write only
// its indices, read what it reads). They follow the headers of scripts/bolts/*.ts; no I/O here.
// Used by secure-secrets.ts (one password per user), secure-kafka.ts (ACLs) and secure-es.ts (roles, users).

import { type Config, indicesOf, topicsOf } from "../lib/config.ts";
import { REBUILD_GROUP_SUFFIX } from "./rebuild-plan.ts";

export const BOLT_NAMES = ["prices", "transactions", "blocks", "volume", "miners"] as const;
type Topic = keyof ReturnType<typeof topicsOf>;
type Index = keyof ReturnType<typeof indicesOf>;

/** Each bolt's Kafka topics in and out (besides the dead-letter topic, which every bolt writes). */
export const BOLT_TOPICS: Record<(typeof BOLT_NAMES)[number], { in: Topic[]; out: Topic[] }> = {
  prices: { in: ["bpi"], out: ["volumeUpdates", "minerUpdates"] },
  transactions: { in: ["transactions"], out: ["volumeUpdates"] },
  blocks: { in: ["blocks"], out: ["minerUpdates"] },
  volume: { in: ["volumeUpdates"], out: [] },
  miners: { in: ["minerUpdates"], out: [] },
};

/** Each bolt's indices: written, read, refreshed (the blocks bolt refreshes before its chain-split check; a write
 * with refresh=wait_for whose retry was answered 409 refreshes its indices: lib/es-bulk.ts bulkWrite). */
export const BOLT_INDICES: Record<(typeof BOLT_NAMES)[number], { write: Index[]; read: Index[]; refresh?: Index[] }> = {
  prices: { write: ["rawBpi", "value"], read: ["value", "rawTransactions", "rawBlocks"], refresh: ["rawBpi", "value"] },
  transactions: { write: ["rawTransactions"], read: [], refresh: ["rawTransactions"] },
  blocks: { write: ["rawBlocks"], read: ["rawBlocks"], refresh: ["rawBlocks"] },
  volume: { write: ["volume"], read: ["volume", "rawTransactions", "value"] },
  miners: { write: ["miner"], read: ["miner", "rawBlocks", "value"], refresh: ["miner"] },
};

export const PRODUCER_TOPICS: Record<string, Topic[]> = { bpi: ["bpi"], blockchain: ["transactions", "blocks"] };

const bolts = BOLT_NAMES.map((b) => `bolt-${b}`);
const producers = Object.keys(PRODUCER_TOPICS).map((p) => `producer-${p}`);
/** Kafka's SCRAM users: `broker` (between brokers) and `setup` (topics, ACLs) are super users. */
export const KAFKA_USERS = ["broker", "setup", "status", "dashboard", ...producers, ...bolts];
export const KAFKA_SUPER_USERS = ["broker", "setup"];
/** Elasticsearch's users (file realm): kibana-server is Kibana's own (kibana_system), kibana-reader a viewer. */
export const ES_USERS = ["setup", "status", "dashboard", "kibana-server", "kibana-reader", ...bolts];

export type Grant = {
  user: string;
  resource: "topic" | "group" | "cluster";
  name: string;
  operation: "read" | "write" | "describe";
};

/** The ACLs of a namespace: everything any non-super user may do, nothing more (deny is the default). */
export function kafkaGrants(cfg: Pick<Config, "namespace">): Grant[] {
  const t = topicsOf(cfg);
  const ns = cfg.namespace ? `${cfg.namespace}-` : "";
  const out: Grant[] = [];
  const topic = (user: string, operation: Grant["operation"], names: string[]) =>
    out.push(...names.map((name) => ({ user, resource: "topic" as const, name, operation })));
  for (const [p, topics] of Object.entries(PRODUCER_TOPICS))
    topic(
      `producer-${p}`,
      "write",
      topics.map((x) => t[x]),
    );
  for (const b of BOLT_NAMES) {
    const spec = BOLT_TOPICS[b];
    topic(
      `bolt-${b}`,
      "read",
      spec.in.map((x) => t[x]),
    );
    topic(`bolt-${b}`, "write", [...spec.out.map((x) => t[x]), t.deadLetters]);
    out.push({ user: `bolt-${b}`, resource: "group", name: `${ns}btc-${b}`, operation: "read" });
    // make rebuild runs the same bolt in a group of its own (rebuild-plan.ts)
    out.push({ user: `bolt-${b}`, resource: "group", name: `${ns}btc-${b}${REBUILD_GROUP_SUFFIX}`, operation: "read" });
  }
  for (const user of ["status", "dashboard"]) {
    topic(user, "describe", Object.values(t));
    for (const b of BOLT_NAMES) out.push({ user, resource: "group", name: `${ns}btc-${b}`, operation: "describe" });
    // the dead letters per bolt (health/dead-letters.ts): read in a group of its own, never committed
    topic(user, "read", [t.deadLetters]);
    out.push({ user, resource: "group", name: `${ns}btc-${user}-dead-letters`, operation: "read" });
  }
  // make status's quorum line: Kafka's DescribeQuorum needs Describe on the cluster (it also lets status list ACLs)
  out.push({ user: "status", resource: "cluster", name: "kafka-cluster", operation: "describe" });
  return out;
}

type IndexGrant = { names: string[]; privileges: string[] };
export type Role = { cluster: string[]; indices: IndexGrant[]; applications?: unknown[] };

/** Index names of every namespace, for `setup` only (it creates each namespace's indices, as Kafka's super user
 * `setup` creates its topics): `btc-value`, `<namespace>-btc-value`, and their generations `<name>-g<N>`. */
const everyNamespace = (xs: Index[]) => {
  const base = indicesOf({ namespace: "" });
  return xs.flatMap((x) => [base[x], `*-${base[x]}`, `${base[x]}-g*`, `*-${base[x]}-g*`]);
};

/** `s` as a Lucene regular expression matching it literally (Elasticsearch's `/…/` index name patterns). */
export const literalRegex = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`);

/** Index names of the given namespaces only, as the Kafka ACLs are literal per namespace: each alias by its name,
 * its generations `<name>-g<N>` (generations.ts; make rebuild's bolts write them) by `/<name>-g[0-9]+/`. No
 * wildcard: nothing of another namespace (`<other>-btc-value`, `btc-value-gx`) matches. */
export const inNamespaces = (namespaces: string[], xs: Index[]) =>
  namespaces.flatMap((namespace) =>
    xs.flatMap((x) => {
      const name = indicesOf({ namespace })[x];
      return [name, `/${literalRegex(name)}-g[0-9]+/`];
    }),
  );

/** The Elasticsearch roles for the namespaces served (BTC_NAMESPACE, "" for none), and the role(s) of each user. */
export function esRoles(namespaces: string[]): { roles: Record<string, Role>; userRoles: Record<string, string[]> } {
  const all = Object.keys(indicesOf({ namespace: "" })) as Index[];
  const metrics: Index[] = ["value", "volume", "miner"];
  const ns = (xs: Index[]) => inNamespaces(namespaces, xs);
  const roles: Record<string, Role> = {
    "btc-setup": { cluster: ["monitor"], indices: [{ names: everyNamespace(all), privileges: ["manage", "read"] }] },
    "btc-status": {
      cluster: ["monitor"],
      indices: [{ names: ns(all), privileges: ["read", "monitor", "view_index_metadata"] }],
    },
    // the dashboard's drill-downs list an hour's transactions and a period's blocks
    "btc-dashboard": {
      cluster: ["monitor"],
      indices: [{ names: ns([...metrics, "rawTransactions", "rawBlocks"]), privileges: ["read"] }],
    },
    "btc-kibana-reader": {
      cluster: [],
      indices: [{ names: ns(metrics), privileges: ["read", "view_index_metadata"] }],
      applications: [{ application: "kibana-.kibana", privileges: ["read"], resources: ["*"] }],
    },
  };
  for (const b of BOLT_NAMES) {
    const spec = BOLT_INDICES[b];
    const indices: IndexGrant[] = [{ names: ns(spec.write), privileges: ["write"] }];
    if (spec.read.length > 0) indices.push({ names: ns(spec.read), privileges: ["read"] });
    if (spec.refresh) indices.push({ names: ns(spec.refresh), privileges: ["maintenance"] });
    roles[`btc-bolt-${b}`] = { cluster: [], indices };
  }
  const userRoles: Record<string, string[]> = { "kibana-server": ["kibana_system"] };
  for (const u of ES_USERS) userRoles[u] ??= [`btc-${u}`];
  return { roles, userRoles };
}
