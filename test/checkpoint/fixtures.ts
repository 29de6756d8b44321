/**
 * Shared helpers for the checkpoint tests: where the TF fixtures live, and a parser for
 * `tf-checkpoints/CONTENTS.md` (every tensor of every bundle, as an independent reader saw it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const CHECKPOINTS_DIR = `${FIXTURES_DIR}tf-checkpoints/`;

export interface ExpectedTensor {
  key: string;
  dtype: string;
  shape: number[];
  shard: number;
  offset: number;
  size: number;
  /** 'ok' when the data crc was checked, '-' when there is no data file. */
  crc: string;
  /** The "first values" cell, verbatim (may be empty). */
  head: string;
}

export interface ExpectedBundle {
  /** Path relative to tf-checkpoints/, e.g. `serving_counter/variables/variables.index`. */
  indexRel: string;
  /** Absolute prefix (index path without `.index`). */
  prefix: string;
  indexBytes: number;
  /** Data shard file name and size, or null when the fixture is index-only. */
  dataShard: { name: string; bytes: number } | null;
  numShards: number;
  endianness: string;
  dataBlocks: number;
  /** `none` or `none+snappy`. */
  blockCompression: string;
  numEntries: number;
  tensors: ExpectedTensor[];
}

/** Parse CONTENTS.md into one record per bundle. */
export function parseContents(): ExpectedBundle[] {
  const text = readFileSync(`${CHECKPOINTS_DIR}CONTENTS.md`, 'utf8');
  const bundles: ExpectedBundle[] = [];
  let cur: ExpectedBundle | null = null;
  for (const line of text.split('\n')) {
    const sec = /^## `tf-checkpoints\/(.+\.index)`$/.exec(line);
    if (sec) {
      const indexRel = sec[1]!;
      cur = {
        indexRel,
        prefix: CHECKPOINTS_DIR + indexRel.slice(0, -'.index'.length),
        indexBytes: -1,
        dataShard: null,
        numShards: -1,
        endianness: '',
        dataBlocks: -1,
        blockCompression: '',
        numEntries: -1,
        tensors: [],
      };
      bundles.push(cur);
      continue;
    }
    if (cur === null) continue;
    const ib = /^- index bytes: (\d+); data shards present: (.*)$/.exec(line);
    if (ib) {
      cur.indexBytes = Number(ib[1]);
      const ds = /^(\S+) \((\d+) B\)$/.exec(ib[2]!);
      cur.dataShard = ds ? { name: ds[1]!, bytes: Number(ds[2]) } : null;
      continue;
    }
    const hd =
      /^- header: num_shards=(\d+) endianness=(\w+) .*sstable: data blocks=(\d+), block compression=([\w+]+), block crcs ok=True; (\d+) tensor entries$/.exec(
        line,
      );
    if (hd) {
      cur.numShards = Number(hd[1]);
      cur.endianness = hd[2]!;
      cur.dataBlocks = Number(hd[3]);
      cur.blockCompression = hd[4]!;
      cur.numEntries = Number(hd[5]);
      continue;
    }
    if (line.startsWith('| `')) {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      const [key, dtype, shape, loc, crc, head] = cells as [string, string, string, string, string, string];
      const m = /^(\d+):(\d+)\+(\d+)$/.exec(loc);
      if (!m) throw new Error(`bad location cell ${loc}`);
      cur.tensors.push({
        key: key.slice(1, -1),
        dtype,
        shape: JSON.parse(shape) as number[],
        shard: Number(m[1]),
        offset: Number(m[2]),
        size: Number(m[3]),
        crc,
        head,
      });
    }
  }
  return bundles;
}

/** Python's repr() of a bytes object: `b'\n\x05ab'`. */
export function pyBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const hasDouble = b.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let s = 'b' + quote;
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === quote.charCodeAt(0)) s += '\\' + quote;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s + quote;
}

/**
 * The head cell of a string tensor: a JSON list holding `repr(bytes[:k]) + '...(N bytes)'`,
 * possibly cut short. Returns the repr prefix it shows and N when visible.
 */
export function parseStringHead(head: string): { reprPrefix: string; totalBytes: number | null } {
  let inner = head.startsWith('["') ? head.slice(2) : head;
  if (inner.endsWith('"]')) inner = inner.slice(0, -2);
  let decoded: string | null = null;
  for (let cut = 0; cut < 6 && decoded === null; cut++) {
    try {
      decoded = JSON.parse(`"${inner.slice(0, inner.length - cut)}"`) as string;
    } catch {
      decoded = null;
    }
  }
  if (decoded === null) throw new Error(`cannot decode head cell ${head}`);
  const idx = decoded.indexOf("'...(");
  if (idx >= 0) {
    const m = /^(\d+) bytes\)/.exec(decoded.slice(idx + 5));
    return { reprPrefix: decoded.slice(0, idx), totalBytes: m ? Number(m[1]) : null };
  }
  // Cut inside the suffix (or a complete repr): drop a trailing piece of `'...(` so that what
  // is left is a prefix of the full repr.
  for (const tail of ["'...", "'..", "'.", "'"]) {
    if (decoded.endsWith(tail)) return { reprPrefix: decoded.slice(0, -tail.length), totalBytes: null };
  }
  return { reprPrefix: decoded, totalBytes: null };
}

/** Numbers of a numeric head cell (`[0.5]`, `[3]`, `[True]`). */
export function parseNumericHead(head: string): number[] {
  if (head === '') return [];
  return (JSON.parse(head.replace(/True/g, '1').replace(/False/g, '0')) as unknown[]).map(Number);
}
