import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** Git answers locally in milliseconds; a hung or huge repository must not hold the caller longer than this. */
export const defaultGitTimeoutMs = 10_000;

/** A Dockerfile and its build context as they were at a git revision, extracted into a temporary folder. */
export interface RevisionSnapshot {
  /** The full commit the revision names. */
  commit: string;
  /** The Dockerfile's text at that commit; null when it did not exist there. */
  text: string | null;
  /** The build context at that commit (a temporary folder; `dispose` removes it). */
  contextDir: string;
  /** The Dockerfile's path inside `contextDir` (the context may not contain it, as with `--context`). */
  dockerfile: string;
  dispose(): Promise<void>;
}

/** Why a revision could not be read, in one line (not a git repository, unknown revision, git missing). */
export class RevisionError extends Error {}

interface GitOptions {
  timeoutMs?: number;
}

/** Runs git with a deadline; resolves with stdout, rejects with git's first stderr line. */
export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: options.timeoutMs ?? defaultGitTimeoutMs,
        maxBuffer: 8 * 1024 * 1024,
        encoding: 'utf8',
        // Never prompt (credentials, pagers) and never read a global config's pager or hooks into the output.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : undefined;
        const killed = error.killed
          ? `git ${args[0]} took longer than ${(options.timeoutMs ?? defaultGitTimeoutMs) / 1000} s`
          : undefined;
        reject(new RevisionError(reason ?? killed ?? (stderr.split('\n')[0] || error.message)));
      },
    );
  });
}

/** The commit HEAD points at in the repository holding `dir`; undefined outside a repository or on any failure. */
export async function headCommit(dir: string, options: GitOptions = {}): Promise<string | undefined> {
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], options)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the Dockerfile and its build context at `revision` without touching the work tree or the index:
 * `git show` for the file, `git archive | tar -x` of the context folder into a temporary folder.
 */
export async function snapshotAt(
  dockerfile: string,
  contextDir: string,
  revision: string,
  options: GitOptions = {},
): Promise<RevisionSnapshot> {
  if (revision.startsWith('-')) throw new RevisionError(`"${revision}" is not a revision`);
  const top = (
    await git(contextDir, ['rev-parse', '--show-toplevel'], options).catch(() => {
      throw new RevisionError(`${contextDir} is not in a git repository`);
    })
  ).trim();
  const commit = (
    await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], options).catch(
      () => {
        throw new RevisionError(`unknown revision "${revision}"`);
      },
    )
  ).trim();
  const contextPath = toGitPath(relative(top, contextDir));
  const dockerfilePath = toGitPath(relative(top, dockerfile));
  if (contextPath.startsWith('..'))
    throw new RevisionError(`the build context ${contextDir} is outside the repository ${top}`);
  const text = dockerfilePath.startsWith('..')
    ? null
    : await git(top, ['show', `${commit}:${dockerfilePath}`], options).catch(() => null);
  const temp = await mkdtemp(join(tmpdir(), 'layerlens-revision-'));
  const dispose = () => rm(temp, { recursive: true, force: true });
  try {
    await extractArchive(top, commit, contextPath, temp, options.timeoutMs ?? defaultGitTimeoutMs);
  } catch (error) {
    await dispose();
    throw error;
  }
  const root = contextPath === '' ? temp : join(temp, ...contextPath.split('/'));
  return { commit, text, contextDir: root, dockerfile: join(temp, ...dockerfilePath.split('/')), dispose };
}

function toGitPath(path: string): string {
  return path.split(sep).join('/');
}

/** `git archive <commit> -- <path> | tar -x -C <into>`, both killed at the deadline; a missing path extracts nothing. */
function extractArchive(top: string, commit: string, path: string, into: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit, ...(path ? ['--', path] : [])], {
      cwd: top,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      archive.kill();
      tar.kill();
      reject(new RevisionError(`git archive took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let archiveCode: number | null | undefined;
    archive.on('error', () => undefined);
    tar.on('error', (error) => {
      clearTimeout(timer);
      reject(new RevisionError(`tar could not run: ${error.message}`));
    });
    archive.on('close', (code) => (archiveCode = code));
    tar.on('close', (code) => {
      clearTimeout(timer);
      // A context folder that did not exist at the commit: git archive fails on the pathspec, nothing is extracted.
      if (code === 0 || /did not match any files/.test(stderr)) resolve();
      else reject(new RevisionError(`git archive failed: ${stderr.split('\n')[0] || `exit ${archiveCode ?? code}`}`));
    });
  });
}
