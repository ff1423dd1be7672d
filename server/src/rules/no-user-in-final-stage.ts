import { imagePurpose, programWords, startWords } from '../knowledge/imagePurpose';
import { knownImageUser } from '../knowledge/imageUsers';
import { programName } from '../model/commands';
import type { DockerfileModel, DocumentWord, Instruction, Stage } from '../model/model';
import { imageName, isWindowsImage } from '../model/image';
import type { ImageRef } from '../model/image';
import { layersOf, rootStage } from '../model/model';
import { appendInstruction } from '../model/tail';
import type { Fix } from './types';
import { isRootUser, userSettingOf } from '../model/user';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'no-user-in-final-stage',
    severity: 'warning',
    fixable: true,
    docs: {
      summary: 'The shipped stage runs its process as root: it has no USER, or its last USER is root.',
      rationale:
        'A process running as root in a container is one kernel bug away from root on the host, and can rewrite ' +
        'everything in its image. Switch to an unprivileged user before CMD/ENTRYPOINT. Not flagged: bases that ' +
        'already run as a non-root user (distroless `:nonroot`, Chainguard); start commands that switch users ' +
        '(`gosu`, `sudo -u`) or start an init or supervisor (systemd, supervisord, s6-overlay), whose services ' +
        'pick their own users; and images that are not applications: bases and build or dev environments (no ' +
        'CMD of their own on an OS or language image, a shell, ONBUILD, a `build.sh` entrypoint), toolchain, ' +
        'dev-server and test images, and GitHub Actions (`action.yml` in the context), which GitHub runs as root. ' +
        "Without a CMD of its own an image runs its base's, so `FROM nginx` plus a COPY is still flagged.",
      bad: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nCMD ["node", "server.js"]\n',
      good: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "server.js"]\n',
    },
    messages: {
      noUser:
        'The shipped image runs as root: no USER is set. Its base {{base}} runs as root by default. Add a USER{{hint}} before CMD/ENTRYPOINT.',
      rootUser:
        '`USER {{user}}` is the last USER of the shipped stage, so the container runs as root. Switch to an unprivileged user{{hint}}.',
    },
  },
  check({ model, context, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const layers = layersOf(shipped);
    const lastUser = userSettingOf(shipped)?.instruction;
    const root = rootStage(shipped);
    // Windows containers have no root user; their accounts work differently.
    if (isWindowsImage(root.image)) return;
    // Bases, toolchains and dev images are run by people building on them, who choose the user; only an
    // application's own process is the one that runs as root in production.
    if (imagePurpose(layers, root.image).kind !== 'application') return;
    // GitHub runs Docker actions as root and tells authors not to set USER (the workspace is root's).
    if (context.rootEntries?.some((entry) => entry === 'action.yml' || entry === 'action.yaml')) return;
    if (startsAsAnotherUser(startWords(layers)) || startsSupervisor(layers)) return;
    const known = root.image.isScratch ? undefined : cachedImageUser(root.image);
    const suggested = root.image.isScratch ? '65534:65534' : known?.user;
    const hint = suggested ? ` (e.g. \`USER ${suggested}\`)` : '';
    if (lastUser) {
      const value = lastUser.args[0]?.value ?? '';
      if (!isRootUser(value)) return;
      const fix: Fix | undefined = suggested
        ? { title: `Switch to USER ${suggested}`, edits: [{ range: lastUser.args[0].range, newText: suggested }] }
        : undefined;
      report({ messageId: 'rootUser', data: { user: value, hint }, range: lastUser.range, fix });
      return;
    }
    if (known?.default || dropsPrivileges(layers)) return;
    const imageArg = shipped.from.args[0];
    report({
      messageId: 'noUser',
      data: { base: root.image.isScratch ? 'scratch' : `\`${root.image.resolved}\``, hint },
      range: imageArg ? imageArg.range : shipped.from.range,
      fix: suggested ? insertUser(model, shipped, suggested) : undefined,
    });
  },
});

/** Tools an entrypoint uses to start the service as another user (`exec gosu app "$@"`), as official images do. */
const privilegeDroppers = new Set(['gosu', 'su-exec', 'setpriv', 's6-applyuidgid', 's6-setuidgid', 'chpst']);

/**
 * True when the image installs or copies a privilege-dropping tool: its entrypoint then starts as root
 * only to switch users, which a Dockerfile alone cannot show.
 */
