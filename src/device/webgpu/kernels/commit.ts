/**
 * Internal (not a plan primitive): the end-of-run copy of a value into a variable, done on the
 * GPU only when no step of the run recorded an error, so a failed run changes no variable
 * without waiting for the error flags to reach the host.
 */
import { main1d } from './wgsl.js';

export const COMMIT_KEY = 'commit';

export function commitBody(): string {
  return main1d(`  for (var s = 0u; s < P.slots; s = s + 1u) {
    if (errs[s * P.slotWords] != 0u) { return; }
  }
  dst[i] = src[i];`);
}
