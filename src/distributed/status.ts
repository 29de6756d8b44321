/** A task's status (cluster, identity, what it holds) by one GetStatus call: for tools and tests. */
import type * as GrpcJs from '@grpc/grpc-js';
import type { Msg } from '../proto/codec.js';
import { WORKER_SERVICE, fromStatus, grpc } from './grpc.js';
import type { GetStatusResponse } from './messages.js';

export function taskStatus(target: string, timeoutMs = 5000): Promise<GetStatusResponse> {
  const g = grpc();
  const Ctor = g.makeGenericClientConstructor(WORKER_SERVICE, 'WorkerService');
  const address = target.replace(/^grpc:\/\//, '');
  const client = new Ctor(address, g.credentials.createInsecure()) as unknown as GrpcJs.Client & {
    GetStatus(req: Msg, md: GrpcJs.Metadata, o: GrpcJs.CallOptions, cb: (e: GrpcJs.ServiceError | null, r?: Msg) => void): void;
  };
  return new Promise<GetStatusResponse>((resolve, reject) => {
    client.GetStatus({}, new g.Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (e, r) => {
      client.close();
      if (e) reject(fromStatus(e, target));
      else resolve(r as unknown as GetStatusResponse);
    });
  });
}
