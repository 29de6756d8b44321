/**
 * The browser test's page script (bundled by the test; tsflow itself is the browser bundle,
 * loaded from next to this script). Exposes the cases and a few platform probes to the test.
 */
import type * as TF from '../../src/index.js';
import { type CaseOptions, runCases } from './cases.js';

const bundle = './tsflow.js';
const tf = (await import(bundle)) as typeof TF;

async function probe(): Promise<Record<string, unknown>> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let webgpu = 'navigator.gpu is absent';
  if (gpu) webgpu = (await gpu.requestAdapter()) ? 'ok' : 'requestAdapter() returned null';
  // a Node-only feature fails clearly
  let nodeOnly = '';
  try {
    tf.data.mnist.load('/data/mnist');
  } catch (e) {
    nodeOnly = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return { crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, webgpu, nodeOnly };
}

const w = window as unknown as Record<string, unknown>;
w.tsflowProbe = probe;
w.tsflowCases = (o: CaseOptions) => runCases(tf, o);
w.tsflowReady = true;
