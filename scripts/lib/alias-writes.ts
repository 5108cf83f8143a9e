// Whether a bulk's writes go through the aliases, so that they can require one (lib/es-bulk.ts bulkWrite). Asks
// Elasticsearch once per process and index name (GET <name>?features=aliases).

import type { Client } from "@elastic/elasticsearch";

const concrete = new Map<string, Promise<boolean>>();

/** Whether every index the ops write to is reached through an alias (the setup makes each name an alias of its
 * generation): then the bulk requires one (require_alias), so a write to a deleted index answers 404 and waits for
 * it instead of creating an index with guessed mappings (Elasticsearch's default auto-creation; a delete never
 * creates one). A concrete index (a generation `-gN`, written by make rebuild's bolts, or a deployment from before
 * the aliases) is written as it is. Asked once per process and name. Never throws: a program not allowed to ask
 * counts the name as an alias; a failed question counts it as one for this write only (a concrete index then
 * answers 404, and the write waits for the next try, which asks again). */
export async function throughAliases(client: Client, ops: Array<{ index: string }>): Promise<boolean> {
  for (const index of new Set(ops.map((o) => o.index))) {
    let known = concrete.get(index);
    if (!known) {
      known = client.indices
        .get({ index, features: ["aliases"], ignore_unavailable: true, allow_no_indices: true })
        .then((r) => Object.hasOwn(r, index))
        .catch((e: { meta?: { statusCode?: number } }) => {
          const status = e.meta?.statusCode;
          if (status !== 401 && status !== 403) concrete.delete(index); // asked again at the next write
          return false;
        });
      concrete.set(index, known);
    }
    if (await known) return false;
  }
  return true;
}
