/** The type-level expectations in test/types/ hold under strict `tsc`, as users' editors see them. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

it('Session.run results are typed by the fetch structure (tsc -p test/types)', () => {
  let out = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', 'test/types/tsconfig.json'], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? e);
  }
  expect(out).toBe('');
}, 120_000);
