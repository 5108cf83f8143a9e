// The snapshot repository: a filesystem repository (type fs) named SNAPSHOT_REPO in the folder every node has as
// path.repo (bin/es-node: ES_SNAPSHOT_DIR, default var/data/<profile>/snapshots), registered when missing; run by
// make up, and by make snapshot, make restore and the scheduled snapshots before they use it. A cluster whose
// nodes were started before path.repo was set cannot have it: the message says to restart them one at a time.
// Indices written: none (the repository is cluster state). Env: SNAPSHOT_REPO, ES_NODES (+ credentials).
// Run: bun scripts/backup/repository.ts   (exit 0 with a warning when it cannot: no path.repo yet, no rights...)

import type { Client } from "@elastic/elasticsearch";
import { type Config, configOrExit } from "../lib/config.ts";
import { esClient } from "../lib/es.ts";
import { fatal } from "../lib/log.ts";

export class NoRepository extends Error {}

/** The one path.repo every node shares, or why there is none. */
export function sharedRepoPath(nodes: Record<string, { name: string; repo?: string[] }>): string | Error {
  const all = Object.values(nodes);
  const without = all.filter((n) => !n.repo?.length).map((n) => n.name);
  if (without.length > 0)
    return new Error(
      `node(s) ${without.join(", ")} have no path.repo (started before bin/es-node set it): restart them one at a ` +
        "time, waiting for green in between (supervisorctl -c supervisord.conf restart es-kibana:elasticsearchN)",
    );
  const paths = new Set(all.map((n) => n.repo![0]!));
  if (paths.size > 1)
    return new Error(`the nodes' path.repo differ (${[...paths].join(", ")}): set one ES_SNAPSHOT_DIR for all`);
  return [...paths][0] ?? new Error("no node answered");
}

/** Register the repository when it is missing (idempotent); returns its folder. Throws NoRepository, with what to
 * do, when the nodes cannot have it. */
export async function ensureRepository(cfg: Config, es: Client): Promise<string> {
  const name = cfg.backup.repo;
  const got = (await es.snapshot.getRepository({ name }).catch(() => ({}))) as Record<string, { settings?: object }>;
  const existing = got[name]?.settings as { location?: string } | undefined;
  if (existing?.location) return existing.location;
  const info = await es.nodes.info({ metric: "settings", filter_path: "nodes.*.name,nodes.*.settings.path.repo" });
  const nodes = Object.fromEntries(
    Object.entries(
      (info.nodes ?? {}) as Record<string, { name: string; settings?: { path?: { repo?: unknown } } }>,
    ).map(([id, n]) => {
      const repo = n.settings?.path?.repo;
      return [id, { name: n.name, repo: repo === undefined ? undefined : ([] as string[]).concat(repo as string) }];
    }),
  );
  const root = sharedRepoPath(nodes);
  if (root instanceof Error) throw new NoRepository(root.message);
  const location = `${root}/${name}`;
  await es.snapshot.createRepository({
    name,
    repository: { type: "fs", settings: { location, compress: true } },
    verify: true,
  });
  return location;
}

async function main() {
  const cfg = configOrExit();
  // make up goes on without it: backups are not worth a platform that does not start (the reason is printed)
  let es: Client | undefined;
  try {
    es = esClient(cfg);
    console.log(`    snapshot repository ${cfg.backup.repo}: ${await ensureRepository(cfg, es)}`);
  } catch (e) {
    console.warn(`    WARNING no snapshot repository (make snapshot will say the same): ${(e as Error).message}`);
  } finally {
    await es?.close();
  }
}

if (import.meta.main) main().catch(fatal);
