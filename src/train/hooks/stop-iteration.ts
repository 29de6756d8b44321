/** Python's StopIteration as TF1 raises it: `StepContext.requestStop()` and exhausted iterators end a monitored session's block quietly. */
export class StopIteration extends Error {
  constructor(message = '') {
    super(message);
    this.name = 'StopIteration';
  }
}
