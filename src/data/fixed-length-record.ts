/**
 * `new tf.data.FixedLengthRecordDataset(filenames, recordBytes, headerBytes?, footerBytes?,
 * bufferSize?, compressionType?)`: the fixed-size records of binary files (CIFAR-10's
 * `data_batch_*.bin`), each a string scalar of `recordBytes` bytes, file after file, with
 * `headerBytes` skipped at the start of each and `footerBytes` at its end. A file whose body
 * is not a whole number of records fails (InvalidArgumentError, TF's text) when the pipeline
 * reaches it. `bufferSize` (TF's read buffer) is accepted; files are read whole.
 */
import { InvalidArgumentError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { type CompressionType, compressionString, readRecordFile } from '../io/tfrecord.js';
import { NDArray } from '../ndarray.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, fileNames, openedFileNames } from './dataset.js';

interface FixedLengthOptions {
  headerBytes?: number | null;
  footerBytes?: number | null;
  bufferSize?: number | null;
  compressionType?: string | null;
}

const byteCount = (v: number | null | undefined, what: string, min: number): number => {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be ${min > 0 ? '> 0' : '>= 0'} not ${n}`);
  return n;
};

export class FixedLengthRecordDataset extends Dataset {
  readonly spec: ElementSpec = { structure: null, dtypes: ['string'], shapes: [[]] };
  private readonly files: string[] | Tensor;
  private readonly recordBytes: number;
  private readonly headerBytes: number;
  private readonly footerBytes: number;
  private readonly compression: CompressionType;

  constructor(
    filenames: string | string[] | Tensor,
    recordBytes: number,
    headerBytes?: number | null | FixedLengthOptions,
    footerBytes?: number | null,
    bufferSize?: number | null,
    compressionType?: string | null,
  ) {
    super();
    const o: FixedLengthOptions = typeof headerBytes === 'object' && headerBytes !== null ? headerBytes : { headerBytes, footerBytes, bufferSize, compressionType };
    this.recordBytes = byteCount(recordBytes, 'record_bytes', 1);
    this.headerBytes = byteCount(o.headerBytes, 'header_bytes', 0);
    this.footerBytes = byteCount(o.footerBytes, 'footer_bytes', 0);
    if (o.bufferSize !== undefined && o.bufferSize !== null) byteCount(o.bufferSize, 'buffer_size', 0);
    this.compression = compressionString((o.compressionType ?? '') as never);
    this.files = fileNames(filenames);
  }

  override captures(): Tensor[] {
    return this.files instanceof Tensor ? [this.files] : [];
  }

  open(ctx: IterContext): Stage {
    const list = openedFileNames(this.files, ctx);
    const { recordBytes, headerBytes, footerBytes, compression } = this;
    let fi = 0;
    let bytes: Uint8Array | null = null;
    let pos = 0;
    let end = 0;
    return {
      *next() {
        for (;;) {
          if (bytes && pos < end) {
            const rec = bytes.slice(pos, pos + recordBytes);
            pos += recordBytes;
            return [NDArray.fromStrings([rec], [])];
          }
          bytes = null;
          if (fi >= list.length) return null;
          // a bad file fails every pull that reaches it (TF moves past a file once it is read)
          const f = list[fi]!;
          const b = readRecordFile(f, compression);
          const body = b.length - headerBytes - footerBytes;
          if (body < 0 || body % recordBytes !== 0) {
            throw new InvalidArgumentError(`Excluding the header (${headerBytes} bytes) and footer (${footerBytes} bytes), input file "${f}" has body length ${body} bytes, which is not an exact multiple of the record length (${recordBytes} bytes).`);
          }
          fi++;
          bytes = b;
          pos = headerBytes;
          end = headerBytes + body;
        }
      },
    };
  }
}
