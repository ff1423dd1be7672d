import { effectiveCommandsOf, programName } from '../model/commands';
import type { EffectiveCommand } from '../model/commands';
import type { DockerfileModel, Instruction } from '../model/model';
import { defineRule } from './types';

const downloaders = new Set(['curl', 'wget']);

/** Tools that check a file against a checksum or a signature; one of them in the RUN counts as a check. */
const checksumTools =
  /^(sha1sum|sha224sum|sha256sum|sha384sum|sha512sum|md5sum|b2sum|shasum|cksum|gpgv|gpgv2|cosign|minisign|signify|slsa-verifier|sigstore|rekor-cli)$/;

/** Pipe consumers that unpack or install what they read. */
const unpackers = /^(tar|bsdtar|gunzip|gzip|unzip|funzip|xz|unxz|zstd|bunzip2|bzip2|cpio|7z|7za|dpkg|rpm|apk)$/;
/** Shells and interpreters reading a script from the pipe: curl-pipe-to-shell's finding. */
const scriptReaders = /^(sh|bash|dash|ash|zsh|ksh|mksh|python\d*(\.\d+)?|perl|ruby|node|php)$/;

/** What a download is when it is a key, a signature, a checksum list or a package-manager source, not a file to check. */
const trustMaterial =
  /(\.(asc|sig|sign|minisig|gpg|pgp|pub|key|pem|crt|sha1|sha256|sha256sum|sha512|sha512sum|md5|intoto\.jsonl|repo|list|sources)$|(^|[/_.-])(sha\d*sums?|checksums?|shasums?\d*)([._-][^/]*)?(\.txt)?$|keyring|\/keys?\/|\/etc\/apt\/|\/etc\/yum\.repos\.d\/|^\/dev\/null$)/i;

/** curl options that take a value, so that value is not taken for the URL. */
const curlValueOptions = new Set([
  '-H',
  '--header',
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-urlencode',
  '-u',
  '--user',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-X',
  '--request',
  '-w',
  '--write-out',
  '-m',
  '--max-time',
  '--retry',
  '--retry-delay',
  '--retry-max-time',
  '--connect-timeout',
  '-T',
  '--upload-file',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '-x',
  '--proxy',
  '-r',
  '--range',
  '-K',
  '--config',
  '-E',
  '--cert',
  '--cacert',
  '--proto',
  '--proto-redir',
  '-z',
  '--time-cond',
  '-C',
  '--continue-at',
  '--output-dir',
  '--limit-rate',
  '-Y',
  '-y',
]);
const wgetValueOptions = new Set([
  '-P',
  '--directory-prefix',
  '-U',
  '--user-agent',
  '--header',
  '-t',
  '--tries',
  '-T',
  '--timeout',
  '--user',
  '--password',
  '-e',
  '--execute',
  '-o',
  '--output-file',
  '-a',
  '--append-output',
  '--ca-certificate',
  '--post-data',
]);

interface Download {
  command: EffectiveCommand;
  /** Where the file lands; undefined when it goes to a pipe. */
  file?: string;
  /** The unpacker the download is piped into. */
  unpacker?: EffectiveCommand;
}

