import { contextSources, copyPaths, excludePatterns, exposedEntries, isTestImage } from '../knowledge/dockerignore';
import type { ExposedEntry } from '../knowledge/dockerignore';
import type { DockerfileModel, Instruction } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { isEnvironmentImage } from '../knowledge/imagePurpose';
import { runtimeConfig } from '../model/runtime';
import type { BuildContextFacts, Severity } from './types';
import { defineRule } from './types';
import { copyFromFix } from '../fixes/copyFrom';

type MessageId = 'wholeContext' | 'noDockerignore' | 'notIgnored';

export const rule = defineRule<MessageId>({
  meta: {
    name: 'source-copied-into-final-stage',
    severity: 'info',
    fixable: true,
    docs: {
      summary:
        'The shipped stage copies the whole build context (`COPY . .`): sources, tests and build files go into the image that runs.',
      rationale:
        'A context-wide COPY puts everything the .dockerignore lets through into a layer of the shipped image: sources a ' +
        'compiled app no longer needs, tests, build scripts and, without a good .dockerignore, `.git` (the whole history), ' +
        'local `.env` files with secrets and host-built `node_modules` or virtualenvs. In a build stage this is the right ' +
        'way to compile, so only the shipped stage (and the stages it is built `FROM`) is checked, and not a test image ' +
        '(a stage named `test`, `e2e`, `dev`…, or an ENTRYPOINT/CMD that runs tests), which runs the sources it copies, ' +
        'nor a build or development environment with no program of its own (no CMD on an OS or language image, a ' +
        'shell, ONBUILD), whose input the sources are. The finding is info; it ' +
        'becomes a warning when the .dockerignore is missing or lets `.git`, local `.env` files, `node_modules` or a ' +
        "virtualenv through, checked with Docker's own matching (`!` re-includes, `**`) against the entries actually in the " +
        'context. Copy only what the app runs, or build in an earlier stage and `COPY --from` its output. When a build ' +
        'stage already makes what the shipped stage runs (`go build -o`, `dotnet publish -o`, a venv…) and nothing after ' +
        'the COPY needs the sources, the quick fix replaces the COPY with `COPY --from` of that output (and drops a rebuild ' +
        'of it in the shipped stage).',
      bad: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      good:
        'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n' +
        'COPY server.js ./\nCOPY lib ./lib\nCMD ["node", "server.js"]\n',
    },
    messages: {
      wholeContext:
        '`{{instruction}}` copies the whole build context into the shipped image. Tests, build files, docs and anything else in the folder go in too, not just what the app runs. Copy only what it runs, or build in an earlier stage and COPY --from it.',
      noDockerignore:
        '`{{instruction}}` copies the whole build context into the shipped image, with no .dockerignore. Everything in it goes in{{present}}. Add a .dockerignore and copy only what the app runs.',
      notIgnored:
        '`{{instruction}}` copies the whole build context into the shipped image. {{names}} {{verb}} not excluded by .dockerignore. Exclude {{them}} there and copy only what the app runs.',
    },
  },
  check({ model, context, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    let testImage: boolean | undefined;
    // Layers of the shipped stage and of the stages it is built FROM; a builder's `COPY . .` is how builds work.
    for (const instruction of layersOf(shipped)) {
      if (!instruction.copy || !contextSources(instruction).some((source) => source.wide)) continue;
      // A test image runs the sources it copies.
      if ((testImage ??= runsTests(model))) return;
      // A build or development environment (no program of its own) works on the sources it copies.
      if (isEnvironmentImage(layersOf(shipped), rootStage(shipped).image)) return;
      const { messageId, data, severity } = assess(instruction, context);
      report({
        messageId,
        data: { instruction: shown(instruction), ...data },
        range: instruction.range,
        severity,
        fix: copyFromFix(model, instruction),
      });
    }
  },
});

function runsTests(model: DockerfileModel): boolean {
  const config = runtimeConfig(model);
  return isTestImage(model.shipped?.name, `${config.ENTRYPOINT ?? ''} ${config.CMD ?? ''}`);
}

interface Assessment {
  messageId: MessageId;
  data: Record<string, string>;
  severity?: Severity;
}

function assess(instruction: Instruction, context: BuildContextFacts): Assessment {
  const dockerignore = context.dockerignore;
  // Unknown (no file system): say nothing about a .dockerignore that may well exist.
  if (dockerignore === undefined) return { messageId: 'wholeContext', data: {} };
  const exposed = exposedEntries(dockerignore?.text ?? null, context.rootEntries, excludePatterns(instruction));
  if (!exposed) return { messageId: 'wholeContext', data: {} };
  if (dockerignore === null) {
    // Without the context's entries the probed names may not exist: say so.
    const present =
      exposed.length === 0 ? '' : `, ${list(exposed)} ${context.rootEntries ? 'included' : 'too if present'}`;
    return { messageId: 'noDockerignore', data: { present }, severity: 'warning' };
  }
  if (exposed.length === 0) return { messageId: 'wholeContext', data: {} };
  return {
    messageId: 'notIgnored',
    data: {
      names: list(exposed),
      verb: exposed.length === 1 ? 'is' : 'are',
      them: exposed.length === 1 ? 'it' : 'them',
    },
    severity: exposed.some((entry) => entry.hazard) ? 'warning' : undefined,
  };
}

function list(entries: readonly ExposedEntry[]): string {
  return entries.map((entry) => `\`${entry.name}\``).join(', ');
}

/** `COPY . .` without its flags, kept short for a message. */
export function shown(instruction: Instruction): string {
  return shorten([instruction.keyword, ...copyPaths(instruction)].join(' '));
}

export function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
