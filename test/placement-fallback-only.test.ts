/**
 * Ops whose kernels are on the CPU only (OpDef.fallbackOnly, as TF registers the candidate
 * samplers for DEVICE_CPU alone): placed on the CPU in a GPU session whatever their dtypes, and
 * an explicit GPU placement fails with TF's text unless soft placement moves them.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { type Placer, placeOp } from '../src/session/placement.js';
import { thrown } from './support/errors.js';

function sampler(device: string): { sampler: tf.Operation; add: tf.Operation } {
  return new tf.Graph().asDefault(() =>
    tf.device(device, () => {
      const labels = tf.placeholder(tf.int64, [null, 1], 'labels');
      const [s] = tf.nn.logUniformCandidateSampler(labels, 1, 4, true, 10, { name: 'sampler' });
      return { sampler: s.op, add: tf.add(s, tf.constant(1, tf.int64), 'add').op };
    }),
  );
}

describe('fallback-only ops', () => {
  const gpuSession: Placer = { defaultKind: 'webgpu', gpu: true, allowSoftPlacement: false, softGpu: true };

  it('go to the CPU in a GPU session; the ops around them stay on the GPU', () => {
    const { sampler: s, add } = sampler('');
    expect(placeOp(s, gpuSession)).toBe('cpu');
    expect(placeOp(add, gpuSession)).toBe('webgpu');
  });

  it("explicitly on /gpu:0: TF's error without soft placement, the CPU with it", () => {
    const { sampler: s } = sampler('/gpu:0');
    expect(thrown(() => placeOp(s, gpuSession)).message).toBe(
      "Cannot assign a device for operation 'sampler': Could not satisfy explicit device specification '/device:GPU:0' because no supported kernel for GPU devices is available.",
    );
    expect(placeOp(s, { ...gpuSession, allowSoftPlacement: true })).toBe('cpu');
  });
});
