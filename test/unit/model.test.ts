import assert from 'node:assert/strict';
import { buildModel, layersOf } from '../../server/src/model/model';
import { parseShell } from '../../server/src/model/shell';

function commandsOf(text: string, index = -1): string[][] {
  const model = buildModel(text);
  const runs = model.instructions.filter((instruction) => instruction.run);
  const run = runs.at(index)?.run;
  return (run?.commands ?? []).map((command) => [command.name, ...command.args.map((arg) => arg.value)]);
}

function sliced(text: string): string[] {
  const model = buildModel(text);
  const run = model.instructions.find((instruction) => instruction.run)?.run;
  return (run?.commands ?? []).map((command) => text.slice(command.start, command.end));
}

describe('model', () => {
  describe('RUN shell commands', () => {
    it('splits && ; | and subshells, unquoting words', () => {
      assert.deepEqual(
        commandsOf('FROM x\nRUN apt-get update && apt-get install -y "curl" \'git\' | tee /log; (cd /src && make)\n'),
        [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl', 'git'], ['tee', '/log'], ['cd', '/src'], ['make']],
      );
    });

    for (const [name, eol] of [
      ['LF', '\n'],
      ['CRLF', '\r\n'],
    ]) {
      it(`joins continuation lines and drops comment lines inside them (${name})`, () => {
        const text = [
          'FROM x',
          'RUN apt-get update \\',
          '  # a comment between',
          '',
          '  && apt-get install -y curl \\  ',
          '  && rm -rf /var/lib/apt/lists/*',
          'USER nobody',
          '',
        ].join(eol);
        assert.deepEqual(commandsOf(text), [
          ['apt-get', 'update'],
          ['apt-get', 'install', '-y', 'curl'],
          ['rm', '-rf', '/var/lib/apt/lists/*'],
        ]);
        // Document ranges point at the words as written, across lines.
        assert.deepEqual(sliced(text), ['apt-get update', 'apt-get install -y curl', 'rm -rf /var/lib/apt/lists/*']);
      });
    }

    it('does not continue after an escaped escape character, as BuildKit', () => {
      assert.deepEqual(commandsOf('FROM x\nRUN echo a \\\\\nRUN make\n', 0), [['echo', 'a', '\\']]);
    });

    it('reads a negated group as its commands', () => {
      assert.deepEqual(commandsOf('FROM x\nRUN ! { ldd /x.so | grep "not found"; }\n'), [
        ['ldd', '/x.so'],
        ['grep', 'not found'],
      ]);
    });

    it('honours # escape=` for continuations', () => {
      const text = '# escape=`\nFROM x\nRUN make `\n  && make install\n';
      assert.deepEqual(commandsOf(text), [['make'], ['make', 'install']]);
    });

    it('takes the heredoc body of RUN <<EOF as the script', () => {
      const text = 'FROM x\nRUN <<EOF\nset -e\napt-get update\nrm -rf /var/lib/apt/lists/*\nEOF\n';
      assert.deepEqual(commandsOf(text), [
        ['set', '-e'],
        ['apt-get', 'update'],
        ['rm', '-rf', '/var/lib/apt/lists/*'],
      ]);
      assert.deepEqual(sliced(text), ['set -e', 'apt-get update', 'rm -rf /var/lib/apt/lists/*']);
    });

    it('passes a heredoc to a command: RUN python3 <<EOF', () => {
      assert.deepEqual(commandsOf('FROM x\nRUN python3 <<EOF\nprint("hi")\nEOF\n'), [['python3']]);
    });

    it('reads exec form as one command', () => {
      assert.deepEqual(commandsOf('FROM x\nRUN ["go", "build", "-o", "/app"]\n'), [['go', 'build', '-o', '/app']]);
    });

    it('skips RUN flags', () => {
      assert.deepEqual(
        commandsOf('FROM x\nRUN --mount=type=cache,target=/root/.cache/pip --network=none pip install -r req.txt\n'),
        [['pip', 'install', '-r', 'req.txt']],
      );
    });

    it('does not parse commands for a non-POSIX SHELL, and SHELL is inherited', () => {
      const text =
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nRUN dir\nFROM base\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem\nFROM debian:12\nRUN ls\n';
      const model = buildModel(text);
      const runs = model.instructions
        .filter((instruction) => instruction.run)
        .map((instruction) => [instruction.run?.posixShell, instruction.run?.commands.length]);
      assert.deepEqual(runs, [
        [false, 0],
        [false, 0],
        [true, 1],
      ]);
    });

    it('falls back to a word split when the parser rejects the script', () => {
      const result = parseShell('apt-get install -y "curl && echo');
      assert.ok(result.error);
      assert.deepEqual(
        result.commands.map((command) => command.name),
        ['apt-get'],
      );
    });

    it('maps non-ASCII scripts back to the right columns', () => {
      const text = 'FROM x\nRUN echo "héllo wörld" && make\n';
      assert.deepEqual(sliced(text), ['echo "héllo wörld"', 'make']);
    });
  });

  describe('stages', () => {
    const text = [
      'ARG BASE=node:22',
      'ARG VARIANT',
      'FROM ${BASE}-slim AS Deps',
      'RUN npm ci',
      'FROM deps AS build',
      'RUN npm run build',
      'FROM docker.io/library/nginx:1.27@sha256:abcd AS web',
      'COPY --from=build /app/dist /usr/share/nginx/html',
      'FROM debian:${VARIANT:-bookworm} AS tools',
      'RUN --mount=from=deps,source=/x,target=/x true',
      '',
    ].join('\n');

    it('resolves ARG defaults, stage references and the stage graph', () => {
      const model = buildModel(text);
      assert.deepEqual(
        model.stages.map((stage) => ({
          name: stage.name,
          image: stage.image.resolved,
          repository: stage.image.repository,
          tag: stage.image.tag,
          base: stage.baseStage?.name,
          deps: stage.dependencies.map((dep) => dep.name),
          shipped: stage.shipped,
          reachable: stage.reachable,
        })),
        [
          {
            name: 'deps',
            image: 'node:22-slim',
            repository: 'node',
            tag: '22-slim',
            base: undefined,
            deps: [],
            shipped: false,
            reachable: true,
          },
          {
            name: 'build',
            image: 'deps',
            repository: 'deps',
            tag: undefined,
            base: 'deps',
            deps: ['deps'],
            shipped: false,
            reachable: false,
          },
          {
            name: 'web',
            image: 'docker.io/library/nginx:1.27@sha256:abcd',
            repository: 'nginx',
            tag: '1.27',
            base: undefined,
            deps: ['build'],
            shipped: false,
            reachable: false,
          },
          {
            name: 'tools',
            image: 'debian:bookworm',
            repository: 'debian',
            tag: 'bookworm',
            base: undefined,
            deps: ['deps'],
            shipped: true,
            reachable: true,
          },
        ],
      );
    });

    it('ships the target stage when one is set', () => {
      const model = buildModel(text, { target: 'WEB' });
      assert.deepEqual(
        model.stages.map((stage) => [stage.name, stage.shipped, stage.reachable]),
        [
          ['deps', false, true],
          ['build', false, true],
          ['web', true, true],
          ['tools', false, false],
        ],
      );
      assert.deepEqual(
        layersOf(model.stages[1]).map(
          (instruction) => instruction.keyword + ' ' + instruction.args.map((arg) => arg.value).join(' '),
        ),
        ['RUN npm ci', 'RUN npm run build'],
      );
    });

    it('marks unresolvable variables', () => {
      const model = buildModel('ARG IMAGE\nFROM $IMAGE\n');
      assert.deepEqual([model.stages[0].image.resolved, model.stages[0].image.unresolved], ['$IMAGE', true]);
    });
  });

  it('reads COPY sources and destination, not heredoc bodies', () => {
    const model = buildModel(
      'FROM x\nCOPY --chown=1:1 a b /dest/\nCOPY <<EOF /etc/motd\nhello world\nEOF\nCOPY ["x y", "/z"]\n',
    );
    assert.deepEqual(
      model.instructions
        .filter((instruction) => instruction.copy)
        .map((instruction) => [instruction.copy?.sources, instruction.copy?.destination]),
      [
        [['a', 'b'], '/dest/'],
        [[], '/etc/motd'],
        [['x y'], '/z'],
      ],
    );
  });

  it('never throws on junk', () => {
    for (const junk of [
      '',
      '\u0000\u0001\u0002',
      'RUN',
      'FROM',
      'FROM x\nRUN <<EOF\nunterminated',
      'FROM x\nRUN "unterminated \\\n',
      'FROM x\nCOPY --from= a b\n',
      '\\\n\\\n',
      'FROM x AS\n',
    ]) {
      assert.doesNotThrow(() => buildModel(junk), JSON.stringify(junk));
    }
  });
});
