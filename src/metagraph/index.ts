/** `tf.savedModel`: TF1 SavedModel loading. */
import { load } from './saved-model.js';

export const loader = { load } as const;
export const tagConstants = { SERVING: 'serve', TRAINING: 'train', GPU: 'gpu', TPU: 'tpu' } as const;
