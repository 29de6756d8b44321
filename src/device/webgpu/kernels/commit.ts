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

export const ROW_COMMIT_KEY = 'rowCommit';

/**
 * The end-of-run write of rows into a variable (a sparse update): element `i` of `src` ([rows,
 * rowSize]) goes to row `idx[i / rowSize]` of `dst`. Rows of repeated indices are equal, so
 * concurrent writes agree. `checked`: skipped when any step of the run recorded an error.
 */
export function rowCommitBody(checked: boolean): string {
  const guard = checked
    ? `  for (var s = 0u; s < P.slots; s = s + 1u) {
    if (errs[s * P.slotWords] != 0u) { return; }
  }
`
    : '';
  return main1d(`${guard}  let r = i / P.rowSize;
  dst[u32(idx[r]) * P.rowSize + i % P.rowSize] = src[i];`);
}
