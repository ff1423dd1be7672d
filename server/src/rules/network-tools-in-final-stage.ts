import { buildPackageKind } from '../knowledge/buildPackages';
import { networkToolOfPackage, networkToolOfProgram, programsOfTool } from '../knowledge/networkPackages';
import { packageBaseName, packagesInstalledBy, packagesRemovedBy } from '../knowledge/packageManagers';
import { effectiveCommandsOf, hasOption, operands } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DocumentWord, Instruction } from '../model/model';
import type { LineIndex } from '../model/text';
import { layersOf, rootStage } from '../model/model';
import { imageName } from '../model/image';
import { defineRule } from './types';

/** One package word of an install command; `tool` is set when the package is a network client. */
interface Installed {
  manager: string;
  name: string;
  /** The network tool the package installs. */
  tool?: string;
  word: DocumentWord;
  /** `apk add --virtual NAME`: the group whose removal takes this package out again. */
  group?: string;
}

export const rule = defineRule({
  meta: {
    name: 'network-tools-in-final-stage',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        'A package manager installs a network client (curl, wget, netcat, ssh, socat, telnet, nmap, ftp) in the shipped image.',
      rationale:
        'A downloader or raw socket tool in the running image is the first thing an attacker who gets code execution ' +
        'reaches for: it fetches the next payload, opens a reverse shell or moves data out. A warning when the build ' +
        'itself runs the tool after installing it (to download something): a build helper left behind. Use it in a ' +
        'build stage (download there, COPY --from the result), or remove it in the same RUN. Informational when the ' +
        'tool looks deliberate: the build never runs it (so the container does), the HEALTHCHECK uses it (or runs a ' +
        '`.sh` script that probably does), a comment right above the package names it, or the image also keeps a ' +
        'compiler, a build tool or git (a build or development image, where a network client is part of the kit). Tools the ' +
        'base image already ships (busybox `wget` and `nc` on Alpine, curl in buildpack-deps) are out of scope.',
      bad:
        'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\\n' +
        '    && curl -fsSLo /usr/local/bin/app https://example.com/app && chmod +x /usr/local/bin/app \\\n' +
        '    && rm -rf /var/lib/apt/lists/*\nUSER nobody\nCMD ["app"]\n',
      good:
        'FROM debian:bookworm-slim AS download\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\\n' +
        '    && curl -fsSLo /app https://example.com/app && chmod +x /app\n\n' +
        'FROM debian:bookworm-slim\nCOPY --from=download /app /usr/local/bin/app\nUSER nobody\nCMD ["app"]\n',
    },
    messages: {
      usedInBuild:
        '`{{package}}` puts {{tool}} in the shipped image. The build uses it (line {{line}}) and leaves it there for whoever gets code execution in the container to fetch payloads or open connections. ' +
        'Use it in a build stage and COPY --from the result, or remove it in the same RUN.',
      runtime:
        '`{{package}}` puts {{tool}} in the shipped image, where the build never runs it. It is there for the container. ' +
        'If the application does not need it, leave it out: it serves whoever gets code execution in the container to fetch payloads or open connections.',
      documented:
        '`{{package}}` puts {{tool}} in the shipped image. The comment on line {{line}} mentions it, so it looks deliberate. ' +
        'It still serves whoever gets code execution in the container to fetch payloads or open connections.',
      toolbox:
        '`{{package}}` puts {{tool}} in the shipped image next to `{{toolchain}}`. That makes it a build or development image, where a network client is part of the kit. ' +
        'If the image is meant to run an application, build in an earlier stage and ship only the result.',
      healthcheck:
        '`{{package}}` puts {{tool}} in the shipped image. The HEALTHCHECK on line {{line}} {{how}}, so it is kept on purpose. ' +
        'A probe from the orchestrator or a check built into the application would not need it{{alternative}}.',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const layers = layersOf(shipped);
    const surviving: Installed[] = [];
    const uses: EffectiveCommand[] = [];
    for (const instruction of layers) {
      const run = instruction.run;
      if (!run || !run.posixShell) continue;
      const own: Installed[] = [];
      let markedAuto = false;
      const keptManual = new Set<string>();
      for (const command of effectiveCommandsOf(run)) {
        if (networkToolOfProgram(command.program)) uses.push(command);
        const installed = installedPackages(command);
        if (installed.length > 0) {
          own.push(...installed);
          continue;
        }
        const removed = packagesRemovedBy(command);
        if (removed) {
          const names = new Set(removed.packages);
          const taken = (entry: Installed) =>
            entry.manager === removed.manager &&
            (names.has(entry.name) || (entry.group !== undefined && names.has(entry.group)));
          removeWhere(own, taken);
          removeWhere(surviving, taken);
        }
        // docker-library's idiom: `apt-mark auto '.*'; apt-mark manual $saved; apt-get purge --auto-remove`
        // takes out everything this RUN installed that was not marked manual again.
        if (command.program === 'apt-mark') {
          const [verb, ...names] = operands(command.args).map((word) => word.value);
          if (verb === 'auto') markedAuto = true;
          if (verb === 'manual') for (const name of names) keptManual.add(packageBaseName(name));
        } else if (markedAuto && autoRemoves(command)) {
          removeWhere(own, (entry) => entry.manager === 'apt' && !keptManual.has(entry.name));
        }
      }
      surviving.push(...own);
    }
    const healthcheck = healthcheckTools(layers);
    const root = rootStage(shipped);
    const alpine = /alpine/.test(imageName(root.image)) || /alpine/.test(root.image.tag ?? '');
    if (!surviving.some((entry) => entry.tool)) return;
    // An image that keeps a compiler or git is a build or development environment, where a network client is part of the kit.
    const toolchain = surviving.find(
      (entry) => !entry.tool && toolchainKinds.has(buildPackageKind(entry.manager, entry.name) ?? ''),
    );
    const reported = new Set<string>();
    for (const entry of surviving) {
      // A package installed again by a later RUN is one finding, at its first install.
      const key = `${entry.manager}:${entry.name}`;
      if (!entry.tool || reported.has(key)) continue;
      reported.add(key);
      const data = { package: entry.word.value, tool: entry.tool };
      const downloader = entry.tool === 'curl' || entry.tool === 'wget';
      if (healthcheck && (healthcheck.tools.has(entry.tool) || (healthcheck.script && downloader))) {
        const alternative = alpine && downloader ? ' (on Alpine, busybox already has `wget -q --spider URL`)' : '';
        const how = healthcheck.tools.has(entry.tool) ? 'uses it' : 'runs a script that probably uses it';
        report({
          messageId: 'healthcheck',
          data: { ...data, line: healthcheck.instruction.range.start.line + 1, how, alternative },
          range: entry.word.range,
          severity: 'info',
        });
        continue;
      }
      const comment = explainingComment(model.lines, entry);
      if (comment !== undefined) {
        report({
          messageId: 'documented',
          data: { ...data, line: comment + 1 },
          range: entry.word.range,
          severity: 'info',
        });
        continue;
      }
      if (toolchain) {
        report({
          messageId: 'toolbox',
          data: { ...data, toolchain: toolchain.word.value },
          range: entry.word.range,
          severity: 'info',
        });
        continue;
      }
      // A tool the build runs after installing it is a build helper left behind; one it never runs was installed for the container.
      const use = uses.find(
        (command) => command.command.start > entry.word.end && networkToolOfProgram(command.program) === entry.tool,
      );
      if (use)
        report({
          messageId: 'usedInBuild',
          data: { ...data, line: use.command.range.start.line + 1 },
          range: entry.word.range,
        });
      else report({ messageId: 'runtime', data, range: entry.word.range, severity: 'info' });
    }
  },
});

