import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/data/index.js';
import { formatDuration, formatMetric } from '../../src/data/progress.js';

function fakeStream(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

/** A clock the test moves by hand. */
function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ProgressBar', () => {
  it('renders the label, bar, count, metrics and elapsed time', () => {
    const c = clock();
    const s = fakeStream(true);
    const bar = new ProgressBar({ total: 469, label: 'epoch 1/5', stream: s, width: 10, now: c.now });
    c.advance(3100);
    bar.tick(120, { loss: 0.3412, acc: 0.912 });
    expect(s.chunks).toEqual(['\repoch 1/5 [##........] 120/469 loss 0.3412 acc 91.2% 3.1s']);
  });

  it('redraws in place on a TTY, throttled, and always draws the last step', () => {
    const c = clock();
    const s = fakeStream(true);
    const bar = new ProgressBar({ total: 4, stream: s, width: 4, now: c.now, minIntervalMs: 50 });
    bar.tick(1, { loss: 4 });
    c.advance(10);
    bar.tick(1, { loss: 2 }); // too soon: not drawn
    c.advance(60);
    bar.tick(1, { loss: 0 });
    bar.tick(1, { loss: 2 }); // last step: drawn
    expect(s.chunks).toEqual([
      '\r[#...] 1/4 loss 4.0000 0.0s',
      '\r[###.] 3/4 loss 2.0000 0.1s',
      '\r[####] 4/4 loss 2.0000 0.1s',
    ]);
    bar.done('val_acc 97.0%');
    expect(s.chunks.slice(3)).toEqual(['\r[####] 4/4 loss 2.0000 0.1s val_acc 97.0%', '\n']);
    expect(s.text()).not.toMatch(/\n.*\n/); // a single line in the end
  });

  it('pads over a longer previous line and fits the terminal width', () => {
    const s = fakeStream(true, 20);
    const bar = new ProgressBar({ total: 2, stream: s, width: 5, now: () => 0, minIntervalMs: 0 });
    bar.tick(1, { loss: 1 });
    expect(s.chunks[0]).toBe('\r[##...] 1/2 loss 1.');
    const wide = fakeStream(true);
    const b2 = new ProgressBar({ total: 2, stream: wide, width: 2, now: () => 0, minIntervalMs: 0, average: false });
    b2.tick(1, { loss: 123.5 });
    b2.tick(0, { loss: Number.NaN });
    expect(wide.chunks[1]).toBe('\r[#.] 1/2 loss nan 0.0s' + ' '.repeat(5));
  });

  it('writes one line per tenth when the stream is not a TTY', () => {
    const c = clock();
    const s = fakeStream(false);
    const bar = new ProgressBar({ total: 100, label: 'epoch 2/3', stream: s, width: 10, now: c.now });
    for (let i = 0; i < 100; i++) {
      c.advance(10);
      bar.tick(1, { loss: 1, acc: 0.5 });
    }
    bar.done({ val_loss: 0.25, val_acc: 0.875 });
    const lines = s.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('epoch 2/3 [#.........]  10/100 loss 1.0000 acc 50.0% 0.1s');
    expect(lines[8]).toBe('epoch 2/3 [#########.]  90/100 loss 1.0000 acc 50.0% 0.9s');
    expect(lines[9]).toBe(
      'epoch 2/3 [##########] 100/100 loss 1.0000 acc 50.0% 1.0s val_loss 0.2500 val_acc 87.5%',
    );
    expect(s.text()).not.toContain('\r');
  });

  it('prints each tenth once even when a tick jumps several', () => {
    const s = fakeStream(false);
    const bar = new ProgressBar({ total: 10, stream: s, now: () => 0 });
    bar.tick(5);
    bar.tick(1);
    bar.tick(4);
    bar.done();
    expect(s.text().split('\n').filter(Boolean).map((l) => /\d+\/10/.exec(l)![0])).toEqual([
      '5/10',
      '6/10',
      '10/10',
    ]);
  });

  it('shows running means weighted by step count, or the latest values', () => {
    const bar = new ProgressBar({ total: 10, stream: fakeStream(false), now: () => 0 });
    bar.tick(1, { loss: 1 });
    bar.tick(3, { loss: 3 });
    expect(bar.metrics).toEqual({ loss: 2.5 });
    const last = new ProgressBar({ total: 10, stream: fakeStream(false), now: () => 0, average: false });
    last.tick(1, { loss: 1 });
    last.tick(3, { loss: 3 });
    expect(last.metrics).toEqual({ loss: 3 });
  });

  it('clamps the display when ticked past the total', () => {
    const s = fakeStream(true);
    const bar = new ProgressBar({ total: 3, stream: s, width: 3, now: () => 0 });
    bar.tick(5);
    expect(bar.current).toBe(5);
    expect(bar.line()).toBe('[###] 3/3 0.0s');
  });

  it('formats metrics and durations', () => {
    expect(formatMetric('acc', 0.98765)).toBe('acc 98.8%');
    expect(formatMetric('val_accuracy', 0.5)).toBe('val_accuracy 50.0%');
    expect(formatMetric('lr', 0.001)).toBe('lr 0.0010');
    expect(formatMetric('loss', Infinity)).toBe('loss infinity');
    expect(formatDuration(3149)).toBe('3.1s');
    expect(formatDuration(62_000)).toBe('1m02s');
    expect(formatDuration(3_723_000)).toBe('1h02m03s');
  });

  it('validates its arguments', () => {
    const stream = fakeStream(false);
    expect(() => new ProgressBar({ total: -1, stream })).toThrow(/total must be a non-negative integer, got -1/);
    expect(() => new ProgressBar({ total: 5, stream, width: 0 })).toThrow(/width must be a positive integer/);
    expect(() => new ProgressBar({ total: 5, stream: {} as never })).toThrow(/write/);
    const bar = new ProgressBar({ total: 5, stream });
    expect(() => bar.tick(-1)).toThrow(/non-negative integer n, got -1/);
    expect(() => bar.tick(1, { loss: '1' as never })).toThrow(/metric 'loss' must be a number, got string/);
    bar.done();
    expect(() => bar.tick()).toThrow(/after done/);
  });

  it('handles an empty pass', () => {
    const s = fakeStream(false);
    const bar = new ProgressBar({ total: 0, stream: s, width: 4, now: () => 0 });
    bar.done();
    expect(s.text()).toBe('[####] 0/0 0.0s\n');
  });
});
