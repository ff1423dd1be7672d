import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { effectiveCommand, operands } from '../../model/commands';
import type { ConvertContext } from './common';
import { startWords } from './start';
import {
  absolute,
  argumentText,
  buildKeywords,
  builderFrom,
  finalName,
  kept,
  leadingComments,
  lineOf,
  refuse,
  runtimeKeywords,
  sharedKeywords,
  workdirs,
} from './common';

/**
 * Non-root nginx: the unprivileged image runs as UID 101 and keeps its pid and temp files in /tmp, so
 * the original's non-root port works unchanged and nothing in the final image runs as root. Ports below
 * 1024 need root to bind: those keep the official image, whose master process runs as root.
 */
const unprivilegedImage = 'nginxinc/nginx-unprivileged:stable-alpine';
const rootImage = 'nginx:stable-alpine';
const htmlRoot = '/usr/share/nginx/html';
const nginxCmd = 'CMD ["nginx", "-g", "daemon off;"]';
/** Scripts that build a front-end into static files (the tool decides the output folder). */
const frontEndBuild =
  /\b(vite\s+build|react-scripts\s+build|ng\s+build|vue-cli-service\s+build|webpack|parcel\s+build|astro\s+build|gatsby\s+build|next\s+build\s*&&\s*next\s+export|ember\s+build|preact\s+build|craco\s+build|react-app-rewired\s+build|svelte-kit\s+build|vite-ssg\s+build)\b|^vite$/;
/** Development servers: they run the sources, not a build. */
const devServers: [RegExp, string][] = [
  [/^react-scripts start$|^craco start$/, 'react-scripts start'],
  [/^vite( dev| serve)?$/, 'vite'],
  [/^ng serve$/, 'ng serve'],
  [/^vue-cli-service serve$/, 'vue-cli-service serve'],
];

type Server = { kind: 'serve' | 'http-server' | 'vite preview'; args: string[] } | { kind: 'dev'; name: string };

/** The start command of the stage, as words (exec form, or a plain shell-form command). */
function startOf(model: DockerfileModel, stage: Stage): { words: string[]; instruction: Instruction } | undefined {
  const start = startWords(model, stage);
  const instruction = start.cmd ?? start.entrypoint;
  // A variable (`-l $PORT`) hides the port or folder the server uses.
  const literal = !start.shell || start.words.every((word) => !word.includes('$'));
  return instruction && !start.unsafe && literal && start.words.length > 0
    ? { words: start.words, instruction }
    : undefined;
}