// Not 'SDK': a JDK often is the runtime of a Java server (openjdk-21-jdk-headless under Keycloak).
const toolchainKinds = new Set(['compiler', 'build tool', 'version control']);

function installedPackages(command: EffectiveCommand): Installed[] {
  const change = packagesInstalledBy(command);
  if (!change) return [];
  const groupIndex = command.args.findIndex((arg) => arg.value === '--virtual' || arg.value === '-t');
  const group = change.manager === 'apk' && groupIndex >= 0 ? command.args[groupIndex + 1]?.value : undefined;
  const found: Installed[] = [];
  for (const word of operands(command.args)) {
    if (!word.literal) continue;
    const name = packageBaseName(word.value);
    found.push({ manager: change.manager, name, tool: networkToolOfPackage(change.manager, name), word, group });
  }
  return found;
}

/** `apt-get purge --auto-remove …`, `apt-get autoremove`. */
function autoRemoves(command: EffectiveCommand): boolean {
  if (command.program !== 'apt-get' && command.program !== 'apt') return false;
  const verb = operands(command.args)[0]?.value;
  if (verb === 'autoremove') return true;
  return (verb === 'purge' || verb === 'remove') && hasOption(command.args, '--auto-remove', '--autoremove');
}

/**
 * The line of a comment just above the package word (inside the RUN, or right before it) that names the
 * package or its tool: the author says why it stays (`# curl is needed by Pkg at runtime`).
 */
function explainingComment(lines: LineIndex, entry: Installed): number | undefined {
  const line = entry.word.range.start.line;
  const names = new Set([entry.name, entry.tool ?? '', ...programsOfTool(entry.tool ?? '')]);
  for (let above = line - 1; above >= Math.max(0, line - 4); above--) {
    const text = lines.lineText(above).trim();
    if (!text.startsWith('#')) continue;
    const words = text.toLowerCase().split(/[^a-z0-9.+-]+/);
    if (words.some((word) => names.has(word))) return above;
  }
  return undefined;
}

function removeWhere<T>(list: T[], predicate: (entry: T) => boolean): void {
  for (let index = list.length - 1; index >= 0; index--) if (predicate(list[index])) list.splice(index, 1);
}

/** The network tools the image's effective HEALTHCHECK (the last one) runs, and whether it runs a script we cannot see into. */
function healthcheckTools(
  layers: Instruction[],
): { instruction: Instruction; tools: Set<string>; script: boolean } | undefined {
  const instruction = [...layers].reverse().find((candidate) => candidate.keyword === 'HEALTHCHECK');
  if (!instruction || instruction.args[0]?.value.toUpperCase() === 'NONE') return undefined;
  const tools = new Set<string>();
  let script = false;
  for (const arg of instruction.args) {
    // Shell form words and exec-form JSON (`["curl","-f",`) alike: split off brackets, quotes and commas.
    for (const piece of arg.value.split(/[\s"',[\]]+/)) {
      const tool = networkToolOfProgram(piece.slice(piece.lastIndexOf('/') + 1));
      if (tool) tools.add(tool);
      if (piece.endsWith('.sh')) script = true;
    }
  }
  return { instruction, tools, script };
}