function dropsPrivileges(layers: Instruction[]): boolean {
  const drops = (word: DocumentWord) => privilegeDroppers.has(word.value.slice(word.value.lastIndexOf('/') + 1));
  for (const instruction of layers) {
    if (instruction.run) {
      // Every word of every command, without building one array of them per RUN.
      for (const command of instruction.run.commands)
        if (drops(command.nameWord) || command.args.some(drops)) return true;
    } else if (instruction.copy && instruction.args.some(drops)) {
      return true;
    }
  }
  return false;
}

/** Programs that run the command after them as another user, and how each names that user. */
const userSwitchers = new Map<string, (args: string[]) => string | undefined>([
  ['gosu', (args) => args[0]],
  ['su-exec', (args) => args[0]],
  ['s6-setuidgid', (args) => args[0]],
  ['setuidgid', (args) => args[0]],
  ['chpst', (args) => optionValue(args, ['-u'])],
  ['setpriv', (args) => optionValue(args, ['--reuid'])],
  ['runuser', (args) => optionValue(args, ['-u', '--user'])],
  ['sudo', (args) => optionValue(args, ['-u', '--user'])],
  ['su', (args) => args.find((arg) => !arg.startsWith('-'))],
]);

/** The value of `-u name`, `--user name` or `--user=name` among the words after a program. */
function optionValue(args: string[], names: string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (names.includes(arg)) return args[index + 1];
    const inline = names.find((name) => name.startsWith('--') && arg.startsWith(`${name}=`));
    if (inline) return arg.slice(inline.length + 1);
  }
  return undefined;
}

/**
 * True when the start command (after an init such as `tini --`) runs the program as a non-root user:
 * `ENTRYPOINT ["sudo", "-u", "app", …]`, `gosu app`, `su-exec 1000`.
 */
function startsAsAnotherUser(words: string[]): boolean {
  for (let index = 0; index < Math.min(words.length, 4); index++) {
    const switcher = userSwitchers.get(programName(words[index]));
    if (!switcher) continue;
    const user = switcher(words.slice(index + 1));
    return user !== undefined && user !== '' && !isRootUser(user);
  }
  return false;
}

/** Inits and process supervisors: PID 1 must be root to start services, each of which picks its own user. */
const supervisors = new Set(['my_init', 'runsvdir', 'supervisord', 's6-svscan', 'systemd', 'init']);

/**
 * True when the image starts an init or a process supervisor (`/sbin/init`, systemd, supervisord, phusion's
 * `my_init`, s6-overlay's `/init`): it starts as root by necessity, and the users of the services it runs
 * are set in their own files (`user=`, `chpst -u`, `s6-setuidgid`), not in the Dockerfile. A `/init` counts
 * only where the image brings in s6-overlay, since other images name their own scripts so.
 */
function startsSupervisor(layers: Instruction[]): boolean {
  const first = programWords(startWords(layers))[0] ?? '';
  const program = programName(first);
  if (!supervisors.has(program)) return false;
  if (first !== '/init') return true;
  return layers.some((instruction) => instruction.args.some((arg) => arg.value.includes('s6-overlay')));
}

// The table scan (wildcards over every known image) ran on every keystroke for the same few base images.
const imageUsers = new Map<string, ReturnType<typeof knownImageUser>>();

function cachedImageUser(image: ImageRef): ReturnType<typeof knownImageUser> {
  const key = `${imageName(image)}\n${image.tag ?? 'latest'}`;
  if (imageUsers.has(key)) return imageUsers.get(key);
  if (imageUsers.size >= 1000) imageUsers.clear();
  const user = knownImageUser(image);
  imageUsers.set(key, user);
  return user;
}

/** Inserts `USER name` before the first CMD/ENTRYPOINT that follows the stage's last filesystem change. */
function insertUser(model: DockerfileModel, stage: Stage, user: string): Fix | undefined {
  const instructions = stage.instructions;
  let lastChange = -1;
  instructions.forEach((instruction, index) => {
    if (instruction.keyword === 'RUN' || instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
      lastChange = index;
  });
  const anchor: Instruction | undefined = instructions
    .slice(lastChange + 1)
    .find((instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT');
  const title = `Add USER ${user}`;
  if (anchor) {
    const line = anchor.range.start.line;
    const indent = /^[ \t]*/.exec(model.lines.lineText(line))?.[0] ?? '';
    return {
      title,
      edits: [
        {
          range: { start: { line, character: 0 }, end: { line, character: 0 } },
          newText: `${indent}USER ${user}${model.lines.eol}`,
        },
      ],
    };
  }
  // After the last instruction, which must not take the USER in (a dangling continuation, an open heredoc).
  const edits = appendInstruction(model, instructions[instructions.length - 1] ?? stage.from, `USER ${user}`);
  return edits ? { title, edits } : undefined;
}