/** `npx serve -s build`, `http-server dist -p 8080`, `npx vite preview`, or a dev server; undefined for anything else. */
function serverOf(words: string[]): Server | undefined {
  let rest = words[0] === 'exec' ? words.slice(1) : words;
  if (rest[0] === 'npx' || rest[0] === 'pnpx') {
    rest = rest.slice(1);
    while (rest[0]?.startsWith('-')) rest = rest.slice(1);
  }
  const program = (rest[0] ?? '').replace(/^.*\/node_modules\/\.bin\//, '').replace(/@[^/]*$/, '');
  const args = rest.slice(1);
  if (program === 'serve') return { kind: 'serve', args };
  if (program === 'http-server') return { kind: 'http-server', args };
  if (program === 'vite' && args[0] === 'preview') return { kind: 'vite preview', args: args.slice(1) };
  const command = [program, ...args.filter((arg) => !arg.startsWith('-'))].join(' ');
  const dev = devServers.find(([pattern]) => pattern.test(command));
  return dev ? { kind: 'dev', name: dev[1] } : undefined;
}

/** A node image whose start command is a static file server (or a front-end dev server, refused with a reason). */
export function acceptsStaticWeb(stage: Stage, model: DockerfileModel): boolean {
  if (stage.image.repository !== 'node') return false;
  const start = startOf(model, stage);
  return start !== undefined && serverOf(start.words) !== undefined;
}

interface Served {
  folder: string;
  port: string;
  /** Unknown paths answer with index.html (a single-page app's client-side routes). */
  spa: boolean;
}

/** FROM node + build script + static server → node build stage + nginx serving the output on the same port. */
export function convertStaticWeb(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  const start = startOf(model, stage);
  const server = start && serverOf(start.words);
  if (!start || !server) refuse('No static file server in CMD/ENTRYPOINT.');
  if (server.kind === 'dev')
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs the development server (${server.name}), not a build: serving the production build instead would change the app. Build it (npm run build) and serve the output first.`,
    );
  if (stage.image.digest)
    refuse('The node image is pinned by digest; the build stage keeps it, but check the result by hand.');

  const dirs = workdirs(stage, '/');
  const buildRun = findBuild(stage);
  if (!buildRun)
    refuse(
      'No front-end build (`npm run build`, `yarn build`, `npx vite build`…) found in a RUN: there is nothing to serve statically.',
    );
  checkBuildScript(buildRun.command, context);
  const dropped = stage.instructions.filter(
    (instruction) => instruction.index > buildRun.instruction.index && installsServerOnly(instruction),
  );
  const build = [...stage.instructions]
    .reverse()
    .find(
      (instruction) =>
        buildKeywords.has(instruction.keyword) && instruction.keyword !== 'SHELL' && !dropped.includes(instruction),
    );
  if (!build) refuse('No RUN, COPY or ADD: nothing to build.');
  const workdir = dirs.get(start.instruction) ?? '/';
  const served = servedOf(server, stage, model, context);
  const folder = absolute(served.folder, workdir).replace(/\/$/, '');
  if (folder === workdir || !folder.startsWith(`${workdir === '/' ? '' : workdir}/`)) {
    refuse(
      `The server serves ${served.folder}, not a build output folder under ${workdir}: cannot tell which files are the site.`,
    );
  }
  const relative = folder.slice(workdir === '/' ? 1 : workdir.length + 1);
  if (context.rootEntries?.includes(relative.split('/')[0]))
    refuse(`${relative}/ comes from the build context, not from the build: cannot tell which files are the site.`);
  if (!/^\d+$/.test(served.port))
    refuse(`The server's port ${served.port} is not a number: cannot make nginx listen on it.`);

  const port = Number(served.port);
  const config = nginxConfig(context, served, port);
  const finalImage = port < 1024 || config.full ? rootImage : unprivilegedImage;
  const root = config.root ?? htmlRoot;
  const generated = [...config.lines, `COPY --from=build ${folder} ${root}`];
  const userMessage = checkUser(model, stage, finalImage);

  const eol = model.lines.eol;
  const header = model.text.slice(
    0,
    model.lines.offsetAt({
      line: stage.from.range.start.line - leadingComments(model, stage.from).length,
      character: 0,
    }),
  );
  const builder: string[] = [builderFrom(model, stage)];
  const final: string[] = [`FROM ${finalImage}${finalName(stage)}`];
  for (const instruction of stage.instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'ONBUILD')
      refuse(`ONBUILD at line ${lineOf(instruction)}: a base image for other builds is not converted.`);
    if (instruction.index <= build.index && (sharedKeywords.has(keyword) || buildKeywords.has(keyword)))
      builder.push(kept(model, instruction));
    if (
      instruction.index > build.index &&
      buildKeywords.has(keyword) &&
      keyword !== 'SHELL' &&
      !dropped.includes(instruction)
    ) {
      refuse(
        `${keyword} at line ${lineOf(instruction)} runs after the build: cannot tell whether the site needs what it makes.`,
      );
    }
    if (keyword === 'HEALTHCHECK') checkHealthcheck(model, instruction, port);
    // nginx replaces the node server: its start command and user are the image's own.
    const replaced = keyword === 'CMD' || keyword === 'ENTRYPOINT' || (keyword === 'USER' && userMessage !== undefined);
    if (!replaced && (sharedKeywords.has(keyword) || runtimeKeywords.has(keyword)))
      final.push(kept(model, instruction));
    if (instruction === build) final.push(...generated);
  }
  final.push(nginxCmd);

  const original = start.words.join(' ');
  messages.push(
    `Replaced CMD \`${original}\` with nginx's: the final stage is ${finalImage}, serving ${folder} from ${root} on port ${port} (the port the node server listened on).`,
  );
  if (stage.instructions.some((instruction) => instruction.keyword === 'ENTRYPOINT'))
    messages.push("Replaced ENTRYPOINT: nginx's image starts through its own entrypoint.");
  if (userMessage) messages.push(userMessage);
  if (dropped.length > 0)
    messages.push(
      `Dropped the install of the node file server (line ${dropped.map(lineOf).join(', ')}): nginx serves the files.`,
    );
  messages.push(...config.messages);
  return { text: `${header}${builder.join(eol)}${eol}${eol}${final.join(eol)}${eol}`, messages };
}

interface Found {
  instruction: Instruction;
  command: EffectiveCommand;
}

function findBuild(stage: Stage): Found | undefined {
  let found: Found | undefined;
  for (const instruction of stage.instructions) {
    for (const raw of instruction.run?.commands ?? []) {
      const command = effectiveCommand(raw);
      if (isBuild(command)) found = { instruction, command };
    }
  }
  return found;
}

