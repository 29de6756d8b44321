#!/usr/bin/env node
/**
 * `tsflow-server --cluster '{"ps": ["127.0.0.1:2222"], "worker": [...]}' --job ps --task 0`:
 * one task of a cluster in its own process, listening on the task's address from the cluster
 * spec, until it is killed. Options: `--device cpu|webgpu` (the task's session device),
 * `--threads N`. Prints `Started server with target: grpc://host:port` once it listens.
 */
import { parseArgs } from 'node:util';
// every op type, so that the task can import any partition (control flow first: the op modules'
// import cycle through it resolves in this order under Node's ES module loader)
import '../ops/control-flow/index.js';
import '../index.js';
import { ClusterSpec } from './cluster-spec.js';
import { Server } from './server.js';

const USAGE = "usage: tsflow-server --cluster '<json: {job: [host:port, ...]}>' --job NAME --task N [--device cpu|webgpu] [--threads N]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cluster: { type: 'string' },
      job: { type: 'string' },
      task: { type: 'string' },
      device: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.cluster) throw new Error(`--cluster is required\n${USAGE}`);
  const cluster = new ClusterSpec(JSON.parse(values.cluster) as Record<string, string[]>);
  const task = values.task === undefined ? null : Number(values.task);
  if (task !== null && !Number.isInteger(task)) throw new Error(`--task must be an integer, got '${values.task}'`);
  const config = {
    ...(values.device ? { device: values.device } : {}),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
  };
  const server = new Server(cluster, { jobName: values.job ?? null, taskIndex: task, config, start: false });
  await server.start();
  console.log(`Started server with target: ${server.target}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await server.join();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
