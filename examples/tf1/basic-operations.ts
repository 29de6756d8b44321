// Basic Operations example using TensorFlow library.
//
// Port of tensorflow_v1/examples/1_Introduction/basic_operations.py from
// github.com/aymericdamien/TensorFlow-Examples (Author: Aymeric Damien, MIT License), line by line
// in tsflow's conventions. The original's notebook prints 5, 6, 5, 6 and [[ 12.]].
//
// test-check: ^Addition with constants: 5\nMultiplication with constants: 6$
// test-check: ^Addition with variables: 5\nMultiplication with variables: 6$
// test-check: ^\[\[12\.\]\]$
import * as tf from 'tsflow';

// Basic constant operations
// The value returned by the constructor represents the output
// of the Constant op.
let a = tf.constant(2);
let b = tf.constant(3);

// Launch the default graph.
{
  await using sess = new tf.Session();
  console.log('a=2, b=3');
  console.log(`Addition with constants: ${(await sess.run(tf.add(a, b))).toArray()}`);
  console.log(`Multiplication with constants: ${(await sess.run(tf.multiply(a, b))).toArray()}`);
}

// Basic Operations with variable as graph input
// The value returned by the constructor represents the output
// of the Variable op. (define as input when running session)
// tf Graph input
a = tf.placeholder(tf.int16);
b = tf.placeholder(tf.int16);

// Define some operations
const add = tf.add(a, b);
const mul = tf.multiply(a, b);

// Launch the default graph.
{
  await using sess = new tf.Session();
  // Run every operation with variable input
  console.log(`Addition with variables: ${(await sess.run(add, new Map([[a, 2], [b, 3]]))).toArray()}`);
  console.log(`Multiplication with variables: ${(await sess.run(mul, new Map([[a, 2], [b, 3]]))).toArray()}`);
}

// ----------------
// More in details:
// Matrix Multiplication from TensorFlow official tutorial

// Create a Constant op that produces a 1x2 matrix.  The op is
// added as a node to the default graph.
//
// The value returned by the constructor represents the output
// of the Constant op.
const matrix1 = tf.constant([[3, 3]]);

// Create another Constant that produces a 2x1 matrix.
const matrix2 = tf.constant([[2], [2]]);

// Create a Matmul op that takes 'matrix1' and 'matrix2' as inputs.
// The returned value, 'product', represents the result of the matrix
// multiplication.
const product = tf.matmul(matrix1, matrix2);

// To run the matmul op we call the session 'run()' method, passing 'product'
// which represents the output of the matmul op.  This indicates to the call
// that we want to get the output of the matmul op back.
//
// All inputs needed by the op are run automatically by the session.  They
// typically are run in parallel.
//
// The call 'run(product)' thus causes the execution of threes ops in the
// graph: the two constants and matmul.
//
// The output of the op is returned in 'result' as an NDArray.
{
  await using sess = new tf.Session();
  const result = await sess.run(product);
  console.log(result.toString());
  // ==> [[12]]
}
