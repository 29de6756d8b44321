/**
 * Putting a staged bundle in place under a prefix that the `checkpoint` state file may name, so
 * that the state file names a complete checkpoint at every instant, whenever the process dies.
 *
 * Replacing a checkpoint takes two renames (data, then index), and between them the prefix
 * holds new data with the old index. So when the state file names the prefix being replaced,
 * the old files are first hard-linked to a backup prefix `<prefix>.tempstate<n>` and the state
 * file is pointed there; only then are the new files renamed in, the state file written, and
 * the backup removed. A save killed at any step leaves the state file naming either the old
 * checkpoint (under its own name or the backup's) or the new one, each complete. Backups and
 * temporary files left by a killed save are removed by the next save (`removeStaleTempFiles`).
 */
import { fsp, path } from '../platform/node-builtins.js';
import { type StagedBundle, backupPrefix, dataFilename, keepBackup, metaFilename, tempName } from './bundle.js';
import { pathExists, releaseTemp, saveStep } from './io.js';
import {
  DEFAULT_STATE_FILENAME,
  atomicWriteFile,
  formatCheckpointState,
  parseCheckpointState,
  pyJoin,
  readStateFileSync,
} from './state.js';

export interface CommitCheckpointOptions {
  /** Directory of the state file (the prefix's directory). */
  stateDir: string;
  /** Name of the state file (default `checkpoint`). */
  latestFilename?: string;
  /**
   * Write the state file once the bundle is in place; without it, a state file changed on the
   * way gets its earlier text back.
   */
  writeState?: () => Promise<void>;
}

// bound at call time: fsp is loaded on first use (src/platform), not when this module loads
const nodeLinks = {
  link: (...a: Parameters<typeof fsp.link>) => fsp.link(...a),
  copyFile: (...a: Parameters<typeof fsp.copyFile>) => fsp.copyFile(...a),
};


async function unlinkQuietly(p: string): Promise<void> {
  await fsp.unlink(p).catch(() => undefined);
}

/**
 * The state file's text with every path that names `prefix` renamed to `backup`, or null when
 * the state file does not name `prefix` as its newest checkpoint.
 */
function redirectedState(text: string | null, dir: string, prefix: string, backup: string): string | null {
  if (text === null) return null;
  let state;
  try {
    state = parseCheckpointState(text);
  } catch {
    return null; // unreadable: latestCheckpoint finds nothing there to protect
  }
  const target = path.resolve(prefix);
  const names = (written: string): boolean => written !== '' && path.resolve(pyJoin(dir, written)) === target;
  if (!names(state.modelCheckpointPath)) return null;
  const suffix = backup.slice(prefix.length);
  const move = (w: string): string => (names(w) ? w + suffix : w);
  return formatCheckpointState({
    ...state,
    modelCheckpointPath: move(state.modelCheckpointPath),
    allModelCheckpointPaths: state.allModelCheckpointPaths.map(move),
  });
}

/** Put `from`'s files back under `to` (link to a temporary name, then rename over), leaving `from` intact. */
async function restoreFiles(from: string, to: string): Promise<void> {
  for (const [src, dst] of [
    [dataFilename(from, 0, 1), dataFilename(to, 0, 1)],
    [metaFilename(from), metaFilename(to)],
  ] as const) {
    const tmp = await keepBackup(nodeLinks, src, tempName(dst));
    if (tmp === null) continue;
    try {
      await fsp.rename(tmp, dst);
    } finally {
      releaseTemp(tmp);
    }
  }
}

/**
 * Rename `staged` into place and write the state file (see the file comment). On failure the
 * prefix and the state file are put back as they were, in an order that keeps the state file
 * naming a complete checkpoint throughout, and the error is rethrown. Where even that fails,
 * what the state file names is left alone.
 */
export async function commitCheckpoint(staged: StagedBundle, o: CommitCheckpointOptions): Promise<void> {
  const prefix = staged.prefix;
  const stateFile = pyJoin(o.stateDir, o.latestFilename ?? DEFAULT_STATE_FILENAME);
  const stateText = readStateFileSync(o.stateDir, o.latestFilename);

  let backup: string | null = null;
  let redirect: string | null = null; // the state file's text naming the backup, once written
  let committed = false;
  let stateTouched = false;

  const removeBackup = async (): Promise<void> => {
    if (backup === null) return;
    await unlinkQuietly(metaFilename(backup));
    await unlinkQuietly(dataFilename(backup, 0, 1));
    releaseTemp(metaFilename(backup));
    releaseTemp(dataFilename(backup, 0, 1));
  };
  /** Give the state file this text (null: no state file), unless it has it; false when that failed. */
  const writeStateText = async (text: string | null): Promise<boolean> => {
    if (readStateFileSync(o.stateDir, o.latestFilename) === text) return true;
    try {
      if (text !== null) await atomicWriteFile(stateFile, text);
      else await fsp.unlink(stateFile).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      return true;
    } catch {
      return false;
    }
  };
  const undoFiles = async (): Promise<void> => {
    if (backup !== null) await restoreFiles(backup, prefix);
    else {
      await unlinkQuietly(metaFilename(prefix));
      await unlinkQuietly(dataFilename(prefix, 0, 1));
    }
  };
  const rollback = async (): Promise<void> => {
    if (!committed) {
      await staged.abort();
      if (redirect === null || (await writeStateText(stateText))) await removeBackup();
      return;
    }
    if (redirect !== null) {
      // Back to the backup while the old files return, then to the old text.
      if (stateTouched && !(await writeStateText(redirect))) return;
      await undoFiles();
      if (await writeStateText(stateText)) await removeBackup();
    } else {
      if (stateTouched && !(await writeStateText(stateText))) return;
      await undoFiles();
      await removeBackup();
    }
  };

  try {
    // 1. Keep the checkpoint being replaced under a backup prefix.
    if ((await pathExists(metaFilename(prefix))) && (await pathExists(dataFilename(prefix, 0, 1)))) {
      backup = backupPrefix(prefix);
      await keepBackup(nodeLinks, dataFilename(prefix, 0, 1), dataFilename(backup, 0, 1));
      await saveStep('save:backup-data-linked');
      await keepBackup(nodeLinks, metaFilename(prefix), metaFilename(backup));
      await saveStep('save:backup-index-linked');
    }
    // 2. Point the state file at the backup while the prefix is being replaced.
    const text = backup === null ? null : redirectedState(stateText, o.stateDir, prefix, backup);
    if (text !== null) {
      redirect = text;
      await atomicWriteFile(stateFile, text);
      await saveStep('save:state-redirected');
    }
    // 3. The new files (a failure in there puts the old ones back).
    await staged.commit();
    committed = true;
    // 4. The state file.
    stateTouched = true;
    if (o.writeState !== undefined) await o.writeState();
    else if (redirect !== null) await atomicWriteFile(stateFile, stateText!);
    await saveStep('save:state-written');
  } catch (e) {
    await rollback().catch(() => undefined);
    throw e;
  }
  // 5. The backup is no longer named anywhere.
  await removeBackup();
}
