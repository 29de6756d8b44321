/**
 * `tf.app` (TF 1.15 platform/app.py over absl.app): `run(main, argv)` parses the flags of argv
 * (default: the process's, the script as argv[0]; empty in a browser) tolerating flags nobody
 * defined, as TF 1.15's `_parse_flags_tolerate_undef` does, then calls `main(rest)` with argv[0]
 * and what was not a flag, and sets `process.exitCode` from what main returns (absl's
 * `sys.exit(main(argv))`: nothing is 0, a number is that code). An error of main rejects the
 * returned promise, as absl lets it propagate. `--help` prints the flags' usage instead (exit code
 * 1, as absl's help flag exits).
 */
import { FLAGS } from './flags.js';

export * as flags from './flags-namespace.js';

type Main = (argv: string[]) => unknown;

/** `tf.app.run(main=None, argv=None)`. */
export async function run(main?: Main | null, argv?: readonly string[] | null): Promise<void> {
  if (typeof main !== 'function') {
    throw new TypeError('tf.app.run(main, argv): main must be given (JavaScript has no __main__ module to find a main function in)');
  }
  const p = (globalThis as { process?: { argv?: string[]; exitCode?: number | string } }).process;
  const args = argv ?? (Array.isArray(p?.argv) ? p.argv.slice(1) : []);
  // absl's help flags (--help, -?, --helpshort, --helpfull): the usage on stdout, exit code 1, main not called
  const flagArgs = args.slice(1, args.indexOf('--') >= 0 ? args.indexOf('--') : undefined);
  if (flagArgs.some((a) => /^--?(help|\?|helpshort|helpfull)(=(true|t|1))?$/.test(a))) {
    console.log(`USAGE: ${args[0] ?? ''} [flags]\nflags:\n\n${FLAGS.help()}\n\nTry --helpfull to get a list of all flags.`);
    if (p) p.exitCode = 1;
    return;
  }
  const rest = args.length > 0 ? FLAGS(args, { knownOnly: true }) : (FLAGS.markAsParsed(), []);
  const code = await main(rest);
  if (p) {
    if (code === undefined || code === null) p.exitCode = 0;
    else if (typeof code === 'number') p.exitCode = code;
    // absl's sys.exit('message') prints the message and exits 1
    else {
      console.error(String(code));
      p.exitCode = 1;
    }
  }
}
