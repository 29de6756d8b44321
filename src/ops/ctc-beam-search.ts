/**
 * TF's CTC beam search (core/util/ctc/ctc_beam_search.h with the default scorer): a prefix tree
 * of label sequences, each entry holding log P(prefix ending in blank), P(ending in its label)
 * and their total at the current step; `beamWidth` leaves are kept, ordered by total. Each step's
 * logits enter as their log-softmax (TF's ctc_decoder_ops_test log probabilities follow it).
 */
import { InvalidArgumentError } from '../errors.js';

const LOG_ZERO = -Infinity;
function logSumExp(a: number, b: number): number {
  if (a === LOG_ZERO) return b;
  if (b === LOG_ZERO) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

interface Prob {
  total: number;
  blank: number;
  label: number;
}
const zeroProb = (): Prob => ({ total: LOG_ZERO, blank: LOG_ZERO, label: LOG_ZERO });

class Entry {
  newp: Prob = zeroProb();
  oldp: Prob = zeroProb();
  readonly children = new Map<number, Entry>();
  constructor(
    readonly parent: Entry | null,
    readonly label: number,
  ) {}
  active(): boolean {
    return this.newp.total !== LOG_ZERO;
  }
  child(label: number): Entry {
    let c = this.children.get(label);
    if (!c) this.children.set(label, (c = new Entry(this, label)));
    return c;
  }
  labelSeq(mergeRepeated: boolean): number[] {
    const out: number[] = [];
    let prev = -1;
    for (let e: Entry | null = this; e !== null && e.parent !== null; e = e.parent) {
      if (!mergeRepeated || e.label !== prev) out.push(e.label);
      prev = e.label;
    }
    return out.reverse();
  }
}

/** The kept leaves (TF's gtl::TopN by newp.total): best first; among equal totals, earlier pushes first. */
class Leaves {
  items: Entry[] = [];
  constructor(readonly limit: number) {}
  get size(): number {
    return this.items.length;
  }
  /** The entry ranked last. */
  bottom(): Entry {
    let b = this.items[0]!;
    for (const e of this.items) if (e.newp.total <= b.newp.total) b = e;
    return b;
  }
  push(e: Entry): void {
    if (this.items.length < this.limit) {
      this.items.push(e);
      return;
    }
    const b = this.bottom();
    if (e.newp.total > b.newp.total) {
      this.items.splice(this.items.indexOf(b), 1);
      this.items.push(e);
    }
  }
  /** All entries, best first (stable among ties), leaving none. */
  extract(): Entry[] {
    const out = this.items.map((e, i) => [e, i] as const).sort((a, b) => b[0].newp.total - a[0].newp.total || a[1] - b[1]).map(([e]) => e);
    this.items = [];
    return out;
  }
}

export interface DecodedPath {
  labels: number[];
  logProb: number;
}

/** The `topPaths` best label sequences of one batch entry from its steps' logits ([T][C], blank C-1). */
export function beamSearchDecode(steps: readonly Float64Array[], numClasses: number, beamWidth: number, topPaths: number, mergeRepeated: boolean, opName: string): DecodedPath[] {
  const blank = numClasses - 1;
  const root = new Entry(null, -1);
  root.newp.total = 0;
  root.newp.blank = 0;
  const leaves = new Leaves(beamWidth);
  leaves.push(root);
  for (const x of steps) {
    // TF's kernel takes the step's log-softmax of the logits
    let m = -Infinity;
    for (let c = 0; c < numClasses; c++) m = Math.max(m, x[c]!);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp(x[c]! - m);
    const maxCoeff = m + Math.log(sum);
    const branches = leaves.extract();
    for (const b of branches) b.oldp = { ...b.newp };
    for (const b of branches) {
      if (b.parent !== null) {
        if (b.parent.active()) {
          const previous = b.label === b.parent.label ? b.parent.oldp.blank : b.parent.oldp.total;
          b.newp.label = logSumExp(b.newp.label, previous);
        }
        b.newp.label += x[b.label]! - maxCoeff;
      }
      b.newp.blank = b.oldp.total + x[blank]! - maxCoeff;
      b.newp.total = logSumExp(b.newp.blank, b.newp.label);
      leaves.push(b);
    }
    const isCandidate = (p: Prob): boolean => p.total > LOG_ZERO && (leaves.size < beamWidth || p.total > leaves.bottom().newp.total);
    for (const b of branches) {
      if (!isCandidate(b.oldp)) continue;
      for (let label = 0; label < numClasses - 1; label++) {
        const c = b.child(label);
        if (c.active()) continue;
        c.newp.blank = LOG_ZERO;
        const previous = c.label === b.label ? b.oldp.blank : b.oldp.total;
        c.newp.label = x[label]! - maxCoeff + previous;
        c.newp.total = c.newp.label;
        if (isCandidate(c.newp)) {
          if (leaves.size === beamWidth) leaves.bottom().newp = zeroProb();
          leaves.push(c);
        } else {
          c.oldp = zeroProb();
          c.newp = zeroProb();
        }
      }
    }
  }
  if (topPaths > beamWidth) throw new InvalidArgumentError('requested more paths than the beam width.', opName);
  if (topPaths > leaves.size) throw new InvalidArgumentError('Less leaves in the beam search than requested.', opName);
  const best = [...leaves.items].map((e, i) => [e, i] as const).sort((a, b) => b[0].newp.total - a[0].newp.total || a[1] - b[1]).slice(0, topPaths);
  return best.map(([e]) => ({ labels: e.labelSeq(mergeRepeated), logProb: e.newp.total }));
}
