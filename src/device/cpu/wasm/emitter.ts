/**
 * A small typed WebAssembly binary emitter: enough of the core and SIMD instruction sets to
 * write compute kernels from TypeScript at run time (no toolchain, no prebuilt .wasm).
 *
 * Usage: create a `ModuleBuilder`, import a memory, add functions with `func(...)`, emit code
 * through the returned `FuncBuilder`, then `toBytes()`. Labels are objects, so branches name
 * the block they leave rather than a relative depth.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Natural alignment (log2 bytes) per access width. */
const NATURAL_ALIGN = { 1: 0, 2: 1, 4: 2, 8: 3, 16: 4 } as const;

/** Growable byte buffer with LEB128 helpers. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    this.reserve(bs.length);
    for (let i = 0; i < bs.length; i++) this.buf[this.len++] = bs[i]! & 0xff;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of an integer in [-2^31, 2^32) (values ≥ 2^31 are taken modulo 2^32). */
  s32(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw new RangeError(`s32 out of range: ${v}`);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  f32(v: number): this {
    const tmp = new DataView(new ArrayBuffer(4));
    tmp.setFloat32(0, v, true);
    return this.bytes(new Uint8Array(tmp.buffer));
  }

  /** Length-prefixed UTF-8 name. */
  name(s: string): this {
    const enc = new TextEncoder().encode(s);
    return this.u32(enc.length).bytes(enc);
  }

  /** Append another writer's bytes prefixed by their length (a section or body). */
  sized(w: ByteWriter): this {
    return this.u32(w.length).bytes(w.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

export interface Local {
  readonly index: number;
  readonly type: ValType;
}

export interface Label {
  /** Control depth at which the label's block was opened (outermost function body = 0). */
  readonly depth: number;
  readonly kind: 'block' | 'loop' | 'if';
}

export interface MemArg {
  offset?: number;
  /** log2 of the alignment hint; defaults to the access's natural alignment. */
  align?: number;
}

type BlockType = ValType | 'void';

const SIMD_PREFIX = 0xfd;

/**
 * Emits one function body. Instruction methods push bytes and return `this`, so short
 * sequences can be chained: `f.get(x).get(y).i32Add().set(z)`.
 */
export class FuncBuilder {
  readonly params: readonly Local[];
  private readonly localTypes: ValType[] = [];
  private readonly code = new ByteWriter();
  private depth = 0;

  constructor(
    readonly name: string,
    readonly paramTypes: readonly ValType[],
    readonly resultTypes: readonly ValType[],
    readonly exported: boolean,
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** Declare a new local of the given type. */
  local(type: ValType): Local {
    const index = this.paramTypes.length + this.localTypes.length;
    this.localTypes.push(type);
    return { index, type };
  }

  locals(type: ValType, n: number): Local[] {
    return Array.from({ length: n }, () => this.local(type));
  }

  private op(b: number): this {
    this.code.byte(b);
    return this;
  }

  private simd(sub: number): this {
    this.code.byte(SIMD_PREFIX).u32(sub);
    return this;
  }

  private mem(opcode: number, width: 1 | 2 | 4 | 8 | 16, m: MemArg | undefined, simd = false): this {
    if (simd) this.simd(opcode);
    else this.op(opcode);
    this.code.u32(m?.align ?? NATURAL_ALIGN[width]).u32(m?.offset ?? 0);
    return this;
  }

  // ---- control ----------------------------------------------------------------------------

  private open(opcode: number, kind: Label['kind'], bt: BlockType): Label {
    this.op(opcode);
    this.code.byte(bt === 'void' ? 0x40 : VALTYPE[bt]);
    const label = { depth: this.depth, kind };
    this.depth++;
    return label;
  }

  block(bt: BlockType = 'void'): Label {
    return this.open(0x02, 'block', bt);
  }
  loop(bt: BlockType = 'void'): Label {
    return this.open(0x03, 'loop', bt);
  }
  /** Pops an i32 condition. */
  if(bt: BlockType = 'void'): Label {
    return this.open(0x04, 'if', bt);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    if (this.depth === 0) throw new Error(`${this.name}: end() without an open block`);
    this.depth--;
    return this.op(0x0b);
  }

  private rel(label: Label): number {
    const r = this.depth - 1 - label.depth;
    if (r < 0) throw new Error(`${this.name}: branch to a closed label`);
    return r;
  }
  br(label: Label): this {
    this.op(0x0c);
    this.code.u32(this.rel(label));
    return this;
  }
  /** Pops an i32 condition. */
  brIf(label: Label): this {
    this.op(0x0d);
    this.code.u32(this.rel(label));
    return this;
  }
  return(): this {
    return this.op(0x0f);
  }
  call(funcIndex: number): this {
    this.op(0x10);
    this.code.u32(funcIndex);
    return this;
  }
  unreachable(): this {
    return this.op(0x00);
  }
  drop(): this {
    return this.op(0x1a);
  }
  /** [a, b, cond] → cond ? a : b */
  select(): this {
    return this.op(0x1b);
  }

  // ---- convenience control shapes ---------------------------------------------------------

  /** Run `body` while `cond()` (emitted before each iteration) leaves a non-zero i32. */
  while(cond: () => void, body: (brk: Label, cont: Label) => void): this {
    const brk = this.block();
    const cont = this.loop();
    cond();
    this.i32Eqz().brIf(brk);
    body(brk, cont);
    this.br(cont);
    this.end();
    this.end();
    return this;
  }

  /**
   * `for (i = from; i < to; i += step)` over i32, signed compare; `from`/`to` emit one i32 each.
   * The loop body does not run when from ≥ to.
   */
  for(i: Local, from: () => void, to: () => void, step: number, body: (brk: Label) => void): this {
    from();
    this.set(i);
    return this.while(
      () => {
        this.get(i);
        to();
        this.i32LtS();
      },
      (brk) => {
        body(brk);
        this.get(i).i32(step).i32Add().set(i);
      },
    );
  }

  /** `if (cond) then() [else otherwise()]`; the condition must already be on the stack. */
  ifThen(then: () => void, otherwise?: () => void): this {
    this.if();
    then();
    if (otherwise) {
      this.else();
      otherwise();
    }
    return this.end();
  }

  // ---- locals -----------------------------------------------------------------------------

  get(l: Local): this {
    this.op(0x20);
    this.code.u32(l.index);
    return this;
  }
  set(l: Local): this {
    this.op(0x21);
    this.code.u32(l.index);
    return this;
  }
  tee(l: Local): this {
    this.op(0x22);
    this.code.u32(l.index);
    return this;
  }

  // ---- constants --------------------------------------------------------------------------

  i32(v: number): this {
    this.op(0x41);
    this.code.s32(v);
    return this;
  }
  f32(v: number): this {
    this.op(0x43);
    this.code.f32(v);
    return this;
  }

  // ---- memory -----------------------------------------------------------------------------

  i32Load(m?: MemArg): this {
    return this.mem(0x28, 4, m);
  }
  i64Load(m?: MemArg): this {
    return this.mem(0x29, 8, m);
  }
  f32Load(m?: MemArg): this {
    return this.mem(0x2a, 4, m);
  }
  f64Load(m?: MemArg): this {
    return this.mem(0x2b, 8, m);
  }
  i32Store(m?: MemArg): this {
    return this.mem(0x36, 4, m);
  }
  i64Store(m?: MemArg): this {
    return this.mem(0x37, 8, m);
  }
  f32Store(m?: MemArg): this {
    return this.mem(0x38, 4, m);
  }
  f64Store(m?: MemArg): this {
    return this.mem(0x39, 8, m);
  }

  // ---- i32 arithmetic ---------------------------------------------------------------------

  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32LeU(): this {
    return this.op(0x4d);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32DivS(): this {
    return this.op(0x6d);
  }
  i32DivU(): this {
    return this.op(0x6e);
  }
  i32RemU(): this {
    return this.op(0x70);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32Xor(): this {
    return this.op(0x73);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrS(): this {
    return this.op(0x75);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }

  // ---- f32 arithmetic ---------------------------------------------------------------------

  f32Abs(): this {
    return this.op(0x8b);
  }
  f32Neg(): this {
    return this.op(0x8c);
  }
  f32Ceil(): this {
    return this.op(0x8d);
  }
  f32Floor(): this {
    return this.op(0x8e);
  }
  f32Trunc(): this {
    return this.op(0x8f);
  }
  /** Round to nearest, ties to even. */
  f32Nearest(): this {
    return this.op(0x90);
  }
  f32Sqrt(): this {
    return this.op(0x91);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Sub(): this {
    return this.op(0x93);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Div(): this {
    return this.op(0x95);
  }
  f32Min(): this {
    return this.op(0x96);
  }
  f32Max(): this {
    return this.op(0x97);
  }
  f32Eq(): this {
    return this.op(0x5b);
  }
  f32Lt(): this {
    return this.op(0x5d);
  }
  f32Gt(): this {
    return this.op(0x5e);
  }

  // ---- SIMD (v128 / f32x4) ------------------------------------------------------------------

  v128Load(m?: MemArg): this {
    return this.mem(0x00, 16, m, true);
  }
  /** Load one f32/i32 and splat it to all four lanes. */
  v128Load32Splat(m?: MemArg): this {
    return this.mem(0x09, 4, m, true);
  }
  v128Store(m?: MemArg): this {
    return this.mem(0x0b, 16, m, true);
  }
  /** Load 32 bits into lane 0, zero the rest. */
  v128Load32Zero(m?: MemArg): this {
    return this.mem(0x5c, 4, m, true);
  }
  /** Load 64 bits into the low half, zero the rest. */
  v128Load64Zero(m?: MemArg): this {
    return this.mem(0x5d, 8, m, true);
  }
  /** [addr, vec] → store lane `lane` (64-bit lanes). */
  v128Store64Lane(lane: number, m?: MemArg): this {
    this.mem(0x5b, 8, m, true);
    this.code.byte(lane);
    return this;
  }
  /** [addr, vec] → store lane `lane` (32-bit lanes). */
  v128Store32Lane(lane: number, m?: MemArg): this {
    this.mem(0x5a, 4, m, true);
    this.code.byte(lane);
    return this;
  }
  v128Const(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new Error('v128.const needs 16 bytes');
    this.simd(0x0c);
    this.code.bytes(bytes);
    return this;
  }
  v128Zero(): this {
    return this.v128Const(new Uint8Array(16));
  }
  f32x4Const(a: number, b: number, c: number, d: number): this {
    return this.v128Const(new Uint8Array(new Float32Array([a, b, c, d]).buffer));
  }
  /** Byte shuffle of two vectors; each lane index selects from the 32 bytes of (a, b). */
  i8x16Shuffle(lanes: ArrayLike<number>): this {
    if (lanes.length !== 16) throw new Error('i8x16.shuffle needs 16 lane indices');
    this.simd(0x0d);
    this.code.bytes(lanes);
    return this;
  }
  /** Shuffle in 32-bit lanes: indices 0-3 pick from a, 4-7 from b. */
  f32x4Shuffle(l0: number, l1: number, l2: number, l3: number): this {
    const out: number[] = [];
    for (const l of [l0, l1, l2, l3]) for (let b = 0; b < 4; b++) out.push(l * 4 + b);
    return this.i8x16Shuffle(out);
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4ExtractLane(lane: number): this {
    this.simd(0x1f);
    this.code.byte(lane);
    return this;
  }
  f32x4ReplaceLane(lane: number): this {
    this.simd(0x20);
    this.code.byte(lane);
    return this;
  }
  f32x4Ceil(): this {
    return this.simd(0x67);
  }
  f32x4Floor(): this {
    return this.simd(0x68);
  }
  f32x4Trunc(): this {
    return this.simd(0x69);
  }
  /** Round to nearest, ties to even. */
  f32x4Nearest(): this {
    return this.simd(0x6a);
  }
  f32x4Eq(): this {
    return this.simd(0x41);
  }
  f32x4Lt(): this {
    return this.simd(0x43);
  }
  /** Lanes that differ (true where either is NaN). */
  f32x4Ne(): this {
    return this.simd(0x42);
  }
  f32x4Le(): this {
    return this.simd(0x45);
  }
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  v128Not(): this {
    return this.simd(0x4d);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  v128AndNot(): this {
    return this.simd(0x4f);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  v128Xor(): this {
    return this.simd(0x51);
  }
  /** [a, b, mask] → (a & mask) | (b & ~mask) */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  f32x4Abs(): this {
    return this.simd(0xe0);
  }
  f32x4Neg(): this {
    return this.simd(0xe1);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  /** IEEE-style min: NaN if either lane is NaN, -0 < +0. */
  f32x4Min(): this {
    return this.simd(0xe8);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  /** Pseudo-min `b < a ? b : a` (one instruction on x86). */
  f32x4Pmin(): this {
    return this.simd(0xea);
  }
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  /** Relaxed SIMD: [a, b, c] → a·b + c, fused or not depending on the host. */
  // f64x2 (two float64 lanes) and the conversions between lane shapes
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Eq(): this {
    return this.simd(0x47);
  }
  /** Lanes that differ (true where either is NaN). */
  f64x2Ne(): this {
    return this.simd(0x48);
  }
  f64x2Lt(): this {
    return this.simd(0x49);
  }
  f64x2Gt(): this {
    return this.simd(0x4a);
  }
  f64x2Le(): this {
    return this.simd(0x4b);
  }
  /** [a, b, 0, 0] from two float64 lanes, each rounded to float32. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  /** Lanes 0 and 1 of a float32 vector as float64. */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  f64x2Ceil(): this {
    return this.simd(0x74);
  }
  f64x2Floor(): this {
    return this.simd(0x75);
  }
  f64x2Trunc(): this {
    return this.simd(0x7a);
  }
  /** Sign-extend 32-bit lanes 0, 1 (low) or 2, 3 (high) to 64 bits. */
  i64x2ExtendLowI32x4S(): this {
    return this.simd(0xc7);
  }
  i64x2ExtendHighI32x4S(): this {
    return this.simd(0xc8);
  }
  f64x2Abs(): this {
    return this.simd(0xec);
  }
  f64x2Neg(): this {
    return this.simd(0xed);
  }
  f64x2Sqrt(): this {
    return this.simd(0xef);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  f64x2Div(): this {
    return this.simd(0xf3);
  }
  f64x2Const(a: number, b: number): this {
    const bytes = new Uint8Array(new Float64Array([a, b]).buffer);
    return this.v128Const(bytes);
  }

  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }

  /** Body bytes: locals declaration then code. */
  encodeBody(): Uint8Array<ArrayBuffer> {
    if (this.depth !== 0) throw new Error(`${this.name}: ${this.depth} block(s) left open`);
    const w = new ByteWriter();
    // Run-length encode local declarations.
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    w.u32(groups.length);
    for (const [n, t] of groups) w.u32(n).byte(VALTYPE[t]);
    w.bytes(this.code.finish());
    w.byte(0x0b);
    return w.finish();
  }
}

export interface MemoryImport {
  module: string;
  name: string;
  /** Minimum size in 64 KiB pages. */
  min: number;
  /** Maximum size in pages; required for shared memories. */
  max?: number;
  shared: boolean;
}

/** Collects imports, functions and exports, and writes the module binary. */
export class ModuleBuilder {
  private readonly funcs: FuncBuilder[] = [];
  private memory: MemoryImport | null = null;

  importMemory(m: MemoryImport): this {
    if (m.shared && m.max === undefined) throw new Error('a shared memory needs a maximum');
    this.memory = m;
    return this;
  }

  /** Add a function; its index is its position among the module's functions (no function imports). */
  func(name: string, params: ValType[], results: ValType[] = [], exported = true): FuncBuilder {
    if (this.funcs.some((f) => f.name === name)) throw new Error(`duplicate function ${name}`);
    const f = new FuncBuilder(name, params, results, exported);
    this.funcs.push(f);
    return f;
  }

  indexOf(f: FuncBuilder): number {
    const i = this.funcs.indexOf(f);
    if (i < 0) throw new Error(`function ${f.name} is not in this module`);
    return i;
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter();
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

    // Type section (deduplicated signatures).
    const sigKeys: string[] = [];
    const sigOf = this.funcs.map((f) => {
      const key = `${f.paramTypes.join(',')}->${f.resultTypes.join(',')}`;
      let i = sigKeys.indexOf(key);
      if (i < 0) i = sigKeys.push(key) - 1;
      return i;
    });
    const types = new ByteWriter().u32(sigKeys.length);
    for (const key of sigKeys) {
      const [ps, rs] = key.split('->') as [string, string];
      const params = ps ? (ps.split(',') as ValType[]) : [];
      const results = rs ? (rs.split(',') as ValType[]) : [];
      types.byte(0x60).u32(params.length);
      for (const p of params) types.byte(VALTYPE[p]);
      types.u32(results.length);
      for (const r of results) types.byte(VALTYPE[r]);
    }
    out.byte(1).sized(types);

    // Import section.
    if (this.memory) {
      const m = this.memory;
      const imp = new ByteWriter().u32(1).name(m.module).name(m.name).byte(0x02);
      const flags = (m.max !== undefined ? 1 : 0) | (m.shared ? 2 : 0);
      imp.byte(flags).u32(m.min);
      if (m.max !== undefined) imp.u32(m.max);
      out.byte(2).sized(imp);
    }

    // Function section.
    const fsec = new ByteWriter().u32(this.funcs.length);
    for (const s of sigOf) fsec.u32(s);
    out.byte(3).sized(fsec);

    // Export section.
    const exported = this.funcs.filter((f) => f.exported);
    const exp = new ByteWriter().u32(exported.length);
    for (const f of exported) exp.name(f.name).byte(0x00).u32(this.indexOf(f));
    out.byte(7).sized(exp);

    // Code section.
    const code = new ByteWriter().u32(this.funcs.length);
    for (const f of this.funcs) {
      const body = f.encodeBody();
      code.u32(body.length).bytes(body);
    }
    out.byte(10).sized(code);
    return out.finish();
  }
}
