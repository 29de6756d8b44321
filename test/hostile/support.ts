/**
 * Shared pieces of the hostile-input audit: seeded mutations of a valid file (truncation,
 * bit flips, insertions, overwrites), and the check that a reader's outcome is either a
 * result or a TF error of the expected classes naming the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { OpError } from '../../src/errors.js';

export function scratchDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tsflow-hostile-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'overwrite'; at: number; bytes: number[] };

/** A mutation whose offsets are fractions of the file (so one arbitrary serves any file). */
export const mutation: fc.Arbitrary<{ kind: Mutation['kind']; frac: number; bit: number; bytes: number[] }[]> = fc.array(
  fc.record({
    kind: fc.constantFrom<Mutation['kind']>('truncate', 'flip', 'flip', 'insert', 'overwrite'),
    frac: fc.double({ min: 0, max: 1, noNaN: true }),
    bit: fc.nat(7),
    bytes: fc.array(fc.oneof(fc.nat(255), fc.constant(0xff), fc.constant(0)), { minLength: 1, maxLength: 9 }),
  }),
  { minLength: 1, maxLength: 3 },
);

export function applyMutations(src: Uint8Array, ms: { kind: Mutation['kind']; frac: number; bit: number; bytes: number[] }[]): Uint8Array {
  let b = new Uint8Array(src);
  for (const m of ms) {
    const at = Math.min(b.length, Math.floor(m.frac * (b.length + 1)));
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'flip') {
      if (b.length === 0) continue;
      const i = Math.min(at, b.length - 1);
      b[i] = b[i]! ^ (1 << m.bit);
    } else if (m.kind === 'insert') b = new Uint8Array([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
    else {
      const out = new Uint8Array(Math.max(b.length, at + m.bytes.length));
      out.set(b);
      out.set(m.bytes, at);
      b = out;
    }
  }
  return b;
}

type Ctor = abstract new (...args: never[]) => Error;

/**
 * Run `fn` and return its value, or null after checking that what it threw is one of `allowed`
 * (TF's OpError classes) and names `file` when `namesFile` says it must.
 */
export function outcome<T>(fn: () => T, allowed: Ctor[], file: string | null, what: string): { value: T } | null {
  try {
    return { value: fn() };
  } catch (e) {
    checkError(e, allowed, file, what);
    return null;
  }
}

export async function outcomeAsync<T>(fn: () => Promise<T>, allowed: Ctor[], file: string | null, what: string): Promise<{ value: T } | null> {
  try {
    return { value: await fn() };
  } catch (e) {
    checkError(e, allowed, file, what);
    return null;
  }
}

export function checkError(e: unknown, allowed: Ctor[], file: string | null, what: string): void {
  const shown = `${(e as Error)?.constructor?.name}: ${(e as Error)?.message?.slice(0, 300)} (${what})`;
  expect(e instanceof OpError, shown).toBe(true);
  expect(allowed.some((C) => e instanceof C), shown).toBe(true);
  if (file !== null) expect((e as Error).message.includes(file), shown).toBe(true);
}

/** A varint of `n` (as protobuf writes it), for fields that claim huge lengths. */
export function varint(n: bigint | number): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
