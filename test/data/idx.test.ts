import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { parseIdx } from '../../src/data/idx.js';

/** Build IDX bytes: header for `typeCode` and `shape`, then `body` bytes. */
function idx(typeCode: number, shape: number[], body: number[] | Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(head.buffer);
  head[2] = typeCode;
  head[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function catchError(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('parseIdx', () => {
  it('reads unsigned bytes with their shape', () => {
    const a = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]), 'x');
    expect(a.magic).toBe(0x00000802);
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(a.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('reads big-endian multi-byte types', () => {
    const body = new Uint8Array(8);
    const v = new DataView(body.buffer);
    v.setInt16(0, -2, false);
    v.setInt16(2, 300, false);
    expect(Array.from(parseIdx(idx(0x0b, [2], body.subarray(0, 4)), 'x').data)).toEqual([-2, 300]);
    v.setInt32(0, -123456, false);
    v.setInt32(4, 7, false);
    expect(Array.from(parseIdx(idx(0x0c, [2], body), 'x').data)).toEqual([-123456, 7]);
    v.setFloat32(0, 1.5, false);
    v.setFloat32(4, -0.25, false);
    expect(Array.from(parseIdx(idx(0x0d, [2], body), 'x').data)).toEqual([1.5, -0.25]);
    v.setFloat64(0, Math.PI, false);
    expect(Array.from(parseIdx(idx(0x0e, [1], body), 'x').data)).toEqual([Math.PI]);
    expect(Array.from(parseIdx(idx(0x09, [2], [0xff, 0x01]), 'x').data)).toEqual([-1, 1]);
  });

  it('copies the data out of the input buffer', () => {
    const bytes = idx(0x08, [2], [5, 6]);
    const a = parseIdx(bytes, 'x');
    bytes[bytes.length - 1] = 9;
    expect(Array.from(a.data)).toEqual([5, 6]);
  });

  it('names the file and both magic numbers when the magic is wrong', () => {
    const e = catchError(() => parseIdx(idx(0x08, [3], [1, 2, 3]), '/d/labels-file', 0x803));
    expect(e.message).toContain('labels-file');
    expect(e.message).toContain('expected 0x00000803');
    expect(e.message).toContain('got 0x00000801');
    expect(e.file).toBe('/d/labels-file');
  });

  it('rejects unknown element types and non-IDX headers', () => {
    expect(() => parseIdx(idx(0x07, [1], [1]), 'f')).toThrow(/f: not an IDX file.*0x00000701/);
    expect(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'f')).toThrow(/not an IDX file/);
  });

  it('reports truncation with expected and actual byte counts', () => {
    const whole = idx(0x08, [2, 2], [1, 2, 3, 4]);
    expect(() => parseIdx(whole.subarray(0, 2), 'f')).toThrow(/f: truncated.*at least 4 bytes.*got 2/);
    expect(() => parseIdx(whole.subarray(0, 9), 'f')).toThrow(/f: truncated.*expected 12 header bytes.*got 9/);
    expect(() => parseIdx(whole.subarray(0, 14), 'f')).toThrow(/f: truncated IDX file: expected 16 bytes.*got 14/);
    const long = new Uint8Array(17);
    long.set(whole);
    expect(() => parseIdx(long, 'f')).toThrow(/f: IDX file has trailing bytes: expected 16 bytes.*got 17/);
  });
});
