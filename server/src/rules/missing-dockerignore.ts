import { contextSources, exposedEntries, proposeDockerignore, wideMountFlag } from '../knowledge/dockerignore';
import type { Instruction } from '../model/model';
import { shorten, shown } from './source-copied-into-final-stage';
import type { Fix } from './types';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'missing-dockerignore',
    severity: 'warning',
    fixable: true,
    docs: {
      summary: 'The Dockerfile copies or mounts the whole build context (`COPY . .`) and there is no .dockerignore.',
      rationale:
        'Without a .dockerignore, a context-wide COPY takes everything in the folder: `.git` (the whole history, and a ' +
        'change on every commit that busts the layer cache), local `.env` files with secrets, and host-built ' +
        '`node_modules`, virtualenvs or `bin/obj` folders that overwrite what the build installs. This holds in every ' +
        'stage the build runs, builders included: their layers sit in the build cache and feed the shipped stage. ' +
        'Reported once, on the first context-wide COPY, ADD or `RUN --mount=type=bind` of a stage the build runs, and ' +
        'only when LayerLens could look at the folder (an unsaved or remote file is never reported). The fix creates a ' +
        '.dockerignore for the ecosystems it recognises (package.json, requirements.txt, pom.xml, Cargo.toml, *.csproj…) ' +
        'that never excludes a file the Dockerfile copies by name, nor build output it does not rebuild itself. ' +
        'Copying named paths instead of the whole context (`COPY package.json ./`, `COPY src ./src`) also avoids the problem.',
      bad: '# (no .dockerignore next to this Dockerfile)\nFROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n',
      good:
        '# (no .dockerignore next to this Dockerfile)\nFROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n' +
        'RUN npm ci --omit=dev\nCOPY server.js ./\nCOPY lib ./lib\nCMD ["node", "server.js"]\n',
      context: {
        dockerignore: null,
        rootEntries: ['.git', 'Dockerfile', 'lib', 'node_modules', 'package-lock.json', 'package.json', 'server.js'],
      },
    },
    messages: {
      missing:
        'There is no .dockerignore, so `{{instruction}}` {{verb}} everything in the build context.{{present}} Add one that leaves out .git, local .env files and host build output.',
    },
  },
  check({ model, context, report }) {
    // Only a known absence counts: undefined means LayerLens could not look (unsaved or remote file).
    if (context.dockerignore !== null) return;
    for (const instruction of model.instructions) {
      // BuildKit skips stages the shipped one does not need: their COPYs never read the context.
      if (!instruction.stage?.reachable) continue;
      const wide = wideUse(instruction);
      if (!wide) continue;
      const exposed = context.rootEntries ? exposedEntries(null, context.rootEntries) : undefined;
      const proposal = proposeDockerignore(model, context.rootEntries);
      const fix: Fix = {
        title:
          proposal.ecosystems.length > 0
            ? `Create a .dockerignore (${proposal.ecosystems.join(', ')})`
            : 'Create a .dockerignore',
        edits: [],
        createFiles: [{ path: '.dockerignore', content: proposal.content }],
      };
      const present =
        exposed && exposed.length > 0
          ? ` That includes ${exposed.map((entry) => `\`${entry.name}\``).join(', ')}.`
          : '';
      report({
        messageId: 'missing',
        data: { instruction: wide.shown, verb: wide.verb, present },
        range: wide.range,
        fix,
      });
      // One .dockerignore serves the whole Dockerfile: one finding is enough.
      return;
    }
  },
});

function wideUse(instruction: Instruction): { shown: string; verb: string; range: Instruction['range'] } | undefined {
  if (instruction.copy) {
    return contextSources(instruction).some((source) => source.wide)
      ? { shown: shown(instruction), verb: 'copies', range: instruction.range }
      : undefined;
  }
  const mount = wideMountFlag(instruction);
  return mount ? { shown: shorten(`RUN --mount=${mount.value ?? ''}`), verb: 'mounts', range: mount.range } : undefined;
}