/** The script name `npm run build` runs, or the tool a direct `npx vite build` calls. */
function isBuild(command: EffectiveCommand): boolean {
  const words = command.args.map((arg) => arg.value);
  if (['npm', 'yarn', 'pnpm'].includes(command.program)) {
    const script =
      words[0] === 'run' || words[0] === 'run-script' ? words[1] : command.program === 'npm' ? undefined : words[0];
    return script !== undefined && /^build(:|$)/.test(script);
  }
  if (command.program === 'npx' || command.program === 'pnpx')
    return frontEndBuild.test(
      operands(command.args)
        .map((arg) => arg.value)
        .join(' '),
    );
  return false;
}

/** `npm install -g serve`, `yarn global add http-server`: the node file server nginx replaces. */
function installsServerOnly(instruction: Instruction): boolean {
  const commands = (instruction.run?.commands ?? []).map(effectiveCommand);
  return (
    commands.length > 0 &&
    commands.every((command) => {
      const words = operands(command.args).map((arg) => arg.value);
      const global =
        command.program === 'npm'
          ? ['install', 'i', 'add'].includes(words[0] ?? '') &&
            command.args.some((arg) => arg.value === '-g' || arg.value === '--global')
          : command.program === 'yarn' && words[0] === 'global' && words[1] === 'add';
      const names = words.slice(command.program === 'npm' ? 1 : 2).map((name) => name.replace(/(?<=.)@.*$/, ''));
      return global && names.length > 0 && names.every((name) => name === 'serve' || name === 'http-server');
    })
  );
}

function scriptsOf(context: ConvertContext): Record<string, string> | undefined {
  const text = context.files?.['package.json'];
  if (text === undefined) return undefined;
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    refuse('package.json is not valid JSON.');
  }
  return typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, string>) : {};
}

/** The build script must exist and be a front-end build: a server-side build (tsc, nest build) is the Node converter's business. */
function checkBuildScript(command: EffectiveCommand, context: ConvertContext): void {
  const scripts = scriptsOf(context);
  if (!scripts || command.program === 'npx' || command.program === 'pnpx') return;
  const words = command.args.map((arg) => arg.value);
  const script = words[0] === 'run' || words[0] === 'run-script' ? words[1] : words[0];
  const body = script === undefined ? undefined : scripts[script];
  if (body === undefined) refuse(`package.json has no "${script ?? 'build'}" script.`);
  if (!body.split(/&&|;/).some((part) => frontEndBuild.test(part.trim())))
    refuse(`The "${script}" script (\`${body}\`) is not a known front-end build: cannot tell which folder it writes.`);
}

/** What the node server served: its folder, port and single-page fallback, from its options and defaults. */
function servedOf(
  server: Exclude<Server, { kind: 'dev' }>,
  stage: Stage,
  model: DockerfileModel,
  context: ConvertContext,
): Served {
  const portEnv = envPort(model, stage);
  const args = server.args;
  const positional: string[] = [];
  let port: string | undefined;
  let spa = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? args[++index] ?? '';
    if (server.kind === 'serve') {
      if (name === '-s' || name === '--single') spa = true;
      else if (name === '-l' || name === '--listen' || name === '-p' || name === '--port')
        port = /(\d+)$/.exec(value())?.[1] ?? 'unknown';
      else if (['-c', '--config', '--ssl-cert', '--ssl-key', '--ssl-pass'].includes(name))
        refuse(`serve ${name} changes how files are served: cannot tell the nginx equivalent.`);
      else if (!name.startsWith('-')) positional.push(arg);
    } else if (server.kind === 'http-server') {
      if (name === '-p' || name === '--port') port = value();
      else if (name === '-a' || name === '-e' || name === '--ext' || name === '-t' || name === '--timeout') value();
      else if (name === '-P' || name === '--proxy') spa = value().length > 0;
      else if (name === '-S' || name === '--ssl' || name === '--tls')
        refuse('http-server serves TLS: cannot tell the nginx equivalent.');
      else if (!name.startsWith('-')) positional.push(arg);
    } else {
      if (name === '--port') port = value();
      else if (name === '--outDir') positional.push(value());
      else if (name === '--host' && inline === undefined && args[index + 1] && !args[index + 1].startsWith('-'))
        index++;
      spa = true;
    }
  }
  if (positional.length > 1)
    refuse(`The server gets several folders (${positional.join(', ')}): cannot tell which is the site.`);
  const folder = positional[0] ?? defaultFolder(server.kind, context);
  const fallback = server.kind === 'serve' ? '3000' : server.kind === 'http-server' ? '8080' : '4173';
  // serve and http-server read PORT when no option sets it; vite preview does not.
  const envDefault = server.kind === 'vite preview' ? undefined : portEnv;
  return { folder, port: port ?? envDefault ?? fallback, spa };
}

