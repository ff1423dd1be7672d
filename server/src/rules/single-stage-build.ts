import { buildToolchain } from '../knowledge/buildCommands';
import { needsItsToolchain } from '../knowledge/imagePurpose';
import { packagesRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommand } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'single-stage-build',
    severity: 'warning',
    fixable: false,
    docs: {
      summary: 'A single-stage Dockerfile that compiles or bundles the application ships its whole toolchain.',
      rationale:
        'Compilers, SDKs, package caches and sources needed only to build end up in the image that runs. ' +
        'A multi-stage build compiles in a builder stage and copies only the artifacts into a small final stage, ' +
        'which is smaller to pull and gives an attacker fewer tools. ' +
        'Images whose purpose is the toolchain are left alone: no program of their own (no CMD/ENTRYPOINT, a shell), ' +
        'ONBUILD bases, images that start the toolchain or a build tool (`CMD ["python3"]`, `ENTRYPOINT ["yarn"]`), ' +
        'builder and CI images (by their labels), and development images (a dev server or tests as the start command, `NODE_ENV=development`). ' +
        'In the editor, a single-stage file also gets the quick fix Split into build and runtime stages: the conversion of `layerlens convert` (docs/convert.md), shown as a diff before it applies, or nothing when the conversion refuses.',
      bad: 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/server\nCMD ["/app"]\n',
      good:
        'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/server\n\n' +
        'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nCMD ["/app"]\n',
    },
    messages: {
      builds:
        '`{{command}}` builds in the only stage, so the {{toolchain}} toolchain ships in the image. Build inputs ship too: build in a builder stage and COPY --from it only the output.',
    },
  },
  check({ model, report }) {
    if (model.stages.length !== 1) return;
    // A toolchain, builder, CI or development image ships its toolchain on purpose (python, erlang, a yarn builder).
    if (needsItsToolchain(model.stages[0].instructions)) return;
    for (const instruction of model.stages[0].instructions) {
      const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
      for (const [index, effective] of commands.entries()) {
        const toolchain = buildToolchain(effective);
        if (!toolchain || onlyAsksForVersion(effective)) continue;
        // Official images build from source and purge the toolchain in the same RUN: nothing of it ships.
        if (commands.slice(index + 1).some((later) => packagesRemovedBy(later) !== undefined)) continue;
        const command = effective.command;
        const shown = model.text.slice(effective.nameWord.start, command.end);
        report({
          messageId: 'builds',
          data: { command: shown.length > 60 ? `${shown.slice(0, 57)}…` : shown, toolchain },
          range: model.lines.range(effective.nameWord.start, command.end),
        });
        // One finding is enough: the fix (a multi-stage split) is one decision for the whole file.
        return;
      }
    }
  },
});

const informational = new Set(['--version', '-version', '-v', '-V', '--help', '-h', 'version', 'help']);

/** `javac --version`, `go version`: checks that a tool works, not a build. */
function onlyAsksForVersion(command: EffectiveCommand): boolean {
  return command.args.length > 0 && command.args.every((arg) => informational.has(arg.value));
}
