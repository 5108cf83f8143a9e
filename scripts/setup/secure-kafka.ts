// Kafka's ACLs in secure mode (BTC_SECURE=1): creates the ACLs of scripts/setup/secure-spec.ts for the namespace
// (BTC_NAMESPACE) that are missing, as the super user `setup`; the authorizer denies everything else. Idempotent.
// bin/kafka-node runs it in the background with --wait (it retries until the broker answers, for up to 10 min);
// `make secure-sync` and the tests run it directly. Prints what it created.
// Env: BTC_NAMESPACE, KAFKA_BROKERS, BTC_SECRETS (setup's password), KAFKA_CA_CERT.

import {
  type AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ResourcePatternTypes,
} from "kafkajs";
import { fatalOrUsage, toolArgs } from "../lib/args.ts";
import { type Config, configOrExit } from "../lib/config.ts";
import { kafkaClient } from "../lib/kafka.ts";
import { sleep } from "../lib/log.ts";
import { type Grant, kafkaGrants } from "./secure-spec.ts";

const OPERATION = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
};
const RESOURCE = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, cluster: AclResourceTypes.CLUSTER };

/** A grant as the ACL entry kafkajs creates (allow, literal name, any host). */
export function aclOf(g: Grant) {
  return {
    resourceType: RESOURCE[g.resource],
    resourceName: g.name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${g.user}`,
    host: "*",
    operation: OPERATION[g.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const keyOf = (a: ReturnType<typeof aclOf>) =>
  [a.resourceType, a.resourceName, a.resourcePatternType, a.principal, a.host, a.operation, a.permissionType].join("|");

/** Every ACL the cluster has (as keys). */
async function existingAcls(admin: Admin): Promise<Set<string>> {
  const r = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const out = new Set<string>();
  for (const res of r.resources)
    for (const a of res.acls as AclEntry[])
      out.add(
        keyOf({
          resourceType: res.resourceType,
          resourceName: res.resourceName,
          resourcePatternType: res.resourcePatternType,
          principal: a.principal,
          host: a.host,
          operation: a.operation,
          permissionType: a.permissionType,
        } as ReturnType<typeof aclOf>),
      );
  return out;
}

/** Create the namespace's missing ACLs; returns how many were created and how many the spec has. */
export async function ensureAcls(cfg: Config): Promise<{ created: number; total: number }> {
  const admin = kafkaClient(cfg, "setup-acls").admin();
  await admin.connect();
  try {
    const want = kafkaGrants(cfg).map(aclOf);
    const have = await existingAcls(admin);
    const missing = want.filter((a) => !have.has(keyOf(a)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    return { created: missing.length, total: want.length };
  } finally {
    await admin.disconnect();
  }
}

async function main() {
  const cfg = configOrExit({ ...process.env, BTC_IDENTITY: "setup" });
  const wait = toolArgs("bun scripts/setup/secure-kafka.ts [--wait]", { wait: { type: "boolean" } }).values.wait;
  const until = Date.now() + 600_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const { created, total } = await ensureAcls(cfg);
      const ns = cfg.namespace || "(none)";
      console.log(`${new Date().toISOString()} ACLs of namespace ${ns}: ${created} created, ${total} in the spec`);
      return;
    } catch (e) {
      if (!wait || Date.now() > until) throw e;
      if (attempt % 20 === 1) console.log(`${new Date().toISOString()} waiting for Kafka: ${(e as Error).message}`);
      await sleep(1000);
    }
  }
}

if (import.meta.main)
  main()
    .then(() => process.exit(0))
    .catch(fatalOrUsage);
