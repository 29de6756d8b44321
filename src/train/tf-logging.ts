/**
 * `tf.logging` (TF 1.15's `tf.compat.v1.logging`): `info`, `warning`, `error`, `debug`, `fatal`
 * and `log(level, ...)` write `LEVEL:tensorflow:message` lines to stderr when the level is at
 * least the verbosity (`setVerbosity`, default `WARN`, as in TF). Messages take Python's
 * `%s`/`%d`/`%g`/`%r`/`%.Nf` arguments (`info('loss = %s', loss)`).
 */
import { ValueError } from '../errors.js';

export const DEBUG = 10;
export const INFO = 20;
export const WARN = 30;
export const ERROR = 40;
export const FATAL = 50;

const names: Record<number, string> = { 10: 'DEBUG', 20: 'INFO', 30: 'WARNING', 40: 'ERROR', 50: 'FATAL' };
let verbosity = WARN;

export function setVerbosity(v: number): void {
  if (!Number.isFinite(v)) throw new TypeError(`Unknown level: ${String(v)}`);
  verbosity = v;
}
export function getVerbosity(): number {
  return verbosity;
}

/** Python's `msg % args` for the conversions TF's log lines use. */
export function format(msg: string, ...args: unknown[]): string {
  if (args.length === 0) return msg;
  let i = 0;
  return msg.replace(/%(\.\d+)?([sdrgfi%])/g, (m, prec: string | undefined, c: string) => {
    if (c === '%') return '%';
    const v = args[i++];
    switch (c) {
      case 'd':
      case 'i':
        return String(Math.trunc(Number(v)));
      case 'f':
        return Number(v).toFixed(prec ? Number(prec.slice(1)) : 6);
      case 'g': {
        const x = Number(v);
        const p = prec ? Number(prec.slice(1)) : 6;
        if (x === 0 || !Number.isFinite(x)) return String(x).replace('Infinity', 'inf');
        const e = Math.floor(Math.log10(Math.abs(x)));
        if (e < -4 || e >= p) {
          const [mant, exp] = x.toExponential(p - 1).split('e');
          const mm = mant!.includes('.') ? mant!.replace(/\.?0+$/, '') : mant!;
          const n = Number(exp);
          return `${mm}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
        }
        const s = x.toFixed(Math.max(0, p - 1 - e));
        return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
      }
      default:
        return v === undefined ? m : String(v);
    }
  });
}

export function log(level: number, msg: string, ...args: unknown[]): void {
  if (level < verbosity) return;
  console.error(`${names[level] ?? `Level ${level}`}:tensorflow:${format(String(msg), ...args)}`);
}
export const debug = (msg: string, ...args: unknown[]): void => log(DEBUG, msg, ...args);
export const info = (msg: string, ...args: unknown[]): void => log(INFO, msg, ...args);
export const warning = (msg: string, ...args: unknown[]): void => log(WARN, msg, ...args);
export const warn = warning;
export const error = (msg: string, ...args: unknown[]): void => log(ERROR, msg, ...args);
export const fatal = (msg: string, ...args: unknown[]): void => log(FATAL, msg, ...args);

const firstN = new Map<string, number>();
/** `log_first_n(level, msg, n, *args)`: the first `n` times this message is logged. */
export function logFirstN(level: number, msg: string, n: number, ...args: unknown[]): void {
  const c = firstN.get(msg) ?? 0;
  if (c >= n) return;
  firstN.set(msg, c + 1);
  log(level, msg, ...args);
}

/** The caller's file and line (TF keys log_every_n's counts by call site, `_GetFileAndLine`). */
function callSite(): string {
  const lines = (new Error().stack ?? '').split('\n');
  // [0] 'Error', [1] callSite, [2] logEveryN, [3] its caller
  return lines[3]?.trim() ?? '';
}
const everyN = new Map<string, number>();
/** `log_every_n(level, msg, n, *args)`: the 1st, (n+1)th, (2n+1)th, … call from one place logs. */
export function logEveryN(level: number, msg: string, n: number, ...args: unknown[]): void {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`n must be a positive integer, got ${String(n)}`);
  const site = callSite();
  const count = everyN.get(site) ?? 0;
  everyN.set(site, count + 1);
  if (count % n === 0) log(level, msg, ...args);
}
/** `log_if(level, msg, condition, *args)`: logs when `condition` holds. */
export function logIf(level: number, msg: string, condition: unknown, ...args: unknown[]): void {
  if (condition) log(level, msg, ...args);
}
/** `vlog(level, msg, *args)`: `log` at a numeric level (TF's get_logger().log). */
export function vlog(level: number, msg: string, ...args: unknown[]): void {
  log(level, msg, ...args);
}
/** `TaskLevelStatusMessage(msg)`: an ERROR-level line, as TF writes it. */
export function TaskLevelStatusMessage(msg: string): void {
  error(msg);
}
/** `flush()`: resolves once the lines written so far have left the process's stderr buffer. */
export function flush(): Promise<void> {
  const err = (globalThis as { process?: { stderr?: { write(s: string, cb: () => void): boolean } } }).process?.stderr;
  if (!err) return Promise.resolve();
  return new Promise((resolve) => err.write('', () => resolve()));
}
