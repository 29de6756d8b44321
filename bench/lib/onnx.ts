/**
 * Just enough ONNX (protobuf) to build a one-node float32 model for onnxruntime: the
 * ModelProto fields a MatMul graph needs, written by hand (no protobuf dependency).
 */

class Writer {
  private bytes: number[] = [];
  varint(v: number): this {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x > 0n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  bytesField(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytesField(field, w.done());
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;

function valueInfo(name: string, shape: number[]): Writer {
  const dims = new Writer();
  for (const d of shape) dims.msg(1, new Writer().int(1, d));
  const tensor = new Writer().int(1, FLOAT).msg(2, dims);
  return new Writer().str(1, name).msg(2, new Writer().msg(1, tensor));
}

/** A model computing Y = A · B (optionally op(A)/op(B) transposed through Gemm attributes). */
export function matmulModel(m: number, n: number, k: number): Uint8Array {
  const node = new Writer().str(1, 'A').str(1, 'B').str(2, 'Y').str(3, 'mm').str(4, 'MatMul');
  const graph = new Writer()
    .msg(1, node)
    .str(2, 'matmul')
    .msg(11, valueInfo('A', [m, k]))
    .msg(11, valueInfo('B', [k, n]))
    .msg(12, valueInfo('Y', [m, n]));
  return new Writer()
    .int(1, 8) // ir_version
    .msg(8, new Writer().str(1, '').int(2, 13)) // opset_import
    .msg(7, graph)
    .done();
}
