// The window in Chromium against a synthetic service whose pushes the test controls: the headless
// server on a free port serving the built UI, one page opened on the dashboard with its first position
// row drawn, and page problems (CSP refusals, page errors) recorded. Shared by the e2e tests that drive
// the window through SyntheticMonitor.
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startHeadlessServer, type HeadlessServer } from '../../../src/headless/server';
import { launchChromium, repoRoot, watchPageProblems } from './browser';
import { SyntheticMonitor, type SyntheticOptions } from './synthetic-monitor';

export interface SyntheticWindow {
  api: SyntheticMonitor;
  server: HeadlessServer;
  browser: Browser;
  page: Page;
  problems: string[];
}

export interface SyntheticWindowOptions {
  monitor: SyntheticOptions;
  viewport: { width: number; height: number };
  /** Changes to the synthetic accounts before the window first loads. */
  prepare?: (api: SyntheticMonitor) => void;
  /** A script run in the page before the app (e.g. stubbed browser channels). */
  initScript?: string;
}

export async function openSyntheticWindow(options: SyntheticWindowOptions): Promise<SyntheticWindow> {
  const api = new SyntheticMonitor(options.monitor);
  options.prepare?.(api);
  const server = await startHeadlessServer({ api, port: 0, staticDir: resolve(repoRoot, 'dist-ui') });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: options.viewport });
  const problems = watchPageProblems(page);
  if (options.initScript) await page.addInitScript(options.initScript);
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="positions-table"] tbody tr[data-key]');
  return { api, server, browser, page, problems };
}

/** Stops the feed, the browser and the server (each only if it was started). */
export async function closeSyntheticWindow(w: Partial<SyntheticWindow>): Promise<void> {
  w.api?.stop();
  await w.browser?.close();
  await w.server?.close();
}

/**
 * The window for one describe block: opened before its tests, closed after them. The returned object is
 * filled in by the suite's beforeAll, so read its fields inside tests, not at collection time.
 */
export function useSyntheticWindow(options: SyntheticWindowOptions): SyntheticWindow {
  const opened = {} as SyntheticWindow;
  beforeAll(async () => {
    Object.assign(opened, await openSyntheticWindow(options));
  });
  afterAll(() => closeSyntheticWindow(opened));
  return opened;
}
