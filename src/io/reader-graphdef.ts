/**
 * Reader ops as TF's NodeDefs: the reader op's attrs (TFRecordReaderV2's `compression_type`,
 * TextLineReaderV2's `skip_header_lines`, FixedLengthRecordReaderV2's `header_bytes`,
 * `record_bytes`, `footer_bytes`, `hop_bytes` and `encoding`; every reader's `container` and
 * `shared_name`) and no attrs on its users (ReaderReadV2 & co. take the reader and queue handles
 * as inputs). Without them a graph with a reader could not be written (a FileWriter's graph, a
 * meta graph): the users' queue attribute is no attribute TF has.
 */
import { A, registerExporter } from '../graphdef/export.js';
import type { AttrValue } from '../proto/framework.js';

interface ReaderAttrs {
  resource: { kind: string; config: { compression?: string; skipHeaderLines?: number; recordBytes?: number; headerBytes?: number; footerBytes?: number; hopBytes?: number } };
}

const common = (): Record<string, AttrValue> => ({ container: A.s(''), shared_name: A.s('') });

registerExporter(['TFRecordReaderV2'], ({ attrs }) => ({ ...common(), compression_type: A.s((attrs as unknown as ReaderAttrs).resource.config.compression ?? '') }));
registerExporter(['TextLineReaderV2'], ({ attrs }) => ({ ...common(), skip_header_lines: A.i((attrs as unknown as ReaderAttrs).resource.config.skipHeaderLines ?? 0) }));
registerExporter(['FixedLengthRecordReaderV2'], ({ attrs }) => {
  const c = (attrs as unknown as ReaderAttrs).resource.config;
  return {
    ...common(),
    header_bytes: A.i(c.headerBytes ?? 0),
    record_bytes: A.i(c.recordBytes!),
    footer_bytes: A.i(c.footerBytes ?? 0),
    hop_bytes: A.i(c.hopBytes ?? 0),
    encoding: A.s(c.compression ?? ''),
  };
});
registerExporter(['WholeFileReaderV2', 'IdentityReaderV2'], () => common());
registerExporter(['ReaderReadV2', 'ReaderReadUpToV2', 'ReaderNumRecordsProducedV2', 'ReaderNumWorkUnitsCompletedV2', 'ReaderResetV2'], () => ({}));
