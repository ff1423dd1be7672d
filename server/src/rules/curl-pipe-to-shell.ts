import { effectiveCommandsOf, programName } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DocumentWord } from '../model/model';
import { defineRule } from './types';

const downloaders = new Set(['curl', 'wget']);
const shells = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/**
 * Interpreters that read a script from standard input unless given code inline or a script file; the
 * letters are their short options that take inline code (or a module) instead.
 */
const interpreters: Record<string, { code: string; valued: string }> = {
  python: { code: 'cm', valued: 'WX' },
  python2: { code: 'cm', valued: 'WX' },
  python3: { code: 'cm', valued: 'WX' },
  perl: { code: 'eE', valued: '' },
  ruby: { code: 'e', valued: '' },
  node: { code: 'ep', valued: 'r' },
  php: { code: 'rfR', valued: 'cd' },
};

/** Commands that run code given as an argument: `eval "$(curl …)"`, `source <(curl …)`. */
const evaluators = new Set(['eval', 'source', '.']);

export const rule = defineRule({
  meta: {
    name: 'curl-pipe-to-shell',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        'A RUN pipes a download straight into a shell or interpreter: `curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`, `sh -c "$(curl …)"`.',
      rationale:
        "The script runs with the build's privileges before anyone has seen it: a compromised or hijacked server, a " +
        'changed URL or a download cut off halfway (the shell runs the part it got) all end up executed, and the next ' +
        'build may run something else. Download to a file, verify its checksum (`sha256sum -c`) or signature, then ' +
        'run it; better, install a released, checksummed artifact or a distribution package. It is reported in every ' +
        'stage the shipped image is built from (what a builder runs decides what ships); a stage the build never ' +
        'reaches gets a hint.',
      bad: 'FROM debian:bookworm-slim\nRUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash - \\\n    && apt-get install -y nodejs\nUSER nobody\n',
      good:
        'FROM debian:bookworm-slim\nADD --checksum=sha256:0d8a1d8a6f1f4c6f3b0e2f43c5b8d7f1e3a4b5c6d7e8f90123456789abcdef01 https://deb.nodesource.com/setup_22.x /tmp/setup.sh\n' +
        'RUN bash /tmp/setup.sh && apt-get install -y nodejs && rm /tmp/setup.sh\nUSER nobody\n',
    },
    messages: {
      pipe:
        '`{{downloader}} … | {{runner}}` runs a downloaded script without checking it. Whatever the server sends (or the part of it that arrived) is executed. ' +
        'Download it to a file, verify its checksum or signature, then run it.',
      substitution:
        '`{{runner}}` runs what `{{downloader}}` downloads without checking it. Whatever the server sends is executed. ' +
        'Download it to a file, verify its checksum or signature, then run it.',
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      const severity = stage.reachable ? undefined : 'hint';
      for (const instruction of stage.instructions) {
        const run = instruction.run;
        if (!run || !run.posixShell || run.form === 'exec') continue;
        // Cheap gate: most RUNs download nothing.
        if (!run.commands.some((command) => downloaders.has(programName(command.name)) || command.name === 'sudo'))
          continue;
        const commands = effectiveCommandsOf(run);
        for (const download of commands) {
          if (!downloaders.has(download.program) || !writesToStdout(download)) continue;
          const pipeline = download.command.pipeline;
          const piped =
            pipeline === undefined
              ? undefined
              : commands.find(
                  (other) =>
                    other.command.pipeline === pipeline &&
                    other.command.start > download.command.start &&
                    readsScriptFromStdin(other),
                );
          const runner = piped ?? commands.find((other) => other !== download && runsArgumentHolding(other, download));
          if (!runner) continue;
          report({
            messageId: piped ? 'pipe' : 'substitution',
            data: { downloader: download.program, runner: runner.program },
            // A pipe is marked from the download to the shell; a substitution is the whole command holding it.
            range: model.lines.range((piped ? download : runner).nameWord.start, runner.command.end),
            severity,
          });
        }
      }
    }
  },
});

/** curl writes to stdout unless told to save (`-o file`, `-O`); wget only with `-O -`. */
function writesToStdout(command: EffectiveCommand): boolean {
  const words = command.args.map((arg) => arg.value);
  if (command.program === 'wget') {
    return words.some(
      (word, index) =>
        word === '--output-document=-' ||
        /^-[a-zA-Z]*O-$/.test(word) ||
        ((/^-[a-zA-Z]*O$/.test(word) || word === '--output-document') && words[index + 1] === '-'),
    );
  }
  for (const [index, word] of words.entries()) {
    if (word === '--remote-name' || word === '--remote-name-all' || word.startsWith('--output-dir')) return false;
    const target =
      word === '--output'
        ? words[index + 1]
        : word.startsWith('--output=')
          ? word.slice('--output='.length)
          : /^-[a-zA-Z]*o$/.test(word)
            ? words[index + 1]
            : undefined;
    if (target !== undefined && target !== '-' && target !== '/dev/stdout') return false;
    if (/^-[a-zA-Z]*O/.test(word)) return false;
  }
  return true;
}

/** `sh`, `bash -s -- --yes`, `bash /dev/stdin --channel 8.0`, `python3 -`, `php -- --install-dir=…`: the script comes from standard input. */
function readsScriptFromStdin(command: EffectiveCommand): boolean {
  const shell = shells.has(command.program);
  const interpreter = interpreters[command.program.replace(/[\d.]+$/, '')] ?? interpreters[command.program];
  if (!shell && !interpreter) return false;
  const words = command.args.map((arg) => arg.value);
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    if (word === '-' || word === '--' || word === '/dev/stdin' || word === '/dev/fd/0') return true;
    if (word.startsWith('--')) {
      if (['--eval', '--print', '--command'].includes(word.split('=')[0])) return false;
      continue;
    }
    if (word.startsWith('-') || (shell && word.startsWith('+'))) {
      const letters = word.slice(1);
      if (shell) {
        if (letters.includes('c')) return false;
        if (letters.includes('s')) return true;
        if (letters.endsWith('o') || letters.endsWith('O')) index++;
      } else {
        if (Array.from(letters).some((letter) => interpreter.code.includes(letter))) return false;
        if (letters.length === 1 && interpreter.valued.includes(letters)) index++;
      }
      continue;
    }
    // An operand: the script is that file, and standard input is only data.
    return false;
  }
  return true;
}

/** `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`: the download is the code the command runs. */
function runsArgumentHolding(command: EffectiveCommand, download: EffectiveCommand): boolean {
  const holder = command.args.findIndex(
    (arg) => arg.start <= download.command.start && download.command.end <= arg.end,
  );
  if (holder < 0) return false;
  const word: DocumentWord = command.args[holder];
  const program = command.program;
  const substituted = word.value.includes('$(') || word.value.includes('`');
  if (evaluators.has(program)) return substituted || word.value.startsWith('<(');
  const shell = shells.has(program);
  const interpreter = interpreters[program.replace(/[\d.]+$/, '')] ?? interpreters[program];
  if (!shell && !interpreter) return false;
  if (word.value.startsWith('<(')) {
    // The process substitution is the script file when it is the first operand.
    return command.args.slice(0, holder).every((arg) => arg.value.startsWith('-'));
  }
  const option = command.args[holder - 1]?.value ?? '';
  const codeOption = shell
    ? /^-[a-zA-Z]*c$/.test(option)
    : /^-[a-zA-Z]*$/.test(option) && Array.from(option.slice(1)).some((letter) => interpreter.code.includes(letter));
  return substituted && codeOption;
}
