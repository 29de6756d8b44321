/** Importing this registers every gradient function. */
import './math-grads.js';
import './nn-grads.js';
import './array-grads.js';
import './conv-grads.js';
