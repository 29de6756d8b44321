import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const CKPTS = fileURLToPath(new URL('../fixtures/tf-checkpoints/', import.meta.url));

describe('tf.savedModel.loader.load on TF-written SavedModels', () => {
  it.each([
    ['serving_half_plus_two_cpu', 2],
    // TF 1.12 with resource variables (VarHandleOp, ReadVariableOp, AssignVariableOp)
    ['serving_half_plus_two_mkl', 2],
    ['serving_half_plus_two_2_versions', 2],
    ['serving_half_plus_three', 3],
  ])('%s predicts 0.5·x + %d through its serving signature', async (dir, plus) => {
    const g = new tf.Graph();
    const sess = new tf.Session({ graph: g });
    const mg = await tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], CKPTS + dir);
    const sig = mg.signatureDef.serving_default!;
    const x = g.getTensorByName(sig.inputs.x!.name!);
    const y = g.getTensorByName(sig.outputs.y!.name!);
    const xs = x.shape !== null && x.shape.length === 2
      ? new tf.NDArray(Float32Array.from([0, 1, 2, -4]), [4, 1])
      : new tf.NDArray(Float32Array.from([0, 1, 2, -4]), [4]);
    const r = (await sess.run(y, new Map([[x, xs]]))) as tf.NDArray;
    expect(Array.from(r.data)).toEqual([0, 1, 2, -4].map((v) => 0.5 * v + plus));
    await sess.close();
  });

  it('names the available tag sets when none match', async () => {
    const sess = new tf.Session({ graph: new tf.Graph() });
    await expect(tf.savedModel.loader.load(sess, ['train'], CKPTS + 'serving_half_plus_two_cpu')).rejects.toThrow(
      /MetaGraphDef associated with tags 'train' could not be found in SavedModel/,
    );
    await sess.close();
  });
});
