import { effectiveCommandsOf } from '../model/commands';
import { hasFlag } from '../knowledge/packageManagers';
import type { EffectiveCommand } from '../model/commands';
import type { DocumentWord } from '../model/model';
import { layersOf } from '../model/model';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'apt-install-recommends',
    severity: 'info',
    fixable: true,
    docs: {
      summary:
        '`apt-get install` in the shipped image without `--no-install-recommends` also installs every recommended package.',
      rationale:
        'By default apt installs the packages a package recommends, not only those it depends on: documentation tools, ' +
        'X11 libraries, compilers. They often double what an install adds to the image. Pass `--no-install-recommends` ' +
        '(or set `APT::Install-Recommends "0";` in /etc/apt/apt.conf.d once) and name what you really need. Check the ' +
        'result: a few programs rely on a recommendation (curl and wget need `ca-certificates` for https). Build stages ' +
        'that are not shipped are not checked.',
      bad: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
      good: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
    },
    messages: {
      recommends:
        '`{{command}}`{{more}} also installs the packages that what it names only recommends, which the shipped image rarely needs. Add `--no-install-recommends`.',
    },
    compat: { hadolint: ['DL3015'] },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    let configured = false;
    for (const instruction of layersOf(model.shipped)) {
      if (configured) return;
      if (instruction.copy) {
        // A copied apt configuration may turn recommendations off; its content is not known here.
        const destination = instruction.copy.destination ?? '';
        if (/^\/etc\/apt\/apt\.conf(\.d\/?|$)/.test(destination) || destination.startsWith('/etc/apt/apt.conf.d/'))
          configured = true;
        continue;
      }
      const run = instruction.run;
      if (!run?.posixShell) continue;
      // `echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/…` turns them off for every later install.
      const configuresHere = disablesRecommendsInConfig(run.script);
      const installs: Array<{ command: EffectiveCommand; install: DocumentWord }> = [];
      for (const command of effectiveCommandsOf(run)) {
        const install = aptInstall(command);
        if (!install || keepsRecommendsOut(command) || hasFlag(command.args, '--only-upgrade')) continue;
        if (configuresHere && disablesRecommendsInConfig(model.text.slice(instruction.start, command.nameWord.start)))
          continue;
        installs.push({ command, install });
      }
      const [first] = installs;
      if (first) {
        // One finding per RUN: its fix adds the option to every install of the RUN.
        report({
          messageId: 'recommends',
          data: {
            command: [
              first.command.nameWord,
              ...first.command.args.slice(0, first.command.args.indexOf(first.install) + 1),
            ]
              .map((word) => word.value)
              .join(' '),
            more:
              installs.length > 1
                ? ` (and the ${installs.length - 1} other install${installs.length > 2 ? 's' : ''} of this RUN)`
                : '',
          },
          range: model.lines.range(first.command.nameWord.start, first.install.end),
          fix:
            run.form === 'exec'
              ? undefined
              : {
                  title: 'Add --no-install-recommends',
                  edits: installs.map(({ install }) => ({
                    range: model.lines.range(install.end, install.end),
                    newText: ' --no-install-recommends',
                  })),
                  preferred: false,
                },
        });
      }
      if (configuresHere) configured = true;
    }
  },
});

const aptPrograms = new Set(['apt-get', 'apt']);
const aptOptionsWithValue = new Set([
  '-o',
  '--option',
  '-c',
  '--config-file',
  '-t',
  '--target-release',
  '--default-release',
]);

/** The `install` word of `apt-get install …`, skipping options and their values. */
function aptInstall(command: EffectiveCommand): DocumentWord | undefined {
  if (!aptPrograms.has(command.program)) return undefined;
  for (let index = 0; index < command.args.length; index++) {
    const word = command.args[index].value;
    if (word.startsWith('-')) {
      if (aptOptionsWithValue.has(word)) index++;
      continue;
    }
    return word === 'install' ? command.args[index] : undefined;
  }
  return undefined;
}

function keepsRecommendsOut(command: EffectiveCommand): boolean {
  if (hasFlag(command.args, '--no-install-recommends')) return true;
  // `-o APT::Install-Recommends=false`, `-oAPT::…`, `--option=APT::…`.
  const settings = command.args.flatMap((arg, index) => {
    const previous = command.args[index - 1]?.value;
    if (previous === '-o' || previous === '--option') return [arg.value];
    if (arg.value.startsWith('--option=')) return [arg.value.slice('--option='.length)];
    if (arg.value.startsWith('-o') && arg.value.length > 2) return [arg.value.slice(2)];
    return [];
  });
  return settings.some((setting) =>
    /^APT::Install-Recommends=("?)(0|false|no|off)\1$/i.test(setting.replace(/\s+/g, '')),
  );
}

/** True when the script writes `APT::Install-Recommends "0"` (or false) into apt's configuration. */
function disablesRecommendsInConfig(script: string): boolean {
  if (!script.includes('Install-Recommends')) return false;
  return /Install-Recommends\s*(?:=\s*)?\\?["']?\s*(0|false|no|off)\b/i.test(script);
}
