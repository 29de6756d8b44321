// The reference library for the browser benchmark, bundled from bench/node_modules.
export * as tf from '@tensorflow/tfjs';
export * as wasm from '@tensorflow/tfjs-backend-wasm';
