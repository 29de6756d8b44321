/**
 * Examples are executable documentation: every file under examples/ runs (bounded steps) and its
 * output is checked (how: test/support/examples.ts). This file runs the examples that no other
 * shard (test/examples-rnn.test.ts, test/examples-cnn.test.ts) names, and checks the split.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARDS, allExamples, dedicated, describeExamples, root, shardExamples } from './support/examples.js';

describe('examples/ shards', () => {
  it('every example is in exactly one shard, and each shard has its test file', () => {
    const all = allExamples();
    const named = Object.values(SHARDS).flat();
    expect(new Set(named).size, 'an example is named by two shards').toBe(named.length);
    for (const f of named) expect(all, `${f} (named by a shard) is not under examples/`).toContain(f);
    for (const f of named) expect(dedicated[f], `${f} has a dedicated test and is named by a shard`).toBeUndefined();
    for (const name of Object.keys(SHARDS)) expect(existsSync(path.join(root, `test/examples-${name}.test.ts`)), `test/examples-${name}.test.ts`).toBe(true);
    const covered = [...Object.keys(SHARDS), 'default'].flatMap(shardExamples).sort();
    expect(covered).toEqual([...all].sort());
  });
});

describeExamples('default');
