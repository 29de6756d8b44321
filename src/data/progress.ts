/**
 * A terminal progress bar for training loops:
 *
 *     epoch 1/5 [#####.....] 120/469 loss 0.3412 acc 91.2% 3.1s
 *
 * On a TTY the line is redrawn in place with `\r`; otherwise (CI logs, files) one line is written
 * each time another tenth of the total is reached, plus the final line from `done()`.
 */

export type Metrics = Record<string, number>;

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Number of steps in one pass (e.g. batches per epoch). */
  total: number;
  /** Text in front of the bar, e.g. `epoch 1/5`. */
  label?: string;
  /** Where to draw (default process.stdout). */
  stream?: ProgressStream;
  /** Characters inside the brackets (default 30). */
  width?: number;
  /**
   * Show the running mean of each metric over the ticks so far, weighted by each tick's step
   * count (default, as Keras does), or false to show the latest values.
   */
  average?: boolean;
  /** Least milliseconds between TTY redraws (default 50); the last step always draws. */
  minIntervalMs?: number;
  /** Clock in milliseconds (default performance.now); for tests. */
  now?: () => number;
}

function isPercentMetric(name: string): boolean {
  return /(^|_)acc(uracy)?$/.test(name);
}

export function formatMetric(name: string, value: number): string {
  if (!Number.isFinite(value)) return `${name} ${String(value).toLowerCase()}`;
  return isPercentMetric(name) ? `${name} ${(value * 100).toFixed(1)}%` : `${name} ${value.toFixed(4)}`;
}

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${sec}s` : `${m}m${sec}s`;
}

export class ProgressBar {
  readonly total: number;
  readonly label: string;
  private readonly stream: ProgressStream;
  private readonly width: number;
  private readonly average: boolean;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly start: number;
  private count = 0;
  private readonly sums = new Map<string, { sum: number; weight: number; last: number }>();
  private lastDraw = -Infinity;
  private lastDecile = 0;
  private drawnWidth = 0;
  private finished = false;

  constructor(options: ProgressBarOptions) {
    const {
      total,
      label = '',
      stream = process.stdout,
      width = 30,
      average = true,
      minIntervalMs = 50,
      now = () => performance.now(),
    } = options;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
      throw new RangeError(`ProgressBar: total must be a non-negative integer, got ${String(total)}`);
    }
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) {
      throw new RangeError(`ProgressBar: width must be a positive integer, got ${String(width)}`);
    }
    if (typeof stream?.write !== 'function') {
      throw new TypeError('ProgressBar: stream must have a write(string) method');
    }
    this.total = total;
    this.label = String(label);
    this.stream = stream;
    this.width = width;
    this.average = average;
    this.minIntervalMs = minIntervalMs;
    this.now = now;
    this.tty = stream.isTTY === true;
    this.start = now();
  }

  /** Steps done so far (may exceed total; the bar shows at most total). */
  get current(): number {
    return this.count;
  }

  /** The metrics as displayed (running means, or latest values with `average: false`). */
  get metrics(): Metrics {
    const out: Metrics = {};
    for (const [k, m] of this.sums) {
      out[k] = this.average ? (m.weight > 0 ? m.sum / m.weight : m.last) : m.last;
    }
    return out;
  }

  /** Advance by `n` steps (default 1) and record this step's metrics. */
  tick(n = 1, metrics: Metrics = {}): void {
    if (this.finished) throw new Error('ProgressBar: tick() after done()');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new RangeError(`ProgressBar: tick(n) needs a non-negative integer n, got ${String(n)}`);
    }
    this.count += n;
    for (const [k, v] of Object.entries(metrics)) {
      if (typeof v !== 'number') {
        throw new TypeError(`ProgressBar: metric '${k}' must be a number, got ${typeof v}`);
      }
      const m = this.sums.get(k) ?? { sum: 0, weight: 0, last: v };
      m.sum += v * n;
      m.weight += n;
      m.last = v;
      this.sums.set(k, m);
    }
    const shown = Math.min(this.count, this.total);
    if (this.tty) {
      const t = this.now();
      if (shown === this.total || t - this.lastDraw >= this.minIntervalMs) {
        this.lastDraw = t;
        this.redraw(this.line());
      }
    } else if (this.total > 0 && shown < this.total) {
      // Full lines in logs: one per tenth reached; 100 % is left to done().
      const decile = Math.floor((shown * 10) / this.total);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(this.line() + '\n');
      }
    }
  }

  /**
   * Finish: draw the full line once more, followed by `summary` (text, or metrics such as
   * `{ val_acc: 0.97 }` formatted like the others), and end it with a newline.
   */
  done(summary?: string | Metrics): void {
    if (this.finished) return;
    this.finished = true;
    let line = this.line();
    if (typeof summary === 'string' && summary !== '') line += ` ${summary}`;
    else if (summary !== undefined && typeof summary === 'object') {
      for (const [k, v] of Object.entries(summary)) line += ` ${formatMetric(k, v)}`;
    }
    if (this.tty) this.redraw(line);
    else this.stream.write(line);
    this.stream.write('\n');
  }

  /** The current line, without any `\r` or newline. */
  line(): string {
    const shown = Math.min(this.count, this.total);
    const frac = this.total === 0 ? 1 : shown / this.total;
    const filled = Math.floor(frac * this.width);
    const parts: string[] = [];
    if (this.label !== '') parts.push(this.label);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}]`);
    const digits = String(this.total).length;
    parts.push(`${String(shown).padStart(digits)}/${this.total}`);
    for (const [k, v] of Object.entries(this.metrics)) parts.push(formatMetric(k, v));
    parts.push(formatDuration(this.now() - this.start));
    return parts.join(' ');
  }

  private redraw(line: string): void {
    const cols = this.stream.columns;
    // A line wider than the terminal wraps, and `\r` would then only rewind the last row.
    const text = cols !== undefined && cols > 1 && line.length >= cols ? line.slice(0, cols - 1) : line;
    const pad = this.drawnWidth > text.length ? ' '.repeat(this.drawnWidth - text.length) : '';
    this.stream.write(`\r${text}${pad}`);
    this.drawnWidth = text.length;
  }
}