function defaultFolder(kind: Exclude<Server, { kind: 'dev' }>['kind'], context: ConvertContext): string {
  if (kind === 'vite preview') {
    const config = Object.entries(context.files ?? {}).find(([name]) => /^vite\.config\./.test(name))?.[1];
    if (config && /\boutDir\b/.test(config))
      refuse(
        'vite.config sets build.outDir: pass the folder to vite preview (--outDir) so the conversion can tell it.',
      );
    return 'dist';
  }
  refuse(
    `${kind} without a folder serves the working directory${kind === 'http-server' ? ' (or ./public)' : ''}: name the build output folder in the command first.`,
  );
}

/** The value of ENV PORT, when an ENV instruction sets it. */
function envPort(model: DockerfileModel, stage: Stage): string | undefined {
  let port: string | undefined;
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'ENV') continue;
    const text = argumentText(model, instruction);
    const match = /(?:^|\s)PORT(?:=|\s+)["']?([^\s"']+)/.exec(text);
    if (match) port = match[1];
  }
  return port;
}

interface NginxConfig {
  lines: string[];
  messages: string[];
  /** A whole nginx.conf (with `http {}`) written for the root-run image. */
  full: boolean;
  root?: string;
}

/** The context's nginx.conf/default.conf when there is one (it must listen on the port), else a generated server block. */
function nginxConfig(context: ConvertContext, served: Served, port: number): NginxConfig {
  const name = ['default.conf', 'nginx.conf'].find((file) => context.files?.[file] !== undefined);
  if (name) {
    const text = context.files?.[name] ?? '';
    const full = /(^|\n)\s*http\s*\{/.test(text);
    const listens = [...text.matchAll(/^\s*listen\s+(?:[^\s;]*:)?(\d+)\b/gm)].map((match) => Number(match[1]));
    if (!listens.includes(port))
      refuse(
        `${name} in the context listens on ${listens.length > 0 ? listens.join(', ') : '80 (no listen)'}, the node server on ${port}: make them match first.`,
      );
    const roots = [...new Set([...text.matchAll(/^\s*root\s+([^;\s]+)\s*;/gm)].map((match) => match[1]))];
    if (roots.length > 1)
      refuse(`${name} in the context has several roots (${roots.join(', ')}): cannot tell where the site goes.`);
    const target = full ? '/etc/nginx/nginx.conf' : '/etc/nginx/conf.d/default.conf';
    return {
      lines: [`COPY ${name} ${target}`],
      messages: [`${name} from the context configures nginx (${target}).`],
      full,
      root: roots[0],
    };
  }
  const fallback = served.spa ? '/index.html' : '=404';
  const block = [
    "COPY <<'EOF' /etc/nginx/conf.d/default.conf",
    'server {',
    `    listen ${port};`,
    `    root ${htmlRoot};`,
    '    location / {',
    `        try_files $uri $uri/ ${fallback};`,
    '    }',
    '}',
    'EOF',
  ];
  const spaNote = served.spa ? ', answering unknown paths with index.html as the single-page mode did' : '';
  return {
    lines: block,
    messages: [
      `Generated an nginx server block listening on ${port}${spaNote} (a heredoc: BuildKit, Docker 23 or later).`,
    ],
    full: false,
  };
}

/** nginx has no user `node`: a non-root user is replaced by the image's own (nginx, UID 101); root stays. */
function checkUser(model: DockerfileModel, stage: Stage, finalImage: string): string | undefined {
  const user = stage.instructions.filter((instruction) => instruction.keyword === 'USER').pop();
  if (!user) return undefined;
  const value = argumentText(model, user);
  if (/^(root|0)(:(root|0))?$/.test(value)) return undefined;
  if (finalImage !== unprivilegedImage)
    refuse(
      `USER ${value} (line ${lineOf(user)}) with a port below 1024 or a whole nginx.conf: nginx there starts as root.`,
    );
  return `Replaced USER ${value}: ${unprivilegedImage} runs as its own non-root user nginx (UID 101).`;
}

/** nginx alpine has busybox wget but not node: a HEALTHCHECK must use wget on the same port. */
function checkHealthcheck(model: DockerfileModel, instruction: Instruction, port: number): void {
  const text = argumentText(model, instruction);
  if (/^NONE$/i.test(text)) return;
  if (!/\bwget\b/.test(text) || /\bcurl\b|\bnode\b/.test(text))
    refuse(
      `HEALTHCHECK at line ${lineOf(instruction)} needs a tool the nginx image does not have: use wget (busybox) first.`,
    );
  const ports = [...text.matchAll(/localhost:(\d+)|127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1] ?? match[2]));
  if (ports.some((checked) => checked !== port))
    refuse(`HEALTHCHECK at line ${lineOf(instruction)} checks another port than ${port}.`);
}
