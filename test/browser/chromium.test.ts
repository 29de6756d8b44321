/**
 * tsflow in a real browser: the browser bundle (scripts/build-browser.mjs) served by
 * scripts/serve.mjs on 127.0.0.1 and driven in Debian's headless Chromium (playwright-core,
 * the system binary — no browser download). The page runs the graphs of cases.ts and the test
 * compares its numbers with the same graphs run here in Node:
 * - cross-origin isolated (COOP/COEP): the CPU device runs a Web Worker pool (workers ran
 *   chunks) and its numbers are bit-identical to Node's;
 * - not isolated: the CPU device runs inline, says why once on the console, same numbers;
 * - WebGPU through navigator.gpu (SwiftShader without a GPU) when the browser has an adapter.
 * Skips, saying why, where no Chromium binary is installed; fails instead when
 * TSFLOW_REQUIRE_CHROMIUM is set (.ci/run installs Chromium and sets it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from 'tsflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseOptions, type CaseResults, runCases } from './cases.js';

const run = promisify(execFile);
/**
 * The cases run again (a fresh session each time) while no chunk reached the worker: on a
 * loaded 2-core machine the main thread can claim every chunk before the worker wakes, and
 * then the threaded path was not what got compared.
 */
async function threaded(attempt: () => Promise<CaseResults>, tries = 5): Promise<CaseResults> {
  let r = await attempt();
  for (let i = 1; i < tries && r.workerChunks === 0; i++) r = await attempt();
  return r;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = (process.env.TSFLOW_CHROMIUM ? [process.env.TSFLOW_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) =>
  existsSync(p),
);
const skipReason = chromiumPath ? '' : ' — SKIPPED: no Chromium binary (/usr/bin/chromium; `apt-get install chromium`, as .ci/run does)';
if (!chromiumPath) console.warn(`browser tests skipped${skipReason}`);
// CI installs Chromium and sets this: there a missing browser fails instead of skipping
if (!chromiumPath && process.env.TSFLOW_REQUIRE_CHROMIUM) {
  describe('tsflow in headless Chromium', () => {
    it('has a Chromium binary (TSFLOW_REQUIRE_CHROMIUM is set)', () => {
      throw new Error('no Chromium binary at /usr/bin/chromium (scripts/install-chromium.sh installs it)');
    });
  });
}

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;
type Served = { url: string; close(): Promise<void> };

describe.skipIf(!chromiumPath)(`tsflow in headless Chromium${skipReason}`, () => {
  let dir = '';
  let browser: Browser | null = null;
  const servers: Served[] = [];
  const urls = { isolated: '', plain: '' };
  let nodeInline: CaseResults;
  let nodeThreads: CaseResults;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsflow-browser-'));
    const { stdout } = await run(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outdir', dir], { cwd: root, timeout: 180_000 });
    console.log(stdout.trim());
    const { build } = await import('esbuild');
    await build({
      entryPoints: [path.join(root, 'test/browser/page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: path.join(dir, 'page.js'),
      logLevel: 'warning',
    });
    copyFileSync(path.join(root, 'test/browser/index.html'), path.join(dir, 'index.html'));
    const { serve } = (await import(path.join(root, 'scripts/serve.mjs'))) as { serve(o: object): Promise<Served> };
    for (const isolated of [true, false]) {
      const s = await serve({ mounts: { '/': dir }, isolated });
      servers.push(s);
      urls[isolated ? 'isolated' : 'plain'] = s.url;
    }
    const { chromium } = await import('playwright-core');
    // --no-sandbox: CI runs as root; --enable-unsafe-webgpu: WebGPU on Linux (SwiftShader without a GPU)
    browser = await chromium.launch({ executablePath: chromiumPath!, args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
    nodeInline = await runCases(tf, { device: 'cpu', threads: 1 });
    nodeThreads = await threaded(() => runCases(tf, { device: 'cpu', threads: 2 }));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(which: 'isolated' | 'plain'): Promise<{ page: Page; console: string[]; errors: string[] }> {
    const page = await browser!.newPage();
    const log: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(urls[which]);
    try {
      await page.waitForFunction(() => (window as unknown as { tsflowReady?: boolean }).tsflowReady === true, null, { timeout: 60_000 });
    } catch (e) {
      throw new Error(`the test page did not load: ${(e as Error).message}\npage errors: ${errors.join('\n')}\nconsole: ${log.join('\n')}`);
    }
    return { page, console: log, errors };
  }

  const cases = (page: Page, o: CaseOptions) =>
    page.evaluate((opts) => (window as unknown as { tsflowCases(o: CaseOptions): Promise<CaseResults> }).tsflowCases(opts), o);
  const probe = (page: Page) =>
    page.evaluate(() => (window as unknown as { tsflowProbe(): Promise<Record<string, unknown>> }).tsflowProbe());

  it('Node: the cases give the same bits inline and on 2 threads (the reference)', () => {
    expect(nodeThreads.workerChunks).toBeGreaterThan(0);
    for (const k of ['softmax', 'losses', 'weights'] as const) expect(nodeThreads[k]).toEqual(nodeInline[k]);
    expect(nodeInline.losses.at(-1)!).toBeLessThan(nodeInline.losses[0]!);
  });

  it('cross-origin isolated: the CPU device runs Web Workers, and matmul+softmax and MLP training equal Node bit for bit', async () => {
    const { page, errors, console: log } = await open('isolated');
    const p = await probe(page);
    expect(p.crossOriginIsolated).toBe(true);
    expect(p.nodeOnly).toMatch(/NodeOnlyError: node:fs is not available here: .*needs Node\.js/);
    const r = await threaded(() => cases(page, { device: 'cpu', threads: 2 }));
    expect(r.singleThreadReason).toBeNull();
    expect(r.platform).toBe('web-workers');
    expect(r.workers).toBe(1);
    expect(r.workerChunks).toBeGreaterThan(0);
    expect(r.softmax).toEqual(nodeInline.softmax);
    expect(r.losses).toEqual(nodeInline.losses);
    expect(r.weights).toEqual(nodeInline.weights);
    console.log(`browser cpu, 2 threads (Web Workers): ${r.msPerStep.toFixed(2)} ms/step, ${r.workerChunks} chunks on the worker`);
    expect(errors).toEqual([]);
    expect(log.filter((l) => l.includes('runs on one thread'))).toEqual([]);
    await page.close();
  }, 180_000);

  it('not isolated: the CPU device runs inline, says why once on the console, and equals Node bit for bit', async () => {
    const { page, errors, console: log } = await open('plain');
    expect((await probe(page)).crossOriginIsolated).toBe(false);
    const r = await cases(page, { device: 'cpu', threads: 2 });
    await cases(page, { device: 'cpu', threads: 2 });
    expect(r.workers).toBe(0);
    expect(r.singleThreadReason).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin/);
    expect(log.filter((l) => l.includes('runs on one thread'))).toHaveLength(1);
    expect(r.softmax).toEqual(nodeInline.softmax);
    expect(r.losses).toEqual(nodeInline.losses);
    expect(r.weights).toEqual(nodeInline.weights);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('WebGPU through navigator.gpu: the same graphs within float32 tolerance of Node (skipped when the browser has no adapter)', async (ctx) => {
    const { page, errors } = await open('isolated');
    const p = await probe(page);
    if (p.webgpu !== 'ok') {
      console.warn(`browser WebGPU test skipped: ${p.webgpu}`);
      await page.close();
      ctx.skip();
      return;
    }
    // one step: SwiftShader takes many seconds per step (pipelines included) on a small machine
    const ref = await runCases(tf, { device: 'cpu', threads: 1, steps: 1 });
    const r = await cases(page, { device: 'webgpu', steps: 1 });
    expect(r.softmax).toHaveLength(ref.softmax.length);
    r.softmax.forEach((v, i) => expect(Math.abs(v - ref.softmax[i]!)).toBeLessThan(1e-6 + 1e-5 * Math.abs(v)));
    r.losses.forEach((v, i) => expect(Math.abs(v - ref.losses[i]!)).toBeLessThan(1e-4));
    r.weights.forEach((v, i) => expect(Math.abs(v - ref.weights[i]!)).toBeLessThan(1e-4));
    console.log(`browser webgpu: ${r.msPerStep.toFixed(2)} ms/step`);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
