/**
 * The gRPC layer: `@grpc/grpc-js` loaded on first use (so the package, and its browser bundle,
 * load without it), the worker service's method table with protobuf (de)serializers from
 * messages.ts, and TF errors carried as gRPC statuses (TF's error codes are gRPC's).
 */
import type * as GrpcJs from '@grpc/grpc-js';
import * as errors from '../errors.js';
import { nodeModule } from '../platform/node-builtins.js';
import { type MessageType, type Msg, decode, encode } from '../proto/codec.js';
import * as m from './messages.js';

let grpcModule: typeof GrpcJs | null = null;

/** `@grpc/grpc-js`, loaded once. */
export function grpc(): typeof GrpcJs {
  if (!grpcModule) {
    const require = nodeModule.createRequire(import.meta.url);
    grpcModule = require('@grpc/grpc-js') as typeof GrpcJs;
  }
  return grpcModule;
}

function method(name: string, req: MessageType, res: MessageType, responseStream = false): GrpcJs.MethodDefinition<Msg, Msg> {
  return {
    path: `/tsflow.WorkerService/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: (x: Msg) => Buffer.from(encode(req, x)),
    requestDeserialize: (b: Buffer) => decode(req, b),
    responseSerialize: (x: Msg) => Buffer.from(encode(res, x)),
    responseDeserialize: (b: Buffer) => decode(res, b),
  };
}

/** The worker service every task serves. */
export const WORKER_SERVICE = {
  GetStatus: method('GetStatus', m.GetStatusRequestT, m.GetStatusResponseT),
  RegisterGraph: method('RegisterGraph', m.RegisterGraphRequestT, m.RegisterGraphResponseT),
  RunGraph: method('RunGraph', m.RunGraphRequestT, m.RunGraphResponseT),
  Variables: method('Variables', m.VariablesRequestT, m.VariablesResponseT),
  CloseSession: method('CloseSession', m.SessionRequestT, m.EmptyT),
  /** Held open by a client session; its end (the client closed or went away) releases the session's state. */
  KeepAlive: method('KeepAlive', m.SessionRequestT, m.EmptyT, true),
} satisfies GrpcJs.ServiceDefinition;

export type WorkerMethod = keyof typeof WORKER_SERVICE;

const ERROR_CLASSES: Record<number, new (msg: string, op?: string | null) => errors.OpError> = {
  1: errors.CancelledError,
  2: errors.UnknownError,
  3: errors.InvalidArgumentError,
  4: errors.DeadlineExceededError,
  5: errors.NotFoundError,
  6: errors.AlreadyExistsError,
  7: errors.PermissionDeniedError,
  8: errors.ResourceExhaustedError,
  9: errors.FailedPreconditionError,
  10: errors.AbortedError,
  11: errors.OutOfRangeError,
  12: errors.UnimplementedError,
  13: errors.InternalError,
  14: errors.UnavailableError,
  15: errors.DataLossError,
};

/** Errors raised in the client's own language that a server may report (not OpErrors). */
const PLAIN_CLASSES: Record<string, new (msg: string) => Error> = {
  ValueError: errors.ValueError,
  RuntimeError: errors.RuntimeError,
  TypeError,
};

/** A server-side failure as a gRPC status (code, details, the op and the error class in metadata). */
export function toStatus(e: unknown): Partial<GrpcJs.StatusObject> {
  const g = grpc();
  const md = new g.Metadata();
  if (e instanceof errors.OpError) {
    if (e.op) md.set('tf-op', e.op);
    return { code: e.code, details: e.message, metadata: md };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  md.set('tf-error-class', err.constructor.name in PLAIN_CLASSES ? err.constructor.name : 'Error');
  return { code: g.status.UNKNOWN, details: err.message, metadata: md };
}

/** The TF error a failed call stands for; `task` names the task that was called. */
export function fromStatus(e: GrpcJs.ServiceError, task: string): Error {
  const cls = e.metadata?.get('tf-error-class')[0];
  if (typeof cls === 'string') {
    const C = PLAIN_CLASSES[cls] ?? Error;
    return new C(e.details);
  }
  const op = e.metadata?.get('tf-op')[0];
  const g = grpc();
  if (e.code === g.status.UNAVAILABLE) {
    return new errors.UnavailableError(`${task}: task is unavailable (${e.details || 'no connection'})`, typeof op === 'string' ? op : null);
  }
  if (e.code === g.status.DEADLINE_EXCEEDED && !op) {
    return new errors.DeadlineExceededError(`${task}: deadline exceeded (${e.details || 'no reply in time'})`);
  }
  const C = ERROR_CLASSES[e.code] ?? errors.UnknownError;
  return new C(e.details, typeof op === 'string' ? op : null);
}
