// A private single-node Elasticsearch for the tests that fault Elasticsearch (freeze, kill): the shared nodes
// (9200-9202) are never touched. Configured as bin/es-node configures a node of the small profile (single-node,
// security off, the same disk watermarks), on the given HTTP port (transport: port + 1), its data in a folder of its
// own under var/private-es/ (deleted by stop()), run as ES_USER (btc) when this process is root (it refuses root).
// The node runs in a process group of its own (setsid), so signal() reaches the launcher and the server JVM alike
// (SIGSTOP freezes it, SIGCONT resumes it) and stop() leaves nothing behind. Only processes it started are touched.
// Usage: const es = await startPrivateEs(19200); ...ES_NODES: es.url...; await es.stop();
// Reads: ES_HOME (default var/opt/elasticsearch-8.19.21), ES_USER (btc), PRIVATE_ES_HEAP (384m).

import { chownSync, cpSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cluster.ts";

export type PrivateEs = {
  url: string;
  /** the process group's leader (a shell watching the node); signal() reaches every process of the group */
  pid: number;
  dir: string;
  signal: (sig: NodeJS.Signals) => void;
  /** stop the node (SIGTERM, then SIGKILL after 20 s), resume it first if frozen, and delete its folder */
  stop: () => Promise<void>;
};

/** `bash -c REAPER reaper <parent pid> <node command...>`: run the node; if the parent dies, stop the node
 * (SIGTERM, then SIGKILL to the whole group after 20 s); exit when the node exits. */
const REAPER = `p=$1; shift; "$@" & c=$!
while kill -0 $c 2>/dev/null; do
  if ! kill -0 $p 2>/dev/null; then kill -TERM $c; sleep 20; kill -KILL 0; fi
  sleep 2
done`;

const ES_HOME = process.env.ES_HOME || join(ROOT, "var/opt/elasticsearch-8.19.21");

/** elasticsearch.yml of a private single node (what bin/es-node writes for the small profile, other ports). */
export function privateEsYml(dir: string, port: number): string {
  return [
    "cluster.name: btc-private-es",
    `node.name: private-${port}`,
    `path.data: ${dir}/data`,
    `path.logs: ${dir}/logs`,
    "network.host: 127.0.0.1",
    `http.port: ${port}`,
    `transport.port: ${port + 1}`,
    "discovery.type: single-node",
    "xpack.security.enabled: false",
    "action.destructive_requires_name: true",
    "cluster.routing.allocation.disk.watermark.low: 2gb",
    "cluster.routing.allocation.disk.watermark.high: 1gb",
    "cluster.routing.allocation.disk.watermark.flood_stage: 500mb",
    "",
  ].join("\n");
}

function uidOf(user: string): { uid: number; gid: number } | undefined {
  const r = Bun.spawnSync(["id", "-u", user]);
  const g = Bun.spawnSync(["id", "-g", user]);
  if (r.exitCode !== 0 || g.exitCode !== 0) return undefined;
  return { uid: Number(r.stdout.toString()), gid: Number(g.stdout.toString()) };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const f of readdirSync(path)) chownTree(join(path, f), uid, gid);
}

/** Start a private node on `port` (HTTP) and wait until it answers green (at most `timeoutMs`). */
export async function startPrivateEs(port: number, timeoutMs = 300_000): Promise<PrivateEs> {
  const dir = join(ROOT, "var/private-es", `${port}-${Date.now().toString(36)}`);
  const conf = join(dir, "config");
  for (const d of ["data", "logs", "tmp", "config/jvm.options.d"]) mkdirSync(join(dir, d), { recursive: true });
  cpSync(join(ES_HOME, "config/jvm.options"), join(conf, "jvm.options"));
  cpSync(join(ES_HOME, "config/log4j2.properties"), join(conf, "log4j2.properties"));
  const heap = process.env.PRIVATE_ES_HEAP || "384m";
  writeFileSync(join(conf, "jvm.options.d/heap.options"), `-Xms${heap}\n-Xmx${heap}\n`);
  writeFileSync(join(conf, "elasticsearch.yml"), privateEsYml(dir, port));
  let node = [join(ES_HOME, "bin/elasticsearch")];
  if (process.getuid?.() === 0) {
    const user = process.env.ES_USER || "btc";
    const ids = uidOf(user);
    if (!ids) throw new Error(`no user ${user} to run Elasticsearch (it refuses root): run make setup`);
    chownTree(dir, ids.uid, ids.gid);
    node = ["setpriv", `--reuid=${user}`, `--regid=${user}`, "--init-groups", ...node];
  }
  // the group's leader is a small shell that stops the node when this process is gone (a test runner killed)
  const cmd = ["setsid", "bash", "-c", REAPER, "reaper", String(process.pid), ...node];
  const javaHome =
    process.env.ES_JAVA_HOME ||
    Bun.spawnSync(["bash", "-c", 'dirname "$(dirname "$(readlink -f "$(command -v java)")")"'])
      .stdout.toString()
      .trim();
  const out = openSync(join(dir, "node.out"), "a");
  const proc = Bun.spawn(cmd, {
    env: { ...process.env, ES_PATH_CONF: conf, ES_TMPDIR: join(dir, "tmp"), HOME: dir, ES_JAVA_HOME: javaHome },
    stdout: out,
    stderr: out,
  });
  const pid = proc.pid;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {}
  };
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    signal("SIGCONT");
    signal("SIGTERM"); // every process of the group: the shell, the launcher, the server JVM
    for (const end = Date.now() + 20_000; alive() && Date.now() < end; ) await Bun.sleep(200);
    signal("SIGKILL");
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) break;
    const health = await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.json() as Promise<{ status?: string }>)
      .catch(() => undefined);
    if (health?.status === "green") return { url, pid, dir, signal, stop };
    await Bun.sleep(500);
  }
  const why = proc.exitCode !== null ? `exited ${proc.exitCode}` : `not green within ${timeoutMs} ms`;
  const tail = await Bun.file(join(dir, "node.out"))
    .text()
    .catch(() => "");
  await stop().catch(() => {});
  throw new Error(`private Elasticsearch on ${port} ${why}; its output ended with:\n${tail.slice(-2000)}`);
}
