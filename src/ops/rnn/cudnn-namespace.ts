/** `tf.contrib.cudnnRnn`: TF1's `tf.contrib.cudnn_rnn` layers and compatible cells (run without cuDNN, same numbers). */
export {
  CUDNN_GRU, CUDNN_INPUT_AUTO_MODE, CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE, CUDNN_LSTM, CUDNN_RNN_BIDIRECTION, CUDNN_RNN_RELU,
  CUDNN_RNN_TANH, CUDNN_RNN_UNIDIRECTION, CudnnCompatibleGRUCell, CudnnCompatibleLSTMCell, CudnnGRU, CudnnLSTM, CudnnRNNRelu, CudnnRNNTanh,
  type CudnnRNNOpts,
} from './cudnn.js';
