import { memoOn } from './memo';
import type { DocumentWord, RunCommand, RunInfo } from './model';

/** Wrappers that run another command: `sudo apt-get …`, `env X=1 make`, `nice -n 5 make`. */
const wrappers = new Set([
  'sudo',
  'env',
  'nice',
  'nohup',
  'time',
  'exec',
  'command',
  'doas',
  'su-exec',
  'gosu',
  'chroot',
  'eatmydata',
]);
/** Wrappers whose first operand is not the command (user for gosu/su-exec, root dir for chroot). */
const wrappersWithOperand = new Set(['gosu', 'su-exec', 'chroot']);

/** A command seen through its wrappers, with its program's base name. */
export interface EffectiveCommand {
  /** Base name of the program: `/usr/bin/apt-get` → `apt-get`, `./gradlew` → `gradlew`. */
  program: string;
  nameWord: DocumentWord;
  args: DocumentWord[];
  command: RunCommand;
}

export function programName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

// Every rule looks at commands through their wrappers; the model is immutable, so compute it once per command.
const effectiveKey = Symbol('effective');

export function effectiveCommand(command: RunCommand): EffectiveCommand {
  return memoOn(command, effectiveKey, () => unwrap(command));
}

function unwrap(command: RunCommand): EffectiveCommand {
  let words = [command.nameWord, ...command.args];
  for (let guard = 0; guard < 4 && words.length > 0 && wrappers.has(programName(words[0].value)); guard++) {
    const wrapper = programName(words[0].value);
    let index = 1;
    // Skip the wrapper's options and, for env, variable assignments.
    while (
      index < words.length &&
      (words[index].value.startsWith('-') || (wrapper === 'env' && words[index].value.includes('=')))
    ) {
      const option = words[index].value;
      index++;
      if (wrapper === 'nice' && option === '-n') index++;
      if (wrapper === 'sudo' && (option === '-u' || option === '-g')) index++;
    }
    if (wrappersWithOperand.has(wrapper)) index++;
    if (index >= words.length) break;
    words = words.slice(index);
  }
  const [nameWord, ...args] = words;
  return { program: programName(nameWord.value), nameWord, args, command };
}

const effectiveRunKey = Symbol('effectiveCommands');

/**
 * The commands of a RUN seen through their wrappers (`sudo`, `env`…), computed once per parsed RUN: several
 * rules and the size estimator walk the same commands on every keystroke. Callers must not mutate it.
 */
export function effectiveCommandsOf(run: RunInfo): EffectiveCommand[] {
  return memoOn(run, effectiveRunKey, () => run.commands.map(effectiveCommand));
}

/** Arguments that are not options (`-y`, `--no-cache`); option values are not skipped. */
export function operands(args: readonly DocumentWord[]): DocumentWord[] {
  return args.filter((arg) => !arg.value.startsWith('-'));
}

export function hasOption(args: readonly DocumentWord[], ...names: string[]): boolean {
  return args.some((arg) => names.some((name) => arg.value === name || arg.value.startsWith(`${name}=`)));
}
