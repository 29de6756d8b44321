/**
 * matmul: batched [m, k] × [k, n] with optional transposes and broadcast batch strides, as a
 * register-blocked tiled kernel.
 *
 * A workgroup of 16×16 invocations computes one TM×TN output tile of one batch entry
 * (workgroup z). Each invocation holds an R×R micro-tile of accumulators in registers:
 *
 *   variant  tile      micro-tile  BK  workgroup memory
 *   big      128×128   8×8         8   2 × 2 × 8·128 floats = 16 KiB (double-buffered)
 *   small    64×64     4×4         16  2 × 2 × 16·64 floats = 16 KiB (double-buffered)
 *
 * Both fit WebGPU's default 16 KiB of workgroup storage. The K loop stages BK-deep slices of
 * both operands in workgroup memory, always stored k-major (`sa[kk][row]`, `sb[kk][col]`, as
 * vec4 along rows/cols), so a transpose only changes how a slice is loaded and all four
 * transpose combinations run the same inner loop. Each invocation loads exactly one vec4 of A
 * and one of B per slice; the loads for slice t+1 are issued before the arithmetic on slice t
 * and written to the other half of the double buffer afterwards (one barrier per slice).
 *
 * In the inner loop an invocation reads R/4 vec4 of A and R/4 vec4 of B per kk and does R·R
 * multiply-adds. In the big variant the micro-tile is split in 4×4 quarters 64 rows/cols apart
 * (rows 4·ty.., 64 + 4·ty..; cols 4·tx.., 64 + 4·tx..) so the workgroup-memory reads of a warp
 * are consecutive vec4 (B) or broadcasts (A), and the output stores of a warp are contiguous.
 *
 * Global reads and the output writes are vec4 where the row lengths of the stored matrices and
 * the batch strides are multiples of 4; otherwise they are scalar, each element bounds-checked.
 * The variant (tile size, vec4 or scalar, transposes) is picked from the shape when the plan
 * compiles and is part of the pipeline key; sizes are uniforms.
 */
import type { PrimParams } from '../../prims.js';
import { Uniforms } from '../uniforms.js';
import type { BindingSpec, KernelBuilder } from './types.js';
import { elemOf } from './wgsl.js';

export type MatmulTile = 'big' | 'small';

interface TileShape {
  /** Output tile edge (rows = cols). */
  T: number;
  /** Micro-tile edge per invocation. */
  R: number;
  /** K depth of one staged slice. */
  BK: number;
}

const TILES: Record<MatmulTile, TileShape> = {
  big: { T: 128, R: 8, BK: 8 },
  small: { T: 64, R: 4, BK: 16 },
};

/** Invocations per workgroup edge. */
const W = 16;

/** Below this many big-tile workgroups the small tile is used (keeps a large GPU busy). */
const BIG_TILE_MIN_GROUPS = 192;

/** Test hook: force one tile variant regardless of shape (null: choose from the shape). */
export const matmulTuning: { forceTile: MatmulTile | null } = { forceTile: null };

export interface MatmulVariant {
  tile: MatmulTile;
  /** vec4 global reads of both operands and vec4 output writes. */
  vec: boolean;
}

type MatmulParams = PrimParams['matmul'];

/** The variant for a shape (exported for tests and benchmarks). */
export function matmulVariant(p: MatmulParams): MatmulVariant {
  const big = Math.ceil(p.m / 128) * Math.ceil(p.n / 128) * p.batch;
  const tile: MatmulTile = matmulTuning.forceTile ?? (p.m >= 128 && p.n >= 128 && big >= BIG_TILE_MIN_GROUPS ? 'big' : 'small');
  // vec4 needs every stored row (a is [m, k] or [k, m], b is [k, n] or [n, k], out is [m, n])
  // and every batch stride to be a multiple of 4 elements. One flag for the three bindings
  // keeps the number of pipelines small (an operand bound twice also gets one element type);
  // with 8×8 or 4×4 micro-tiles, global accesses are a small part of the work either way.
  const rows = [p.transposeA ? p.m : p.k, p.transposeB ? p.k : p.n, p.n, p.aBatchStride, p.bBatchStride];
  const vec = rows.every((x) => x % 4 === 0);
  return { tile, vec };
}

/**
 * WGSL that loads one vec4 of a staged slice for invocation `t` and stores it in workgroup
 * memory. `kContig`: the stored matrix runs along k (a, or b transposed): the vec4 is 4
 * consecutive k of one row/col, stored as 4 scalars k-major; a warp's stores then hit 32
 * consecutive words (no bank conflicts), and the 4 invocations that fill one vec4 each write
 * their own component (in WGSL every component is a memory location of its own, so this is
 * no race). Otherwise it is 4 consecutive rows/cols at one k, stored as one vec4.
 */
