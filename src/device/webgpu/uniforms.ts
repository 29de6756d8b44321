/**
 * One kernel dispatch's parameters, declared once and turned into both the WGSL struct and the
 * bytes written to the plan's uniform buffer, so the two layouts cannot disagree.
 *
 * Layout: scalars (u32/i32/f32) at consecutive 4-byte offsets; then, when present, an
 * `array<vec4<i32>, R>` of per-axis rows at the next 16-byte boundary. The struct text depends
 * only on the field names, types and R, never on values, so it can be part of a pipeline key.
 */
type Scalar = 'u32' | 'i32' | 'f32';

interface Field {
  name: string;
  type: Scalar;
  value: number;
}

export class Uniforms {
  private readonly fields: Field[] = [];
  private rowsName = '';
  private rows: (readonly number[])[] = [];

  u32(name: string, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`uniform ${name}: ${value} is not a u32`);
    }
    this.fields.push({ name, type: 'u32', value });
    return this;
  }

  i32(name: string, value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new RangeError(`uniform ${name}: ${value} is not an i32`);
    }
    this.fields.push({ name, type: 'i32', value });
    return this;
  }

  f32(name: string, value: number): this {
    this.fields.push({ name, type: 'f32', value });
    return this;
  }

  /** Per-axis rows of up to four i32 each (missing entries are 0). At most one set. */
  axes(name: string, rows: readonly (readonly number[])[]): this {
    if (this.rowsName) throw new Error('Uniforms.axes: only one set of axis rows');
    for (const r of rows) {
      for (const v of r) {
        if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
          throw new RangeError(`uniform ${name}: ${v} is not an i32`);
        }
      }
    }
    this.rowsName = name;
    this.rows = rows.map((r) => [...r]);
    return this;
  }

  get rank(): number {
    return this.rows.length;
  }

  private scalarWords(): number {
    const n = Math.max(this.fields.length, 1);
    return this.rows.length > 0 ? Math.ceil(n / 4) * 4 : n;
  }

  /** Bytes of the block, a multiple of 16. */
  get byteLength(): number {
    const words = this.scalarWords() + this.rows.length * 4;
    return Math.ceil((words * 4) / 16) * 16;
  }

  signature(): string {
    const f = this.fields.map((x) => `${x.name}:${x.type}`).join(',');
    return `${f};${this.rowsName}[${this.rows.length}]`;
  }

  /** `struct Params { ... }` for the WGSL side. */
  struct(name = 'Params'): string {
    const members = this.fields.map((f) => `  ${f.name}: ${f.type},`);
    if (members.length === 0) members.push('  _unused: u32,');
    if (this.rows.length > 0) {
      for (let k = this.fields.length || 1; k < this.scalarWords(); k++) members.push(`  _pad${k}: u32,`);
      members.push(`  ${this.rowsName}: array<vec4<i32>, ${this.rows.length}>,`);
    }
    return `struct ${name} {\n${members.join('\n')}\n}`;
  }

  /** Writes the block at `byteOffset` of `target`. */
  write(target: ArrayBuffer, byteOffset: number): void {
    const dv = new DataView(target, byteOffset, this.byteLength);
    this.fields.forEach((f, k) => {
      if (f.type === 'u32') dv.setUint32(k * 4, f.value, true);
      else if (f.type === 'i32') dv.setInt32(k * 4, f.value, true);
      else dv.setFloat32(k * 4, f.value, true);
    });
    const base = this.scalarWords() * 4;
    this.rows.forEach((r, k) => {
      for (let j = 0; j < 4; j++) dv.setInt32(base + k * 16 + j * 4, r[j] ?? 0, true);
    });
  }
}
