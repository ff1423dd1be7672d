import type { DockerfileModel, Instruction } from './model';
import { inheritanceChain } from './model';

/** What decides how the shipped image runs; fixes and conversions must leave it as it was. */
export interface RuntimeConfig {
  CMD?: string;
  ENTRYPOINT?: string;
  USER?: string;
  WORKDIR: string[];
  ENV: string[];
  EXPOSE: string[];
}

/** The runtime configuration of the shipped stage, inherited stages included, arguments as written. */
export function runtimeConfig(model: DockerfileModel): RuntimeConfig {
  const config: RuntimeConfig = { WORKDIR: [], ENV: [], EXPOSE: [] };
  if (!model.shipped) return config;
  for (const stage of inheritanceChain(model.shipped).reverse()) {
    for (const instruction of stage.instructions) {
      const value = model.text.slice(model.lines.offsetAt(instruction.keywordRange.end), instruction.end).trim();
      switch (instruction.keyword) {
        case 'CMD':
        case 'ENTRYPOINT':
        case 'USER':
          config[instruction.keyword] = value;
          break;
        case 'WORKDIR':
        case 'ENV':
        case 'EXPOSE':
          config[instruction.keyword].push(value);
          break;
      }
    }
  }
  return config;
}

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'fish', 'ksh', 'pwsh', 'powershell', 'cmd', 'cmd.exe']);

/**
 * True for an image that is a build or development environment rather than an application: it has no
 * program of its own to run (no CMD/ENTRYPOINT, a bare shell, `sleep infinity`, a `/build.sh` entrypoint)
 * or it is an ONBUILD base whose triggers build the application in images FROM it.
 */
export function isEnvironmentImage(layers: Instruction[]): boolean {
  return !runsAProgram(layers) || layers.some((instruction) => instruction.keyword === 'ONBUILD');
}

/** True when the stage's image starts a program of its own: a CMD or ENTRYPOINT that is not a bare shell. */
function runsAProgram(layers: Instruction[]): boolean {
  const start = layers.filter((instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT');
  const wordsOf = (instruction: Instruction | undefined) =>
    (instruction?.args ?? [])
      .map((arg) => arg.value.replace(/[[\]"]/g, '').replace(/,$/, ''))
      .filter((word) => word !== '' && word !== '-l' && word !== '-i');
  // `ENTRYPOINT []` clears the entrypoint: CMD decides then.
  const entrypoint = wordsOf(start.filter((instruction) => instruction.keyword === 'ENTRYPOINT').pop());
  const words =
    entrypoint.length > 0 ? entrypoint : wordsOf(start.filter((instruction) => instruction.keyword === 'CMD').pop());
  if (words.length === 0) return false;
  const program = words[0]?.split('/').pop() ?? '';
  if (words.length === 1 && shells.has(program)) return false;
  // `sleep infinity` / `tail -f /dev/null` keep a dev container alive; `/build.sh` runs a builder.
  if (program === 'sleep' || (program === 'tail' && words.includes('/dev/null'))) return false;
  return !/^(build|compile|package)([-_.]|$)/.test(program);
}
