import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Io } from './main';
import { UsageError } from './main';
import { readDockerfile } from './files';

export interface DockerfileInput {
  /** Absolute path of the Dockerfile. */
  file: string;
  text: string;
  /** Absolute path of the build context folder (the Dockerfile's folder unless --context says otherwise). */
  contextDir: string;
}

/** Reads the one Dockerfile a subcommand works on and checks its build context; usage errors otherwise. */
export function readDockerfileInput(
  io: Io,
  command: string,
  positionals: string[],
  context: string | undefined,
): DockerfileInput {
  if (positionals.length !== 1)
    throw new UsageError(`${command} takes exactly one Dockerfile (see layerlens ${command} --help)`);
  const file = resolve(io.cwd, positionals[0]);
  const read = readDockerfile({ path: file });
  if (!read.ok) throw new UsageError(read.message);
  const text = read.text;
  const contextDir = resolve(io.cwd, context ?? dirname(file));
  let isFolder = false;
  try {
    isFolder = statSync(contextDir).isDirectory();
  } catch {
    // Missing: reported below like a file.
  }
  if (!isFolder) throw new UsageError(`the build context ${contextDir} is not a folder`);
  return { file, text, contextDir };
}