export const rule = defineRule({
  meta: {
    name: 'download-without-verification',
    severity: 'warning',
    fixable: false,
    docs: {
      summary:
        'A RUN downloads a file with curl or wget and unpacks, runs or keeps it without checking a checksum or a signature in the same RUN.',
      rationale:
        'Whatever the server returns goes into the image: a compromised release page, a hijacked domain, a mirror or a ' +
        'proxy in the middle changes what you ship without a diff in the Dockerfile, and a moved `latest` changes it ' +
        'without anyone attacking. Pin the file by its checksum and check it before use, in the same RUN: ' +
        '`echo "<sha256>  app.tar.gz" | sha256sum -c -`, or verify its signature (`gpg --verify app.tar.gz.asc app.tar.gz`, ' +
        '`cosign verify-blob`). Keys, signatures, checksum lists and package-manager source lists are not flagged (they are ' +
        'what the check uses), nor are URLs that name their content by hash (a git commit, a sha256 digest), nor API calls whose output is read as text (`$(curl …/latest | jq …)`). A script piped ' +
        'into a shell is curl-pipe-to-shell’s finding, and `ADD <url>` without `--checksum` is add-remote-archive’s. In a stage ' +
        'that is not shipped or used the finding is a hint.',
      bad: 'FROM debian:bookworm-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool-1.2.3-linux-amd64.tar.gz \\\n    && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin \\\n    && rm /tmp/tool.tar.gz\nUSER nobody\n',
      good: 'FROM debian:bookworm-slim\nRUN curl -fsSLo /tmp/tool.tar.gz https://example.com/tool-1.2.3-linux-amd64.tar.gz \\\n    && echo "3f8d2c4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e  /tmp/tool.tar.gz" | sha256sum -c - \\\n    && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin \\\n    && rm /tmp/tool.tar.gz\nUSER nobody\n',
    },
    messages: {
      unverified:
        '`{{command}}` downloads {{what}} unverified. This RUN {{use}} it without checking a checksum or signature; check it in the same RUN (`sha256sum -c`, `gpg --verify`).',
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      const severity = stage.reachable ? undefined : 'hint';
      for (const instruction of stage.instructions) {
        const run = instruction.run;
        if (!run || !run.posixShell || run.form === 'exec') continue;
        // Cheap gate: most RUNs download nothing.
        if (!run.commands.some((command) => downloaders.has(programName(command.name)) || command.name === 'sudo'))
          continue;
        const commands = effectiveCommandsOf(run);
        if (commands.some(checks)) continue;
        const later = stage.instructions.filter((other) => other.index > instruction.index);
        for (const command of commands) {
          if (!downloaders.has(command.program) || powerShellStyle(command)) continue;
          const download = downloadOf(model, command, commands);
          if (!download || checkedLater(download, later)) continue;
          report({
            messageId: 'unverified',
            data: {
              command: shorten(model.text.slice(command.nameWord.start, command.command.end)),
              what: download.file ? `\`${baseName(download.file)}\`` : 'an archive',
              use: useOf(download, commands),
            },
            range: model.lines.range(command.nameWord.start, command.command.end),
            severity,
          });
        }
      }
    }
  },
});

/** `wget -Uri … -OutFile …` in a Windows image: PowerShell's Invoke-WebRequest alias, not GNU wget. */
function powerShellStyle(command: EffectiveCommand): boolean {
  return command.args.some((arg) => /^-(OutFile|Uri|UseBasicParsing|Headers|Method)$/i.test(arg.value));
}

/** A check in a later RUN of the stage that names the file (`RUN minisign -Vm /bin/minio …`): the build fails before the stage is used. */
function checkedLater(download: Download, later: Instruction[]): boolean {
  const name = baseName(download.file ?? '');
  if (name === '' || name.includes('$')) return false;
  return later.some((instruction) =>
    (instruction.run?.posixShell ? effectiveCommandsOf(instruction.run) : []).some(
      (command) => checks(command) && command.args.some((arg) => arg.value.includes(name)),
    ),
  );
}

/** A checksum or signature check: `sha256sum -c`, `gpg --verify`, `cosign verify-blob`, `openssl dgst -verify`. */
function checks(command: EffectiveCommand): boolean {
  const words = command.args.map((arg) => arg.value);
  if (checksumTools.test(command.program)) return true;
  if (command.program === 'gpg' || command.program === 'gpg2')
    return words.some((word) => word === '--verify' || word === '--verify-files');
  if (command.program === 'openssl') return words.includes('dgst') || words.some((word) => /^-?sha\d+$/.test(word));
  if (command.program === 'rpm') return words.some((word) => word === '-K' || word === '--checksig');
  return false;
}

