// Installs the benchmarks' reference libraries (TensorFlow.js backends, onnxruntime-node) into
// bench/node_modules on first use, from the npm registry only: onnxruntime-node's install script
// would fetch CUDA libraries from elsewhere, which the CPU benchmarks do not need.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const deps = Object.keys(JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')).dependencies);
if (!deps.every((d) => existsSync(new URL(`node_modules/${d}/package.json`, import.meta.url)))) {
  console.log('bench: installing the reference libraries into bench/node_modules (once)');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' },
  });
}
