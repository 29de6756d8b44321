/**
 * `tf.data.experimental.ignoreErrors()`: the input's elements, leaving out those whose
 * production raised an error (a map's failed check, a bad record), as TF's IgnoreErrorsDataset:
 * an error is dropped and the next element asked for.
 */
import { Dataset, type ElementSpec, type IterContext, type Stage, UnaryDataset } from './dataset.js';

class IgnoreErrorsDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset) {
    super(input);
    this.spec = input.spec;
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    return {
      *next() {
        for (;;) {
          try {
            return yield* up.next();
          } catch {
            // dropped: the next element
          }
        }
      },
    };
  }
}

export function ignoreErrors(): (dataset: Dataset) => Dataset {
  return (dataset) => new IgnoreErrorsDataset(dataset);
}
