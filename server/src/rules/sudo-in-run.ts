import { knownImageUser } from '../knowledge/imageUsers';
import { programName } from '../model/commands';
import type { DocumentWord, Instruction, RunCommand, Stage } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import type { Fix } from './types';
import { isRootUser, userNameOf, userSettingOf } from '../model/user';
import { defineRule } from './types';

/** Wrappers `sudo` may hide behind: `env FOO=1 sudo make install`, `nice sudo …`. */
const wrappers = new Set(['env', 'nice', 'nohup', 'time', 'exec', 'command', 'eatmydata']);

/** sudo options that change nothing for a command that already runs as root. */
const harmlessOptions = new Set(['-E', '-H', '-n', '-EH', '-HE', '--preserve-env', '--set-home', '--non-interactive']);

export const rule = defineRule({
  meta: {
    name: 'sudo-in-run',
    severity: 'warning',
    fixable: true,
    docs: {
      summary: 'A RUN calls `sudo`.',
      rationale:
        'RUN already runs as root unless a USER changed it, so sudo adds nothing there. Where it is needed because ' +
        'a USER switched away from root, it only works if the image carries the sudo package and a sudoers entry — ' +
        'which then let any process of the running container become root too — and it hides a privilege change ' +
        'that `USER root` … `USER app` around the RUN would show. The quick fix drops `sudo` when the RUN runs as ' +
        'root. `sudo -u user` in a root RUN only drops privileges and is informational. A stage that is not shipped ' +
        'gets a hint.',
      bad: 'FROM debian:bookworm-slim\nRUN sudo apt-get update && sudo apt-get install -y --no-install-recommends tini\nUSER nobody\n',
      good: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends tini\nUSER nobody\n',
    },
    messages: {
      asRoot: '`sudo` in a RUN that already runs as root: it adds nothing but the need for the sudo package. Drop it.',
      switchUser:
        '`sudo -u {{target}}` only drops to another user, yet needs the sudo package in the image. Run this RUN under `USER {{target}}` ' +
        '(and switch back after it), or use `setpriv`, `gosu` or `su-exec`.',
      asUser:
        '`sudo` in a RUN that runs as {{user}}. It needs the sudo package and a sudoers entry, which every process of the container can use too. ' +
        'Put `USER root` before this RUN and switch back after it.',
    },
    compat: { hadolint: ['DL3004'] },
  },
  check({ model, report }) {
    const shippedLayers = new Set<Instruction>(model.shipped ? layersOf(model.shipped) : []);
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        const run = instruction.run;
        if (!run || !run.posixShell) continue;
        let user: string | undefined;
        for (const command of run.commands) {
          const sudo = sudoWord(command);
          if (!sudo) continue;
          // Work out the user once per RUN, and only for RUNs that call sudo.
          user ??= userAt(stage, instruction);
          const severity = shippedLayers.has(instruction) ? undefined : 'hint';
          const target = targetUser(command, sudo);
          if (user === 'root' && target) {
            report({ messageId: 'switchUser', data: { target }, range: sudo.range, severity: severity ?? 'info' });
          } else if (user === 'root') {
            const fix = run.form === 'exec' ? undefined : dropSudo(command, sudo);
            report({ messageId: 'asRoot', range: sudo.range, fix, severity });
          } else {
            report({ messageId: 'asUser', data: { user }, range: sudo.range, severity });
          }
        }
      }
    }
  },
});

/** The `sudo` word of a command, directly or behind `env`/`nice`-style wrappers. */
function sudoWord(command: RunCommand): DocumentWord | undefined {
  const words = [command.nameWord, ...command.args];
  for (const word of words) {
    const program = programName(word.value);
    if (program === 'sudo') return word;
    if (word.value.startsWith('-') || word.value.includes('=') || wrappers.has(program)) continue;
    return undefined;
  }
  return undefined;
}

/** The user `sudo -u NAME` (or `--user=NAME`) switches to. */
function targetUser(command: RunCommand, sudo: DocumentWord): string | undefined {
  const words = [command.nameWord, ...command.args];
  for (let index = words.indexOf(sudo) + 1; index < words.length && words[index].value.startsWith('-'); index++) {
    const word = words[index].value;
    if (word === '-u' || word === '--user') return words[index + 1]?.value;
    if (word.startsWith('--user=')) return word.slice('--user='.length);
    if (/^-[a-zA-Z]*u/.test(word) && !word.startsWith('--')) {
      const rest = word.slice(word.indexOf('u') + 1);
      return rest !== '' ? rest : words[index + 1]?.value;
    }
  }
  return undefined;
}

/**
 * Who a RUN runs as: `root`, or how to name the user in a message. The last USER of the stage chain before
 * the RUN decides; without one, a base image the data knows as non-root (or as dropping root in its
 * entrypoint, which leaves RUN as root but cannot be told apart here) stays undecided.
 */
function userAt(stage: Stage, run: Instruction): string {
  const user = userSettingOf(stage, run)?.value;
  if (user === undefined) {
    const base = rootStage(stage);
    const known = base.image.isScratch ? undefined : knownImageUser(base.image);
    return known?.default ? "the base image's user" : 'root';
  }
  if (user.includes('$')) return 'the user a variable names';
  return isRootUser(user) ? 'root' : `\`${userNameOf(user)}\``;
}

/** Deletes `sudo` and its harmless options up to the command it runs; none when sudo switches user or asks for more. */
function dropSudo(command: RunCommand, sudo: DocumentWord): Fix | undefined {
  const words = [command.nameWord, ...command.args];
  let index = words.indexOf(sudo) + 1;
  while (index < words.length && words[index].value.startsWith('-')) {
    if (!harmlessOptions.has(words[index].value)) return undefined;
    index++;
  }
  const next = words[index];
  if (!next) return undefined;
  return { title: 'Remove sudo', edits: [{ range: { start: sudo.range.start, end: next.range.start }, newText: '' }] };
}
