import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const engineNames = ['docker', 'podman', 'buildah'] as const;
export type EngineName = (typeof engineNames)[number];

/** How to reach an engine: its name, and for buildah/podman an optional private storage. */
export interface Engine {
  name: EngineName;
  /** buildah/podman `--root` and `--runroot`: an image store of its own, so nothing lands in the machine's. */
  storage?: { root: string; runroot: string };
}

export interface RunOptions {
  /** Called with each line the command writes (stdout and stderr), as it comes. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  cwd?: string;
}

export interface CommandResult {
  code: number;
  output: string;
}

/** The command was cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Runs a command with the caller's environment (BUILDAH_ISOLATION and the like pass through untouched),
 * streaming its output line by line. Cancelling kills its whole process group.
 */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let pending = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      // Keep the tail only: a build log can be long, and errors are at the end.
      output = (output + text).slice(-200_000);
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const abort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (pending) options.onLine?.(pending);
      if (options.signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      resolvePromise({ code: code ?? 1, output });
    });
  });
}

/** The global flags that select the engine's storage. */
export function storageArgs(engine: Engine): string[] {
  if (!engine.storage || engine.name === 'docker') return [];
  return ['--root', engine.storage.root, '--runroot', engine.storage.runroot];
}

/** Whether an engine can build here: its CLI runs and, for docker, a daemon answers. */
export async function engineWorks(name: EngineName): Promise<boolean> {
  const probe: Record<EngineName, string[]> = {
    buildah: ['version'],
    podman: ['version', '--format', '{{.Client.Version}}'],
    // The docker CLI alone cannot build: ask the daemon for its version.
    docker: ['version', '--format', '{{.Server.Version}}'],
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const result = await runCommand(name, probe[name], { signal: controller.signal });
    return result.code === 0;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The engine to use: the preferred one when it works, else the first of docker, podman, buildah that does. */
export async function detectEngine(preferred?: EngineName): Promise<EngineName | undefined> {
  if (preferred) return (await engineWorks(preferred)) ? preferred : undefined;
  for (const name of engineNames) if (await engineWorks(name)) return name;
  return undefined;
}

export interface BuildRequest {
  dockerfile: string;
  context: string;
  tag: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** `never` for offline builds from local base images (the lab); the engine's default otherwise. */
  pull?: 'never';
}

/** The build command line, per engine's documented CLI. */
export function buildArgs(engine: Engine, request: BuildRequest): string[] {
  const args =
    engine.name === 'docker'
      ? ['build', '--progress=plain']
      : [...storageArgs(engine), engine.name === 'buildah' ? 'bud' : 'build', '--layers'];
  if (request.pull === 'never') args.push(engine.name === 'docker' ? '--pull=false' : '--pull=never');
  args.push('-f', request.dockerfile, '-t', request.tag);
  if (request.target) args.push('--target', request.target);
  for (const [name, value] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${name}=${value}`);
  args.push(request.context);
  return args;
}

export async function buildImage(engine: Engine, request: BuildRequest, options: RunOptions = {}): Promise<void> {
  const result = await runCommand(engine.name, buildArgs(engine, request), options);
  if (result.code !== 0) throw new EngineError(`${engine.name} build failed (exit ${result.code})`, result.output);
}

/**
 * Exports an image for reading: buildah writes an OCI layout folder (compressed layers, sizes in the
 * manifest), podman an OCI archive, docker a `docker save` archive. Returns the path written.
 */
export async function exportImage(
  engine: Engine,
  image: string,
  dir: string,
  options: RunOptions = {},
): Promise<string> {
  const target =
    engine.name === 'buildah' ? join(dir, 'oci') : join(dir, engine.name === 'podman' ? 'image.oci.tar' : 'image.tar');
  const args =
    engine.name === 'buildah'
      ? [...storageArgs(engine), 'push', '--quiet', image, `oci:${target}:latest`]
      : engine.name === 'podman'
        ? [...storageArgs(engine), 'save', '--format', 'oci-archive', '-o', target, image]
        : ['save', '-o', target, image];
  const result = await runCommand(engine.name, args, options);
  if (result.code !== 0)
    throw new EngineError(`${engine.name} could not export ${image} (exit ${result.code})`, result.output);
  return target;
}

/** An engine command failed; `log` has the end of its output. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
  }
}
