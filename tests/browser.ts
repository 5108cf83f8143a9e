// Shared by the dashboard tests: Debian's Chromium driven by playwright-core (a downloaded browser does not run
// here), the dashboard started as a child process on a free port, the opener of the browser tests
// (dashboardInBrowser: namespace, seed, dashboard, browser, page), and a TCP proxy in front of Elasticsearch that a
// test stops and restarts to simulate an outage without touching the shared cluster.

import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { Config } from "../scripts/lib/config.ts";
import { dropNamespace, envOf, freshNamespace, ROOT } from "./cluster.ts";

export const ARTIFACTS = join(ROOT, "test-artifacts");
export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a new, empty user-data-dir; close() removes it. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }) {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (make setup WITH_BROWSER=1 does it)`);
  const dir = mkdtempSync(join(tmpdir(), "btc-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** Start scripts/dashboard/server.ts for a namespace; resolves once it answers (with `headers`, when it requires
 * credentials). Its log goes to test-artifacts/. */
export async function startDashboard(
  namespace: string,
  name: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const proc = Bun.spawn(["bun", "scripts/dashboard/server.ts"], {
    env: envOf(namespace, { DASHBOARD_PORT: String(port), ...extra }),
    cwd: ROOT,
    stdout: Bun.file(join(ARTIFACTS, `${name}.dashboard.log`)),
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/`, { headers }).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600 || proc.exitCode !== null) {
      proc.kill("SIGKILL"); // a loaded machine: 60 s; never left running when the test gives up
      throw new Error(`dashboard did not start (exit ${proc.exitCode})`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    proc,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Screenshots of the page as it is, at desktop and at phone width (`<name>-desktop.png`, `<name>-phone.png` in
 * test-artifacts/), each checked for a horizontal overflow; the page is left at desktop width. */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150); // the charts redraw at the new width
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`${name}: ${overflow} px wider than the ${size} screen`);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** A TCP proxy on a fixed local port to host:port; stop() refuses and cuts every connection, start() reopens. */
export function tcpProxy(targetPort: number, targetHost = "127.0.0.1") {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const start = () =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = tcpConnect(targetPort, targetHost);
        track(client);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as { port: number }).port;
        resolve(port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  return { start, stop, port: () => port };
}

export type DashboardInBrowser = {
  cfg: Config;
  dash: Awaited<ReturnType<typeof startDashboard>>;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  page: Page;
  /** every dialog the page opened (alert, confirm...): a test of hostile text expects none */
  dialogs: string[];
  /** an element's text */
  text: (selector: string) => Promise<string | null>;
  /** a table's body, cell texts per row */
  rows: (id: string) => Promise<(string | null)[][]>;
};

/** The opener the dashboard's browser tests share. Called at the top of a test file, it registers there the
 * beforeAll that makes a fresh namespace (`namespace`), seeds it (`seed`), starts the dashboard on it (its log
 * test-artifacts/<artifact>.dashboard.log, `env()` added to its environment), launches Chromium with one page that
 * records and dismisses every dialog, opens `open` (a path; none: the tests open the page) and awaits `ready`; and
 * the afterAll that closes the browser, stops the dashboard, runs `after` and drops the namespace. The fields of
 * the returned object are there once beforeAll has run. */
export function dashboardInBrowser(o: {
  namespace: string;
  artifact: string;
  seed: (cfg: Config) => Promise<unknown>;
  env?: () => Promise<Record<string, string>>;
  open?: string;
  ready?: (page: Page) => Promise<unknown>;
  after?: () => Promise<unknown>;
}): DashboardInBrowser {
  const ui = {
    dialogs: [] as string[],
    text: (selector: string) => ui.page.locator(selector).textContent(),
    rows: (id: string) =>
      ui.page.$$eval(`#${id} tbody tr`, (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent)),
      ),
  } as DashboardInBrowser;
  beforeAll(async () => {
    ui.cfg = await freshNamespace(o.namespace);
    await o.seed(ui.cfg);
    ui.dash = await startDashboard(ui.cfg.namespace, o.artifact, (await o.env?.()) ?? {});
    ui.browser = await launchBrowser();
    ui.page = await ui.browser.context.newPage();
    ui.page.on("dialog", (d) => {
      ui.dialogs.push(d.message());
      void d.dismiss();
    });
    if (o.open !== undefined) await ui.page.goto(`${ui.dash.url}${o.open}`);
    await o.ready?.(ui.page);
  }, 120_000);
  afterAll(async () => {
    await ui.browser?.close();
    await ui.dash?.stop();
    await o.after?.();
    if (ui.cfg) await dropNamespace(ui.cfg);
  }, 30_000);
  return ui;
}
