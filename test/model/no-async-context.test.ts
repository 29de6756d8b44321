/**
 * Where the platform has no async context (no AsyncLocalStorage, e.g. some browsers), default
 * graphs and sessions hold for synchronous callbacks, and a callback that returns a Promise is
 * rejected with a clear error instead of building ops in the wrong graph.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/platform/async-context.js', () => ({ createAsyncContext: () => null }));

const ctx = await import('../../src/graph/context.js');
const { Graph } = await import('../../src/graph/graph.js');

describe('without an async context', () => {
  it('synchronous callbacks see the graph; a Promise-returning one is rejected and the default restored', async () => {
    const root = ctx.getDefaultGraph();
    const g = new Graph();
    expect(ctx.withGraph(g, () => ctx.getDefaultGraph())).toBe(g);
    expect(ctx.getDefaultGraph()).toBe(root);
    const p = ctx.withGraph(g, async () => 1) as Promise<number>;
    await expect(p).rejects.toThrow(
      'Graph.asDefault: the callback returned a Promise, but this platform has no async context (AsyncLocalStorage) to keep the defaults in force across await; pass a synchronous callback',
    );
    expect(ctx.getDefaultGraph()).toBe(root);
    const s = { graph: g };
    ctx.withDefaults(g, s, () => {
      expect(ctx.defaultSession()).toBe(s);
      expect(ctx.getDefaultGraph()).toBe(g);
    }, 'Session.asDefault');
    expect(ctx.defaultSession()).toBeNull();
  });
});