/** The file a curl/wget writes, or the unpacker it feeds; undefined for requests, keys, signatures and pipes to a shell. */
function downloadOf(
  model: DockerfileModel,
  command: EffectiveCommand,
  commands: EffectiveCommand[],
): Download | undefined {
  const words = command.args.map((arg) => arg.value);
  const url = urlOf(command.program, words);
  if (url !== undefined && trustMaterial.test(url.replace(/[?#].*$/, ''))) return undefined;
  // A URL that names its content by hash (a git commit, a sha256 digest) gets that content or an error.
  if (url !== undefined && /(^|[/@=:])([0-9a-f]{40}|[0-9a-f]{64})([/?#.]|$)/.test(url)) return undefined;
  // `$(curl …)`: the output is read as text (a version, a token), not kept.
  if (commands.some((other) => other !== command && other.args.some((arg) => contains(arg, command)))) return undefined;
  const file = outputFile(command.program, words, url) ?? redirectTarget(model, command);
  if (file !== undefined) {
    if (file === '-' || file === '/dev/stdout') return pipedDownload(command, commands);
    return trustMaterial.test(file) ? undefined : { command, file };
  }
  return pipedDownload(command, commands);
}

/** A download written to standard output counts only when it feeds an unpacker (`curl … | tar -xz`). */
function pipedDownload(command: EffectiveCommand, commands: EffectiveCommand[]): Download | undefined {
  const pipeline = command.command.pipeline;
  if (pipeline === undefined) return undefined;
  const next = commands.find(
    (other) => other.command.pipeline === pipeline && other.command.start > command.command.start,
  );
  if (!next || scriptReaders.test(next.program) || !unpackers.test(next.program)) return undefined;
  // `gzip`, `xz`, `zstd`, `bzip2` unpack only with -d.
  if (/^(gzip|xz|zstd|bzip2)$/.test(next.program) && !next.args.some((arg) => /^-[a-z]*d/.test(arg.value)))
    return undefined;
  return { command, unpacker: next };
}

function contains(word: { start: number; end: number }, command: EffectiveCommand): boolean {
  return word.start <= command.command.start && command.command.end <= word.end && word.end - word.start > 0;
}

/** The first operand that is not an option's value: the URL (maybe a variable). */
function urlOf(program: string, words: string[]): string | undefined {
  const valueOptions = program === 'curl' ? curlValueOptions : wgetValueOptions;
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    if (valueOptions.has(word) || (program === 'curl' && /^-[a-zA-Z]*o$/.test(word)) || word === '--output') {
      index++;
      continue;
    }
    if (program === 'wget' && (word === '-O' || word === '--output-document')) {
      index++;
      continue;
    }
    if (!word.startsWith('-')) return word;
  }
  return undefined;
}

/** `curl -o FILE`, `curl -O` (the URL's name), `wget -O FILE`, `wget URL` (the URL's name); `-` for standard output. */
function outputFile(program: string, words: string[], url: string | undefined): string | undefined {
  const remoteName = url ? baseName(url.replace(/[?#].*$/, '')) || 'index.html' : 'the file';
  if (program === 'wget') {
    for (const [index, word] of words.entries()) {
      if (word === '-O' || word === '--output-document') return words[index + 1];
      if (word.startsWith('--output-document=')) return word.slice('--output-document='.length);
      const short = /^-[a-zA-Z]*O(.*)$/.exec(word);
      if (short) return short[1] !== '' ? short[1] : words[index + 1];
    }
    return remoteName;
  }
  for (const [index, word] of words.entries()) {
    if (word === '--output') return words[index + 1];
    if (word.startsWith('--output=')) return word.slice('--output='.length);
    if (/^-[a-zA-Z]*o$/.test(word)) return words[index + 1];
    if (word === '--remote-name' || word === '--remote-name-all' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(word))
      return remoteName;
  }
  return undefined;
}

/** `curl URL > file`: the shell parser keeps redirections out of the words; read the text after the command. */
function redirectTarget(model: DockerfileModel, command: EffectiveCommand): string | undefined {
  const after = /^[ \t]*>>?[ \t]*([^\s;&|)]+)/.exec(model.text.slice(command.command.end, command.command.end + 300));
  return after?.[1].replace(/^["']|["']$/g, '');
}

/** What the RUN does with the file: unpacks, runs or installs it, or keeps it in the image. */
function useOf(download: Download, commands: EffectiveCommand[]): string {
  if (download.unpacker) return 'unpacks';
  const name = baseName(download.file ?? '');
  const later = commands.filter(
    (command) =>
      command.command.start > download.command.command.start &&
      command.args.some((arg) => name !== '' && baseName(arg.value) === name),
  );
  if (later.some((command) => /^(tar|bsdtar|unzip|gunzip|7z|7za|xz|unxz|zstd|bunzip2|cpio)$/.test(command.program)))
    return 'unpacks';
  if (
    later.some(
      (command) =>
        /^(sh|bash|dash|ash|zsh|python\d*(\.\d+)?|perl|ruby|node|php|java|dpkg|rpm|apk|install|msiexec)$/.test(
          command.program,
        ) ||
        (command.program === 'chmod' && command.args.some((arg) => /x/.test(arg.value))),
    ) ||
    commands.some(
      (command) => command.command.start > download.command.command.start && baseName(command.program) === name,
    )
  )
    return 'runs or installs';
  return 'keeps';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function shorten(text: string): string {
  const single = text.replace(/\s*\\\r?\n\s*/g, ' ').replace(/\s+/g, ' ');
  return single.length > 60 ? `${single.slice(0, 57)}…` : single;
}
