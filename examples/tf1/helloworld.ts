// HelloWorld example using TensorFlow library.
//
// Port of tensorflow_v1/examples/1_Introduction/helloworld.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions. The original's notebook prints: Hello, TensorFlow!
//
// test-check: ^Hello, TensorFlow!$
import * as tf from 'tsflow';

// Simple hello world using TensorFlow

// Create a Constant op
// The op is added as a node to the default graph.
//
// The value returned by the constructor represents the output
// of the Constant op.
const hello = tf.constant('Hello, TensorFlow!');

// Start tf session
const sess = new tf.Session();

// Run the op
console.log((await sess.run(hello)).toArray());
await sess.close();
