/** Errors raised while reading datasets from disk. */

/** A dataset file is missing, unreadable or malformed. `file` names it when one is to blame. */
export class DatasetError extends Error {
  readonly file: string | null;
  constructor(message: string, file: string | null = null) {
    super(message);
    this.name = 'DatasetError';
    this.file = file;
  }
}
