/** HDF5 files: a reader of what h5py/libhdf5 write by default, and a writer h5py reads back. */
export { H5File, H5Group, H5Dataset, H5Object, KeyNotFound } from './reader.js';
export type { H5Type, H5Value, H5NumberType, H5NumberArray } from './datatype.js';
export { H5WriteGroup, H5WriteDataset, encodeHdf5, writeHdf5, toH5Value, type H5WriteValue } from './writer.js';
