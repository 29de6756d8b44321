/** `tf.spectral` (TF 1.15): the FFT family and dct/idct; `tf.signal` adds framing, STFT and mel ops. */
export { fft, ifft, fft2d, ifft2d, fft3d, ifft3d, rfft, irfft, rfft2d, irfft2d, rfft3d, irfft3d } from './fft.js';
export { dct, idct } from './signal/dct.js';