function slice(
  fn: string,
  src: string,
  shared: string,
  elem: string,
  s: TileShape,
  kContig: boolean,
  vec: boolean,
  extent: string,
): string {
  const { T } = s;
  const q = T / 4;
  const v4 = `vec4<${elem}>`;
  let load: string;
  let store: string;
  if (kContig) {
    // t → (row r = t % T, k group kc = t / T); element (r, kk) at r·K + kk.
    const guard = vec
      ? `if (r < ${extent} && kk < P.k) { v = ${src}[(base + r * P.k + kk) >> 2u]; }`
      : `if (r < ${extent}) {
    let i = base + r * P.k + kk;
    if (kk < P.k) { v.x = ${src}[i]; }
    if (kk + 1u < P.k) { v.y = ${src}[i + 1u]; }
    if (kk + 2u < P.k) { v.z = ${src}[i + 2u]; }
    if (kk + 3u < P.k) { v.w = ${src}[i + 3u]; }
  }`;
    load = `  let r = r0 + (t % ${T}u);
  let kk = k0 + (t / ${T}u) * 4u;
  var v = ${v4}();
  ${guard}
  return v;`;
    store = `  let r = t % ${T}u;
  let at = off + (t / ${T}u) * ${4 * q}u + (r >> 2u);
  let c = r & 3u;
  ${shared}[at][c] = v.x;
  ${shared}[at + ${q}u][c] = v.y;
  ${shared}[at + ${2 * q}u][c] = v.z;
  ${shared}[at + ${3 * q}u][c] = v.w;`;
  } else {
    // t → (k row kr = t / (T/4), vec4 column c = t % (T/4)); element (kk, r) at kk·extent + r.
    const guard = vec
      ? `if (kk < P.k && r < ${extent}) { v = ${src}[(base + kk * ${extent} + r) >> 2u]; }`
      : `if (kk < P.k) {
    let i = base + kk * ${extent} + r;
    if (r < ${extent}) { v.x = ${src}[i]; }
    if (r + 1u < ${extent}) { v.y = ${src}[i + 1u]; }
    if (r + 2u < ${extent}) { v.z = ${src}[i + 2u]; }
    if (r + 3u < ${extent}) { v.w = ${src}[i + 3u]; }
  }`;
    load = `  let kk = k0 + t / ${q}u;
  let r = r0 + (t % ${q}u) * 4u;
  var v = ${v4}();
  ${guard}
  return v;`;
    store = `  ${shared}[off + t] = v;`;
  }
  return `fn load${fn}(base: u32, r0: u32, k0: u32, t: u32) -> ${v4} {
${load}
}
fn store${fn}(off: u32, t: u32, v: ${v4}) {
${store}
}`;
}

/** The unrolled multiply-adds of one staged slice. */
function innerLoop(s: TileShape, elem: string): string {
  const { R, BK, T } = s;
  const q = T / 4;
  const halves = R / 4;
  const lines: string[] = [];
  const v4 = `vec4<${elem}>`;
  for (let kk = 0; kk < BK; kk++) {
    const row = kk * q;
    for (let h = 0; h < halves; h++) {
      lines.push(`    let a${kk}_${h} = sa[off + ${row + h * W}u + ty];`);
      lines.push(`    let b${kk}_${h} = sb[off + ${row + h * W}u + tx];`);
    }
    for (let h = 0; h < halves; h++) {
      for (let c = 0; c < 4; c++) {
        const i = h * 4 + c;
        const av = `a${kk}_${h}.${'xyzw'[c]}`;
        for (let j = 0; j < halves; j++) {
          const acc = `c${i}_${j}`;
          const b = `b${kk}_${j}`;
          lines.push(elem === 'f32' ? `    ${acc} = fma(${v4}(${av}), ${b}, ${acc});` : `    ${acc} = ${acc} + ${av} * ${b};`);
        }
      }
    }
  }
  return lines.join('\n');
}

