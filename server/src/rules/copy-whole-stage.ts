import { buildToolchain } from '../knowledge/buildCommands';
import { packagesRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommand } from '../model/commands';
import type { Instruction, Stage } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { resolvePath } from '../model/paths';
import { defineRule } from './types';

const informational = new Set(['--version', '-version', '-v', '-V', '--help', '-h', 'version', 'help']);

export const rule = defineRule({
  meta: {
    name: 'copy-whole-stage',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        '`COPY --from=<stage> / …` copies the whole filesystem of a build stage, toolchain included, into the shipped image.',
      rationale:
        'A multi-stage build keeps compilers, SDKs and caches in the build stage and copies only its output into the ' +
        'shipped image. Copying the stage root (`/`, or `.`, which `COPY --from` also reads from the stage root) ' +
        'brings all of it back. The rule fires when the copied stage builds with a toolchain (`go build`, `npm run ' +
        'build`, `make` … not purged in the same RUN) or, when copied onto `/`, sits on another base image than the ' +
        'shipped one. Flattening a clean stage onto its own base or onto `scratch`, and stages built `FROM scratch`, ' +
        'are left alone.',
      bad: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build / /\nENTRYPOINT ["/out/app"]\n',
      good: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n',
    },
    messages: {
      toolchain:
        '`COPY --from={{stage}} {{source}}` copies the whole filesystem of stage `{{stage}}` into the shipped image. That includes the {{toolchain}} toolchain it builds with (line {{line}}). Copy only the build output.',
      otherBase:
        '`COPY --from={{stage}} {{source}}` copies the whole filesystem of stage `{{stage}}` (all of `{{image}}` and what the stage added) over the shipped `{{base}}`, so the image carries both. Copy only the directories the application needs.',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const shippedRoot = rootStage(shipped);
    for (const instruction of layersOf(shipped)) {
      const copy = instruction.copy;
      const source = copy?.fromStage;
      if (instruction.keyword !== 'COPY' || !copy || !source) continue;
      const sourceRoot = rootStage(source);
      // A stage built FROM scratch holds only what was copied into it on purpose.
      if (sourceRoot.image.isScratch) continue;
      const rootWord = sourceWords(instruction).find((word) => isWholeFilesystem(word.value));
      if (!rootWord) continue;
      const stageName = copy.from ?? String(source.index);
      const range = model.lines.range(rootWord.start, rootWord.end);
      const toolchain = toolchainOf(source);
      if (toolchain) {
        report({
          messageId: 'toolchain',
          data: { stage: stageName, source: rootWord.value, toolchain: toolchain.name, line: toolchain.line },
          range,
        });
        continue;
      }
      // Flattening a stage onto its own base image (or onto scratch) is a deliberate squash, not a leak.
      const destination = copy.destination === undefined ? undefined : resolvePath('/', copy.destination);
      if (destination !== '/' || shippedRoot.image.isScratch || sameImage(sourceRoot, shippedRoot)) continue;
      report({
        messageId: 'otherBase',
        data: {
          stage: stageName,
          source: rootWord.value,
          image: sourceRoot.image.resolved,
          base: shippedRoot.image.resolved,
        },
        range,
      });
    }
  },
});

function sameImage(a: Stage, b: Stage): boolean {
  return a.image.resolved.toLowerCase() === b.image.resolved.toLowerCase();
}

/** `/`, `/.`, `.`, `./`, `/*`, `*`: `COPY --from` reads sources from the stage root, not its WORKDIR. */
function isWholeFilesystem(source: string): boolean {
  if (source.includes('$')) return false;
  return resolvePath('/', source.replace(/\*$/, '')) === '/';
}

interface SourceWord {
  value: string;
  start: number;
  end: number;
}

/** The source words of a COPY with their document offsets (the JSON form's quotes and brackets stripped). */
function sourceWords(instruction: Instruction): SourceWord[] {
  const words: SourceWord[] = [];
  const sources = instruction.copy?.sources ?? [];
  for (const arg of instruction.args.slice(0, -1)) {
    const index = sources.findIndex(
      (source) => source !== '' && arg.value.replace(/^\[?\s*"?/, '').replace(/"?\s*,?\s*$/, '') === source,
    );
    if (index < 0) continue;
    const offset = arg.value.indexOf(sources[index]);
    const start = arg.start + offset;
    words.push({ value: sources[index], start, end: start + sources[index].length });
  }
  return words;
}

/** The first build command in the stage's layers whose toolchain is not purged in the same RUN. */
function toolchainOf(stage: Stage): { name: string; line: number } | undefined {
  for (const instruction of layersOf(stage)) {
    const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
    for (const [index, command] of commands.entries()) {
      const toolchain = buildToolchain(command);
      if (!toolchain) continue;
      if (command.args.length > 0 && command.args.every((arg) => informational.has(arg.value))) continue;
      // Official images build from source and purge the toolchain in the same RUN: nothing of it stays.
      if (commands.slice(index + 1).some((later) => packagesRemovedBy(later)?.packages.length)) continue;
      return { name: toolchain, line: command.nameWord.range.start.line + 1 };
    }
  }
  return undefined;
}
