/**
 * The browser entry (the package's "browser" and "worker" export conditions, bundled by
 * `npm run build:browser`): everything the Node entry has, plus where the CPU device's worker
 * script lives. Nothing reachable from here imports a Node built-in; the Node-only features
 * (files on disk) fail with NodeOnlyError.
 */
export * from './index.js';
export { setCpuWorkerUrl } from './device/cpu/pool-link-web.js';
