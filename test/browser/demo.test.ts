/**
 * The demo page (examples/browser/index.html + examples/browser/main.ts, built by scripts/build-demo.ts) in Debian's headless Chromium,
 * cross-origin isolated as `npm run demo:browser` serves it: its default training run (2 epochs of
 * the MNIST MLP on the CPU device's Web Workers) reaches >= 90 % on the MNIST t10k test set, the
 * screenshot's chart is drawn, the checkpoint's bytes (TF's index + data) restore the same
 * weights after a re-initialization, and with a WebGPU adapter a few steps train on webgpu.
 * Skips, saying why, without a Chromium binary (fails instead with TSFLOW_REQUIRE_CHROMIUM).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = (process.env.TSFLOW_CHROMIUM ? [process.env.TSFLOW_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) =>
  existsSync(p),
);
const skipReason = chromiumPath ? '' : ' — SKIPPED: no Chromium binary (/usr/bin/chromium; scripts/install-chromium.sh)';
if (!chromiumPath && process.env.TSFLOW_REQUIRE_CHROMIUM) {
  describe('demo page in headless Chromium', () => {
    it('has a Chromium binary (TSFLOW_REQUIRE_CHROMIUM is set)', () => {
      throw new Error('no Chromium binary at /usr/bin/chromium (scripts/install-chromium.sh installs it)');
    });
  });
}

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;
interface DemoState { done: boolean; steps: number; testAccuracy: number | null; threads: number; platform: string | null; isolated: boolean; error: string | null }

describe.skipIf(!chromiumPath)(`demo page (examples/browser) in headless Chromium${skipReason}`, () => {
  let dir = '';
  let browser: Browser | null = null;
  let server: { url: string; close(): Promise<void> } | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsflow-demo-'));
    const { buildDemo } = (await import(path.join(root, 'scripts/build-demo.ts'))) as { buildDemo(d: string): Promise<string> };
    console.log(await buildDemo(dir));
    const { serve } = (await import(path.join(root, 'scripts/serve.mjs'))) as { serve(o: object): Promise<{ url: string; close(): Promise<void> }> };
    server = await serve({ mounts: { '/': dir }, isolated: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath!, args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(query: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    const log: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    await page.goto(`${server!.url}index.html${query}`);
    try {
      await page.waitForFunction(() => (window as unknown as { demoReady?: boolean }).demoReady === true, null, { timeout: 60_000 });
    } catch (e) {
      throw new Error(`the demo page did not load: ${(e as Error).message}\npage errors: ${errors.join('\n')}\nconsole: ${log.join('\n')}`);
    }
    return { page, errors };
  }
  const state = (page: Page) => page.evaluate(() => (window as unknown as { demo: { state: DemoState } }).demo.state);

  it('the default run trains to >= 90 % test accuracy on Web Workers, draws the chart, and save → load restores the weights', async () => {
    const { page, errors } = await open('?autorun=1');
    await page.waitForFunction(() => {
      const s = (window as unknown as { demo: { state: DemoState } }).demo.state;
      return s.done || s.error !== null;
    }, null, { timeout: 240_000, polling: 500 });
    const s = await state(page);
    expect(s.error).toBeNull();
    expect(errors).toEqual([]);
    expect(s.isolated).toBe(true);
    expect(s.platform).toBe('web-workers');
    expect(s.threads).toBeGreaterThan(1);
    // the accuracy the page shows
    const shown = await page.textContent('#testacc');
    const acc = Number(/([\d.]+)%/.exec(shown ?? '')?.[1]) / 100;
    console.log(`demo: ${s.steps} steps, test accuracy ${shown}, CPU threads ${s.threads}`);
    expect(acc).toBeCloseTo(s.testAccuracy!, 4);
    expect(acc).toBeGreaterThanOrEqual(0.9);

    // the chart: a screenshot of its canvas has many non-background pixels (the loss and accuracy lines)
    const png = await page.locator('#chart canvas').screenshot();
    expect(png.length).toBeGreaterThan(1000);
    const drawn = await page.evaluate(() => {
      const c = document.querySelector('#chart canvas') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3]! > 0 && px[i]! > 150 && px[i + 1]! < 90 && px[i + 2]! < 90) red++;
        if (px[i + 3]! > 0 && px[i]! < 90 && px[i + 1]! > 80 && px[i + 2]! > 150) blue++;
      }
      return { red, blue };
    });
    expect(drawn.red).toBeGreaterThan(200); // loss line (#d62728)
    expect(drawn.blue).toBeGreaterThan(200); // accuracy line (#1f77b4)

    // save → re-initialize → load: the same logits and the same accuracy
    const roundTrip = await page.evaluate(async () => {
      const demo = (window as unknown as { demo: { saveBytes(): Promise<{ index: Uint8Array; data: Uint8Array }>; loadBytes(b: object): Promise<number>; testLogits(): Promise<number[]>; reinit(): Promise<void>; state: DemoState } }).demo;
      const before = await demo.testLogits();
      const accBefore = demo.state.testAccuracy;
      const bytes = await demo.saveBytes();
      await demo.reinit();
      const reset = await demo.testLogits();
      const accAfter = await demo.loadBytes({ index: bytes.index.slice(), data: bytes.data.slice() });
      return { before, reset, after: await demo.testLogits(), accBefore, accAfter, indexBytes: bytes.index.length, dataBytes: bytes.data.length };
    });
    expect(roundTrip.reset).not.toEqual(roundTrip.before);
    expect(roundTrip.after).toEqual(roundTrip.before);
    expect(roundTrip.accAfter).toBe(roundTrip.accBefore);
    // the data file holds every variable's float32s (weights, biases, Adam slots) at least
    expect(roundTrip.dataBytes).toBeGreaterThan(4 * (784 * 256 + 256 * 10) * 3);
    await page.close();
  }, 300_000);

  it('WebGPU switch: a few steps train on webgpu where the browser has an adapter', async () => {
    const { page } = await open('?device=webgpu');
    const hasAdapter = await page.evaluate(async () => !!(await (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
    if (!hasAdapter) {
      console.warn('demo webgpu: no WebGPU adapter in this Chromium — SKIPPED');
      await page.close();
      return;
    }
    const r = await page.evaluate(async () => {
      const demo = (window as unknown as { demo: { train(e: number, max: number, evaluate: boolean): Promise<void>; losses: number[]; state: DemoState & { device: string } } }).demo;
      await demo.train(1, 8, false);
      return { ...demo.state, losses: [...demo.losses] };
    });
    expect(r.error).toBeNull();
    expect(r.device).toMatch(/GPU/i);
    expect(r.steps).toBe(8);
    // 8 Adam steps from the initial weights: the loss comes down from about ln(10)
    expect(r.losses[0]!).toBeGreaterThan(1.5);
    expect(Math.min(...r.losses.slice(-3))).toBeLessThan(r.losses[0]! - 0.3);
    await page.close();
  }, 240_000);
});
