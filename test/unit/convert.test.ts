import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCommand } from '../../server/src/cli/convert';
import { analyzeDocument } from '../../server/src/engine/document';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import { readConvertContext } from '../../server/src/fixes/convert/contextFiles';
import type { ConvertContext } from '../../server/src/fixes/convert';
import { buildModel } from '../../server/src/model/model';
import { runtimeConfig } from '../../server/src/model/runtime';

const fixtures = join(__dirname, '../fixtures/convert');
/** What a conversion exists to remove: none of these may fire on its output. */
const removedFindings = [
  'single-stage-build',
  'sdk-image-in-final-stage',
  'build-tools-in-final-stage',
  'source-copied-into-final-stage',
];

function contextOf(dir: string): ConvertContext {
  const context = readConvertContext(dir);
  return {
    ...context,
    rootEntries: context.rootEntries?.filter((name) => !/^(Dockerfile|expected\.Dockerfile|reason\.txt)$/.test(name)),
  };
}

function cases(group: string): { name: string; dir: string }[] {
  return readdirSync(join(fixtures, group)).map((name) => ({
    name: `${group}/${name}`,
    dir: join(fixtures, group, name),
  }));
}

function convert(text: string, context: ConvertContext): { text: string; messages: string[] } {
  const result = convertToMultiStage(text, context);
  if (!result.ok) assert.fail(`refused: ${result.reason}`);
  return result;
}

