#!/usr/bin/env node
// A small static server for tsflow's browser pages (127.0.0.1 only). With `isolated` it sends
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp on
// every response, which makes the page cross-origin isolated: SharedArrayBuffer exists and the
// CPU device can run its Web Worker pool. URL paths map to files through `mounts`
// ({ '/': dir, '/dist/': dir2 }); the longest matching prefix wins.
//
//   node scripts/serve.mjs [--port N] [--no-isolation] [URLPATH=DIR ...]
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.gz': 'application/octet-stream',
};

/** Start serving; resolves to { url, close() }. */
export async function serve({ mounts, isolated = true, port = 0 }) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const headers = { 'cache-control': 'no-store' };
    if (isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    const url = new URL(req.url ?? '/', 'http://x');
    let p = decodeURIComponent(url.pathname);
    if (p.endsWith('/')) p += 'index.html';
    const prefix = prefixes.find((m) => p.startsWith(m));
    const root = prefix && path.resolve(mounts[prefix]);
    const file = root && path.resolve(root, `.${p.slice(prefix.length - 1)}`);
    let ok = false;
    try {
      ok = !!file && (file === root || file.startsWith(root + path.sep)) && statSync(file).isFile();
    } catch {}
    if (!ok || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
      res.end(`not found: ${p}\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  const port = at >= 0 ? Number(args[at + 1]) : 8080;
  const mounts = {};
  for (const a of args) {
    const m = /^(\/[^=]*)=(.+)$/.exec(a);
    if (m) mounts[m[1].endsWith('/') ? m[1] : `${m[1]}/`] = m[2];
  }
  if (Object.keys(mounts).length === 0) mounts['/'] = process.cwd();
  const s = await serve({ mounts, isolated: !args.includes('--no-isolation'), port });
  console.log(`serving ${JSON.stringify(mounts)} at ${s.url}${args.includes('--no-isolation') ? '' : ' (cross-origin isolated)'}`);
}
