/** tf.get_collection / local_variables / model_variables take `scope` positionally or by keyword. */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('collection functions in TF1 calling convention', () => {
  it("getCollection(key, {scope}) filters like getCollection(key, scope); unknown keywords are Python's TypeError", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.variableScope('Generator', () => tf.getVariable('w', [2]));
      tf.variableScope('Discriminator', () => tf.getVariable('w', [3]));
      const names = (vs: unknown[]) => (vs as tf.Variable[]).map((v) => v.name);
      expect(names(tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, { scope: 'Generator' }))).toEqual(['Generator/w:0']);
      expect(names(tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, 'Discriminator'))).toEqual(['Discriminator/w:0']);
      expect(names(tf.getCollection({ key: tf.GraphKeys.GLOBAL_VARIABLES, scope: 'Disc' }))).toEqual(['Discriminator/w:0']);
      expect(names(tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES))).toEqual(['Generator/w:0', 'Discriminator/w:0']);
      expect(() => tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES, { scop: 'x' } as never)).toThrow("get_collection() got an unexpected keyword argument 'scop'");
      tf.getVariable('count', [], { collections: [tf.GraphKeys.LOCAL_VARIABLES] });
      tf.variableScope('m', () => tf.getVariable('c2', [], { collections: [tf.GraphKeys.LOCAL_VARIABLES] }));
      expect(names(tf.localVariables({ scope: 'm' }))).toEqual(['m/c2:0']);
      expect(names(tf.localVariables())).toEqual(['count:0', 'm/c2:0']);
    });
  });
});