describe('convert to multi-stage', () => {
  for (const { name, dir } of readdirSync(fixtures)
    .filter((group) => group !== 'refuse')
    .flatMap(cases)) {
    describe(name, () => {
      const input = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const expected = readFileSync(join(dir, 'expected.Dockerfile'), 'utf8');
      const context = contextOf(dir);

      it('gives the expected Dockerfile', () => {
        assert.equal(convert(input, context).text, expected);
      });

      it('gives the expected Dockerfile with CRLF line ends', () => {
        assert.equal(convert(input.replace(/\n/g, '\r\n'), context).text, expected.replace(/\n/g, '\r\n'));
      });

      it('re-parses into two stages and keeps the runtime config (USER only where a message says it was added)', () => {
        const { text, messages } = convert(input, context);
        const output = buildModel(text);
        assert.equal(output.stages.length, 2);
        assert.equal(output.shipped?.index, 1);
        const before = runtimeConfig(buildModel(input));
        const after = runtimeConfig(output);
        const addedUser = messages.map((message) => /^Added USER (\S+?):/.exec(message)?.[1]).find(Boolean);
        if (addedUser) {
          assert.equal(before.USER, undefined);
          assert.equal(after.USER, addedUser);
          delete after.USER;
        }
        // Narrow, announced exceptions: an ENV the final stage needs to run (a venv's PATH) and a start command a conversion must replace (nginx serves a static build).
        for (const added of messages
          .map((message) => /^Added ENV (.+?): /.exec(message)?.[1])
          .filter((entry): entry is string => entry !== undefined)) {
          assert.ok(after.ENV.includes(added), `the output has ENV ${added}`);
          after.ENV = after.ENV.filter((entry) => entry !== added);
        }
        for (const keyword of messages
          .map((message) => /^Replaced (CMD|ENTRYPOINT|USER)\b/.exec(message)?.[1])
          .filter((entry): entry is 'CMD' | 'ENTRYPOINT' | 'USER' => entry !== undefined)) {
          delete before[keyword];
          delete after[keyword];
        }
        assert.deepEqual(after, before);
      });

      it('leaves none of the findings the conversion is for', () => {
        const rules = analyzeDocument(
          convert(input, context).text,
          {},
          { rootEntries: context.rootEntries },
        ).findings.map((finding) => finding.rule);
        assert.deepEqual(
          rules.filter((rule) => removedFindings.includes(rule)),
          [],
        );
        // A Python app builds nothing single-stage-build knows; what it ships is the toolchain, the whole context or a full image (heavy-base-image).
        const inputRules = analyzeDocument(input, {}, { rootEntries: context.rootEntries }).findings.map(
          (finding) => finding.rule,
        );
        assert.ok(
          inputRules.some((rule) => removedFindings.includes(rule) || rule === 'heavy-base-image'),
          'the input has a finding the conversion removes',
        );
      });

      it('refuses to convert its own output', () => {
        assert.deepEqual(convertToMultiStage(convert(input, context).text, context), {
          ok: false,
          reason: 'The Dockerfile is already multi-stage.',
        });
      });
    });
  }

  for (const { name, dir } of cases('refuse')) {
    it(`refuses ${name}`, () => {
      const result = convertToMultiStage(readFileSync(join(dir, 'Dockerfile'), 'utf8'), contextOf(dir));
      const reason = readFileSync(join(dir, 'reason.txt'), 'utf8').trim();
      assert.equal(result.ok, false);
      assert.ok(
        !result.ok && result.reason.includes(reason),
        `${!result.ok ? result.reason : ''} should say "${reason}"`,
      );
    });
  }

  it('refuses what it cannot make safe', () => {
    const reasons = [
      ['FROM mongo:7\nCMD ["mongod"]\n', 'No conversion for the base image mongo'],
      [
        'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD /app migrate && /app --port 80\n',
        'runs several programs',
      ],
      [
        'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["/app"]\n',
        'HEALTHCHECK',
      ],
      [
        'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nRUN adduser -D app\nUSER app\nCMD ["/app"]\n',
        'not a user of the distroless image',
      ],
      ['FROM golang:1.23\nCOPY . .\nRUN go build -o /app .\nRUN mkdir /data\nCMD ["/app"]\n', 'runs after the build'],
      ['FROM golang:1.23\nCOPY . .\nRUN go build -o "$OUT" .\nCMD ["/app"]\n', 'uses a variable'],
      [
        'FROM node:22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
        'pinned by digest',
      ],
      [
        'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["go", "run", "."]\n',
        'not the build output',
      ],
      ['FROM golang:1.23-alpine\nRUN apk add gcc musl-dev\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n', 'musl'],
      [
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["nodemon", "server.js"]\n',
        'not node or a package manager',
      ],
      [
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm test\nCMD ["node", "server.js"]\n',
        'may need the dev dependencies',
      ],
      [
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npm", "start"]\n',
        'not `node <file>`',
      ],
      [
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "server.js"]\n',
        'not under a build output folder',
      ],
      [
        'FROM node:22\nRUN apt-get update && apt-get install -y ffmpeg\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
        'ffmpeg',
      ],
    ];
    assert.deepEqual(
      reasons.map(([text, expected]) => {
        const result = convertToMultiStage(text, {});
        return !result.ok && result.reason.includes(expected) ? expected : result;
      }),
      reasons.map(([, expected]) => expected),
    );
  });

  it('puts CGO_ENABLED=0 before each go build of a RUN', () => {
    const result = convert(
      'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o bin/api ./cmd/api && go build -o bin/cli ./cmd/cli\nCMD ["bin/api"]\n',
      {},
    );
    assert.equal(
      result.text,
      'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o bin/api ./cmd/api && CGO_ENABLED=0 go build -o bin/cli ./cmd/cli\n\n' +
        'FROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /src\nCOPY --from=build /src/bin/api /src/bin/api\nCOPY --from=build /src/bin/cli /src/bin/cli\nCMD ["bin/api"]\n',
    );
  });

  describe('layerlens convert', () => {
    function run(args: string[]) {
      const out = { stdout: '', stderr: '' };
      const io = {
        stdout: (text: string) => (out.stdout += text),
        stderr: (text: string) => (out.stderr += text),
        cwd: fixtures,
      };
      return convertCommand(args, io).then((code) => ({ code, ...out }));
    }

    it('prints the converted Dockerfile and its notes on stderr', async () => {
      const result = await run(['node/npm/Dockerfile']);
      assert.deepEqual(
        { code: result.code, stdout: result.stdout },
        { code: 0, stdout: readFileSync(join(fixtures, 'node/npm/expected.Dockerfile'), 'utf8') },
      );
      assert.match(result.stderr, /Added USER node/);
    });

    it('exits 1 with the reason on one line when it refuses', async () => {
      assert.deepEqual(await run(['refuse/go-without-output/Dockerfile']), {
        code: 1,
        stdout: '',
        stderr: '`go build` at line 4 has no -o: cannot tell the build output.\n',
      });
    });

    it('rewrites the file with --write', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'layerlens-convert-'));
      cpSync(join(fixtures, 'go/basic'), dir, { recursive: true });
      const result = await run([join(dir, 'Dockerfile'), '--write']);
      assert.equal(result.code, 0);
      assert.equal(
        readFileSync(join(dir, 'Dockerfile'), 'utf8'),
        readFileSync(join(dir, 'expected.Dockerfile'), 'utf8'),
      );
    });
  });
});
