import { effectiveCommandsOf } from '../model/commands';
import { aptRecommendsOff, hasFlag, installVerbOf } from '../knowledge/packageManagers';
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
        '`{{command}}`{{more}} also installs recommended packages. The shipped image rarely needs what its packages only recommend; add `--no-install-recommends`.',
    },
    compat: { hadolint: ['DL3015'] },
  },
  check({ model, report }) {
    if (!model.shipped) return;
    for (const instruction of layersOf(model.shipped)) {
      const run = instruction.run;
      if (!run?.posixShell) continue;
      const installs: Array<{ command: EffectiveCommand; install: DocumentWord }> = [];
      for (const command of effectiveCommandsOf(run)) {
        if (!aptPrograms.has(command.program)) continue;
        const install = installVerbOf(command);
        if (!install || hasFlag(command.args, '--only-upgrade')) continue;
        if (aptRecommendsOff(model.text, instruction, command)) continue;
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
    }
  },
});

const aptPrograms = new Set(['apt-get', 'apt']);
