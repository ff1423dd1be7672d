import { effectiveCommandsOf, operands } from '../model/commands';
import type { DocumentWord, Instruction } from '../model/model';
import { layersOf } from '../model/model';
import { literalPath, resolvePath } from '../model/paths';
import { copyCreations } from './cleanup-in-later-layer';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'add-remote-archive',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        '`ADD <url>` downloads a file without verifying it, or keeps a downloaded archive in the shipped image next to its unpacked copy.',
      rationale:
        'ADD fetches a URL at build time and trusts whatever the server returns: a moved tag, a compromised mirror or ' +
        'a man in the middle changes what you ship without a diff. Pin it with `ADD --checksum=sha256:…` (Dockerfile ' +
        'syntax 1.6+) or download and check it in a RUN (`curl -fsSLo f … && echo "<sha256>  f" | sha256sum -c -`). ' +
        'Unlike a local archive, an archive ADD downloads is not unpacked (unless `--unpack=true`, syntax 1.17+): a later ' +
        "RUN that unpacks it leaves the archive in the ADD's own layer, so the image carries it twice. Download, verify, " +
        'unpack and delete it in one RUN, or do it in a build stage and COPY the result. An unverified download in a ' +
        'build stage that the shipped image uses is reported as a hint: the file does not ship, but what is built from it does.',
      bad: 'FROM debian:bookworm-slim\nADD https://example.com/tool-1.2.tar.gz /tmp/\nRUN tar -xzf /tmp/tool-1.2.tar.gz -C /opt\nUSER nobody\n',
      good:
        'FROM debian:bookworm-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool-1.2.tar.gz \\\n' +
        '    && echo "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  /tmp/tool.tar.gz" | sha256sum -c - \\\n' +
        '    && tar -xzf /tmp/tool.tar.gz -C /opt && rm /tmp/tool.tar.gz\nUSER nobody\n',
    },
    messages: {
      unverified:
        '`ADD {{url}}` downloads without a checksum. The build uses whatever the server returns; pin it with `--checksum=sha256:…` or download and verify it in a RUN.',
      kept: '`ADD {{url}}` keeps the archive in its own layer. The RUN on line {{line}} unpacks it again, so the image carries both. Download, unpack and delete it in one RUN (or unpack it in a build stage).',
      unverifiedKept:
        '`ADD {{url}}` downloads without a checksum and keeps the archive in its own layer. The RUN on line {{line}} unpacks it again, so the image carries both. Download, verify (sha256sum -c), unpack and delete it in one RUN.',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const shippedLayers = layersOf(shipped);
    const inShipped = new Set(shippedLayers);
    for (const stage of model.stages) {
      if (!stage.reachable) continue;
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'ADD' || !instruction.copy) continue;
        const url = instruction.args.find((arg) => isDownload(arg.value));
        if (!url) continue;
        const verified = instruction.flags.some((flag) => flag.name === 'checksum' && flag.value);
        const ships = inShipped.has(instruction);
        const unpacker = ships ? unpackedLater(shippedLayers, instruction, url) : undefined;
        if (verified && !unpacker) continue;
        const shown = url.value.length > 70 ? `${url.value.slice(0, 67)}…` : url.value;
        report({
          messageId: unpacker ? (verified ? 'kept' : 'unverifiedKept') : 'unverified',
          data: { url: shown, line: unpacker ? unpacker.range.start.line + 1 : 0 },
          range: url.range,
          // The file of a build stage never ships; what is built from it does, so the missing check stays worth a hint.
          severity: ships ? undefined : 'hint',
        });
      }
    }
  },
});

/** An http(s)/ftp URL that ADD downloads as a file (git repositories are cloned, not downloaded). */
function isDownload(value: string): boolean {
  if (!/^(https?|ftp):\/\//i.test(value)) return false;
  const path = value.split(/[?#]/)[0];
  return !/\.git$/i.test(path) && !value.includes('.git#');
}

const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|zip)$/i;

/** The later RUN of the shipped image that unpacks the downloaded archive and does not delete it, if any. */
function unpackedLater(layers: Instruction[], add: Instruction, url: DocumentWord): Instruction | undefined {
  const name = url.value.split(/[?#]/)[0].split('/').pop() ?? '';
  if (add.flags.some((flag) => flag.name === 'unpack' && (flag.value === null || flag.value === 'true')))
    return undefined;
  let workdir = '/';
  const workdirs = new Set<string>();
  let file: string | undefined;
  let unpacker: Instruction | undefined;
  for (const instruction of layers) {
    if (instruction.keyword === 'WORKDIR') {
      const path = literalPath(instruction.args[0]);
      if (path) workdir = resolvePath(workdir, path);
      workdirs.add(workdir);
    } else if (instruction === add) {
      file = copyCreations(add.copy!, workdir, workdirs, true).find((entry) => entry.file)?.path;
      // The archive is known by its URL or by the name ADD gives it.
      if (!file || !(archive.test(name) || archive.test(file))) return undefined;
    } else if (file && instruction.run) {
      for (const command of effectiveCommandsOf(instruction.run)) {
        const paths = operands(command.args)
          .map(literalPath)
          .filter((path): path is string => path !== undefined)
          .map((path) => resolvePath(workdir, path));
        // Deleted later: cleanup-in-later-layer tells that the bytes stay.
        if ((command.program === 'rm' || command.program === 'unlink') && paths.includes(file)) return undefined;
        if (
          !unpacker &&
          unpacks(
            command.program,
            command.args.map((arg) => arg.value),
            paths,
            file,
          )
        )
          unpacker = instruction;
      }
    }
  }
  return unpacker;
}

function unpacks(program: string, words: string[], paths: string[], file: string): boolean {
  if (program === 'unzip' || program === 'bsdtar' || program === '7z') return paths.includes(file);
  if (program !== 'tar') return false;
  const extracting = words.some(
    (word, index) =>
      /^-[a-zA-Z]*x[a-zA-Z]*$/.test(word) ||
      (index === 0 && /^[a-zA-Z]*x[a-zA-Z]*$/.test(word)) ||
      word === '--extract' ||
      word === '--get',
  );
  return extracting && paths.includes(file);
}
