import type { CodeLens } from 'vscode-languageserver';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateAtRevision } from '../engine/estimateFile';
import { headCommit } from '../engine/revision';
import { diffEstimates } from '../engine/sizeDiff';
import type { DockerfileModel } from '../model/model';
import type { ImageSizeEstimate } from '../size/estimate';
import { formatDelta } from '../size/format';
import { showSizeBreakdownCommand } from './codeLens';

/** Git must answer within this for the lens; the editor never waits on it (the lens appears when ready). */
const gitTimeoutMs = 5_000;

interface HeadState {
  /** The document version HEAD was last checked for. */
  version: number;
  /** The HEAD commit the estimate below is of; undefined outside a repository or when git failed. */
  commit: string | undefined;
  /** The shipped image at HEAD; undefined when the file or its FROM did not exist there. */
  atHead: ImageSizeEstimate | undefined;
  /** The running check, if any. */
  checking: Promise<void> | undefined;
  /** When HEAD was last looked up (ms): a commit changes HEAD without an edit, so it is looked up again after a while. */
  checkedAt: number;
}

/** How long a HEAD lookup stands for an unchanged document: a commit shows within this on the next lens request. */
const headRecheckMs = 30_000;

/**
 * The "+120 MB since HEAD" lens on the shipped FROM: the estimate of the same Dockerfile and build
 * context at HEAD, made off the typing path (git runs after the lens request returned, with a deadline)
 * and kept per HEAD commit; HEAD is looked up again once per document version. Never throws.
 */
export class SizeSinceHead {
  private readonly states = new Map<string, HeadState>();

  /** `onChanged` is called when a HEAD estimate arrived or went away, so lenses are asked for again. */
  constructor(
    private readonly onChanged: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the HEAD check a lens request started for `uri` has ended (tests, benchmarks). */
  async settled(uri: string): Promise<void> {
    await this.states.get(uri)?.checking;
  }

  lenses(
    uri: string,
    version: number,
    model: DockerfileModel,
    estimate: ImageSizeEstimate,
    trusted: boolean,
  ): CodeLens[] {
    // Git reads the repository's config (fsmonitor, filters): only in a trusted workspace, only for files on disk.
    if (!trusted || !uri.startsWith('file:')) return [];
    let state = this.states.get(uri);
    if (!state) {
      state = { version: -1, commit: undefined, atHead: undefined, checking: undefined, checkedAt: 0 };
      this.states.set(uri, state);
    }
    const stale = state.version !== version || this.now() - state.checkedAt > headRecheckMs;
    if (stale && !state.checking) {
      state.version = version;
      state.checkedAt = this.now();
      state.checking = this.check(uri, state).finally(() => {
        state.checking = undefined;
      });
    }
    if (!state.atHead) return [];
    const diff = diffEstimates(state.atHead, estimate);
    const after = diff.shipped.after;
    // Unchanged since HEAD (or no figure to compare) says nothing worth a line.
    if (!diff.shipped.diskDelta || !after || !diff.shipped.before) return [];
    const range = model.stages[after.index]?.from.range;
    if (!range) return [];
    const lowerBound = diff.approximate ? ' (counted layers)' : '';
    return [
      {
        range: { start: range.start, end: range.start },
        command: {
          title: `${formatDelta(diff.shipped.diskDelta)} since HEAD${lowerBound}`,
          command: showSizeBreakdownCommand,
          arguments: [uri, after.index],
        },
      },
    ];
  }

  forget(uri: string): void {
    this.states.delete(uri);
  }

  private async check(uri: string, state: HeadState): Promise<void> {
    try {
      const path = fileURLToPath(uri);
      const commit = await headCommit(dirname(path), { timeoutMs: gitTimeoutMs });
      if (commit === state.commit) return;
      const atHead = commit
        ? (await estimateAtRevision(path, dirname(path), commit, { timeoutMs: gitTimeoutMs })).estimate
        : undefined;
      if (this.states.get(uri) !== state) return;
      state.commit = commit;
      state.atHead = atHead;
      this.onChanged();
    } catch {
      // Not a repository, git missing or too slow, a context git cannot archive: no lens, nothing else.
      if (state.atHead) {
        state.atHead = undefined;
        state.commit = undefined;
        this.onChanged();
      }
    }
  }
}
