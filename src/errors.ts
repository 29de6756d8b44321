/**
 * TF1's error classes. `OpError`s carry the failing node's name and TF's status code; the
 * first line of each message is TF1's text.
 */
export class OpError extends Error {
  readonly op: string | null;
  readonly code: number;
  constructor(message: string, op: string | null = null, code = 2) {
    super(message);
    this.name = new.target.name;
    this.op = op;
    this.code = code;
  }
}

export class CancelledError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 1);
  }
}
export class UnknownError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 2);
  }
}
export class InvalidArgumentError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 3);
  }
}
export class NotFoundError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 5);
  }
}
export class ResourceExhaustedError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 8);
  }
}
export class FailedPreconditionError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 9);
  }
}
export class OutOfRangeError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 11);
  }
}
export class UnimplementedError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 12);
  }
}
export class InternalError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 13);
  }
}
export class DataLossError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 15);
  }
}
export class DeadlineExceededError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 4);
  }
}
export class AlreadyExistsError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 6);
  }
}
export class PermissionDeniedError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 7);
  }
}
export class AbortedError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 10);
  }
}
export class UnavailableError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 14);
  }
}

/** Python's ValueError: client-side misuse (bad shapes at build time, bad feeds, …). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Python's RuntimeError (closed session, empty graph). */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** Python's LookupError (no gradient defined for an op type). */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}

/** Python's KeyError (a LookupError: registering two gradients under one name). */
export class KeyError extends LookupError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/** Python's AssertionError (TF's SavedModelBuilder raises it for a misused builder). */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** Python's IOError (a missing SavedModel file). */
export class IOError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IOError';
  }
}

/** Python's NotImplementedError (a distribution method TF leaves undefined). */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}
