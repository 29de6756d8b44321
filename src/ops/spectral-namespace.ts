/** `tf.spectral` (and its TF 1.15 alias `tf.signal`): the FFT family. */
export { fft, ifft, fft2d, ifft2d, fft3d, ifft3d, rfft, irfft, rfft2d, irfft2d, rfft3d, irfft3d } from './fft.js';
