/** DecodeWav, EncodeWav, AudioSpectrogram and Mfcc in GraphDefs as TF writes them (TF's attrs), both ways. */
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';

registerExporter(['DecodeWav'], ({ attrs }) => ({ desired_channels: A.i(attrs.desiredChannels as number), desired_samples: A.i(attrs.desiredSamples as number) }));
RULES.set('DecodeWav', (c) => make(c, 'DecodeWav', c.inputs, { desiredChannels: c.attrs.int('desired_channels', -1), desiredSamples: c.attrs.int('desired_samples', -1) }));

registerExporter(['EncodeWav'], () => ({}));
RULES.set('EncodeWav', (c) => make(c, 'EncodeWav', c.inputs));

registerExporter(['AudioSpectrogram'], ({ attrs }) => ({
  window_size: A.i(attrs.windowSize as number), stride: A.i(attrs.stride as number), magnitude_squared: A.b(!!attrs.magnitudeSquared),
}));
RULES.set('AudioSpectrogram', (c) => make(c, 'AudioSpectrogram', c.inputs, {
  windowSize: c.attrs.int('window_size'), stride: c.attrs.int('stride'), magnitudeSquared: c.attrs.bool('magnitude_squared', false),
}));

registerExporter(['Mfcc'], ({ attrs }) => ({
  upper_frequency_limit: A.f(attrs.upperFrequencyLimit as number), lower_frequency_limit: A.f(attrs.lowerFrequencyLimit as number),
  filterbank_channel_count: A.i(attrs.filterbankChannelCount as number), dct_coefficient_count: A.i(attrs.dctCoefficientCount as number),
}));
RULES.set('Mfcc', (c) => make(c, 'Mfcc', c.inputs, {
  upperFrequencyLimit: c.attrs.float('upper_frequency_limit', 4000), lowerFrequencyLimit: c.attrs.float('lower_frequency_limit', 20),
  filterbankChannelCount: c.attrs.int('filterbank_channel_count', 40), dctCoefficientCount: c.attrs.int('dct_coefficient_count', 13),
}));
