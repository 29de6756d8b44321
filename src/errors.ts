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

export class UnauthenticatedError extends OpError {
  constructor(message: string, op: string | null = null) {
    super(message, op, 16);
  }
}

/** TF's status codes (`tf.errors.OK`, `tf.errors.CANCELLED`, …), as in error_codes.proto. */
export const OK = 0, CANCELLED = 1, UNKNOWN = 2, INVALID_ARGUMENT = 3, DEADLINE_EXCEEDED = 4, NOT_FOUND = 5,
  ALREADY_EXISTS = 6, PERMISSION_DENIED = 7, RESOURCE_EXHAUSTED = 8, FAILED_PRECONDITION = 9, ABORTED = 10,
  OUT_OF_RANGE = 11, UNIMPLEMENTED = 12, INTERNAL = 13, UNAVAILABLE = 14, DATA_LOSS = 15, UNAUTHENTICATED = 16;

type OpErrorClass = new (message: string, op?: string | null) => OpError;
const BY_CODE: ReadonlyMap<number, OpErrorClass> = new Map<number, OpErrorClass>([
  [1, CancelledError], [2, UnknownError], [3, InvalidArgumentError], [4, DeadlineExceededError], [5, NotFoundError],
  [6, AlreadyExistsError], [7, PermissionDeniedError], [8, ResourceExhaustedError], [9, FailedPreconditionError],
  [10, AbortedError], [11, OutOfRangeError], [12, UnimplementedError], [13, InternalError], [14, UnavailableError],
  [15, DataLossError], [16, UnauthenticatedError],
]);

/** `tf.errors.exception_type_from_error_code(error_code)`: the OpError subclass of a status code. */
export function exceptionTypeFromErrorCode(errorCode: number): OpErrorClass {
  const c = BY_CODE.get(errorCode);
  if (!c) throw new KeyError(String(errorCode));
  return c;
}

/** `tf.errors.error_code_from_exception_type(cls)`: the status code of an OpError subclass. */
export function errorCodeFromExceptionType(cls: unknown): number {
  for (const [code, c] of BY_CODE) if (c === cls) return code;
  throw new KeyError(String((cls as { name?: string })?.name ?? cls));
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