/** Output writes of the micro-tile. */
function writeOut(s: TileShape, vec: boolean): string {
  const { R } = s;
  const halves = R / 4;
  const lines: string[] = [];
  for (let h = 0; h < halves; h++) {
    for (let c = 0; c < 4; c++) {
      const i = h * 4 + c;
      lines.push(`  {
    let r = m0 + ${h * 4 * W + c}u + ty * 4u;
    if (r < P.m) {
      let o = ob + r * P.n;`);
      for (let j = 0; j < halves; j++) {
        const col = `n0 + ${j * 4 * W}u + tx * 4u`;
        const acc = `c${i}_${j}`;
        if (vec) {
          lines.push(`      { let cc = ${col}; if (cc < P.n) { out[(o + cc) >> 2u] = ${acc}; } }`);
        } else {
          lines.push(`      {
        let cc = ${col};
        if (cc < P.n) { out[o + cc] = ${acc}.x; }
        if (cc + 1u < P.n) { out[o + cc + 1u] = ${acc}.y; }
        if (cc + 2u < P.n) { out[o + cc + 2u] = ${acc}.z; }
        if (cc + 3u < P.n) { out[o + cc + 3u] = ${acc}.w; }
      }`);
        }
      }
      lines.push('    }\n  }');
    }
  }
  return lines.join('\n');
}

function kernel(elem: string, v: MatmulVariant, transposeA: boolean, transposeB: boolean): string {
  const s = TILES[v.tile];
  const { T, R, BK } = s;
  const half = (BK * T) / 4;
  const v4 = `vec4<${elem}>`;
  const accs: string[] = [];
  for (let i = 0; i < R; i++) for (let j = 0; j < R / 4; j++) accs.push(`  var c${i}_${j} = ${v4}();`);
  return `
var<workgroup> sa: array<${v4}, ${2 * half}>;
var<workgroup> sb: array<${v4}, ${2 * half}>;
${slice('A', 'as_', 'sa', elem, s, !transposeA, v.vec, 'P.m')}
${slice('B', 'bs_', 'sb', elem, s, transposeB, v.vec, 'P.n')}
@compute @workgroup_size(${W}, ${W})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let tx = lid.x;
  let ty = lid.y;
  let m0 = wid.y * ${T}u;
  let n0 = wid.x * ${T}u;
  let aBase = wid.z * P.aStride;
  let bBase = wid.z * P.bStride;
${accs.join('\n')}
  let tiles = (P.k + ${BK - 1}u) / ${BK}u;
  var va = loadA(aBase, m0, 0u, t);
  var vb = loadB(bBase, n0, 0u, t);
  storeA(0u, t, va);
  storeB(0u, t, vb);
  workgroupBarrier();
  var off = 0u;
  for (var kt = 0u; kt < tiles; kt = kt + 1u) {
    let more = kt + 1u < tiles;
    if (more) {
      va = loadA(aBase, m0, (kt + 1u) * ${BK}u, t);
      vb = loadB(bBase, n0, (kt + 1u) * ${BK}u, t);
    }
${innerLoop(s, elem)}
    off = ${half}u - off;
    if (more) {
      storeA(off, t, va);
      storeB(off, t, vb);
    }
    workgroupBarrier();
  }
  let ob = wid.z * P.m * P.n;
${writeOut(s, v.vec)}
}`;
}

export const matmul: KernelBuilder<'matmul'> = (step, ctx) => {
  const p = step.params;
  const { batch, m, n, k, transposeA, transposeB, aBatchStride, bBatchStride } = p;
  const elem = elemOf(ctx.dtype(step.inputs[0]!));
  if (elem === 'u32') throw new Error('matmul is not defined for bool');
  if (batch > 65535) throw new RangeError(`matmul batch ${batch} exceeds 65535`);
  const v = matmulVariant(p);
  const { T } = TILES[v.tile];
  if (Math.ceil(m / T) > 65535 || Math.ceil(n / T) > 65535) {
    throw new RangeError(`matmul [${m}, ${n}] output is too large for one dispatch`);
  }
  const u = new Uniforms().u32('m', m).u32('n', n).u32('k', k).u32('aStride', aBatchStride).u32('bStride', bBatchStride);
  const vecElem = `vec4<${elem}>` as const;
  const bindings: BindingSpec[] = [
    { name: 'as_', source: { buf: step.inputs[0]! }, write: false, ...(v.vec ? { elem: vecElem } : {}) },
    { name: 'bs_', source: { buf: step.inputs[1]! }, write: false, ...(v.vec ? { elem: vecElem } : {}) },
    { name: 'out', source: { buf: step.outputs[0]! }, write: true, ...(v.vec ? { elem: vecElem } : {}) },
  ];
  const flags = `${transposeA ? 't' : 'n'}${transposeB ? 't' : 'n'}${v.vec ? '4' : '1'}`;
  return {
    dispatches: [
      {
        key: `matmul/${elem}/${v.tile}/${flags}`,
        uniforms: u,
        bindings,
        body: () => kernel(elem, v, transposeA, transposeB),
        grid: { groups: [Math.ceil(n / T), Math.ceil(m / T), batch] },
      },
    ],
  };
};
