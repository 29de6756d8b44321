// Port of the TF1 softmax snippet:
// test-check: ^\[0\.6590012, 0\.24243298, 0\.09856589\]$
//   logit_data = [2.0, 1.0, 0.1]
//   logits = tf.placeholder(tf.float32)
//   softmax = tf.nn.softmax(logits)
//   with tf.Session() as sess:
//       output = sess.run(softmax, feed_dict={logits: logit_data})
import * as tf from 'tsflow';

const logitData = [2.0, 1.0, 0.1];
const logits = tf.placeholder(tf.float32);
const softmax = tf.nn.softmax(logits);
{
  await using sess = new tf.Session();
  const output = await sess.run(softmax, new Map([[logits, logitData]]));
  console.log(`[${(output.toArray() as number[]).join(', ')}]`);
}
