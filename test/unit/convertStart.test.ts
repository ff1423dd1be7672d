import assert from 'node:assert/strict';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertContext } from '../../server/src/fixes/convert';
import { startWords } from '../../server/src/fixes/convert/start';
import { workdirs } from '../../server/src/fixes/convert/common';
import { buildModel } from '../../server/src/model/model';

const pom =
  '<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>app</artifactId><version>1.0</version></project>\n';
const cargo = '[package]\nname = "relay"\nversion = "0.1.0"\n';
const csproj =
  '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n';
const nodePackage = JSON.stringify({ name: 'api', scripts: { build: 'tsc', start: 'node dist/server.js' } });
const webPackage = JSON.stringify({ name: 'web', scripts: { build: 'vite build' }, devDependencies: { vite: '5' } });

function context(files: Record<string, string>): ConvertContext {
  return { rootEntries: Object.keys(files), files };
}

/** The final stage's FROM and its start command, or the refusal reason. */
function outcome(text: string, ctx: ConvertContext): { from: string; start: string } | string {
  const result = convertToMultiStage(text, ctx);
  if (!result.ok) return result.reason;
  const final = result.text.slice(result.text.indexOf('\n\nFROM ') + 2).split('\n');
  return {
    from: final[0],
    start: final.filter((line) => /^(CMD|ENTRYPOINT) /.test(line)).join(' | '),
  };
}

/** One Dockerfile per ecosystem, its start command given as `start` (exec form, shell form or `sh -c`). */
const ecosystems: Record<string, { dockerfile: (start: string) => string; files: Record<string, string> }> = {
  Go: {
    dockerfile: (start) =>
      `FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/hello .\n${start}\n`,
    files: { 'go.mod': 'module example.com/hello\n' },
  },
  Node: {
    dockerfile: (start) => `FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n${start}\n`,
    files: { 'package.json': nodePackage },
  },
  'static web': {
    dockerfile: (start) => `FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 3000\n${start}\n`,
    files: { 'package.json': webPackage },
  },
  Python: {
    dockerfile: (start) =>
      `FROM python:3.12\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n${start}\n`,
    files: { 'requirements.txt': 'gunicorn==22.0.0\nflask==3.0.3\n' },
  },
  Java: {
    dockerfile: (start) => `FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n${start}\n`,
    files: { 'pom.xml': pom },
  },
  Rust: {
    dockerfile: (start) => `FROM rust:1.83-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo install --path .\n${start}\n`,
    files: { 'Cargo.toml': cargo },
  },
  '.NET': {
    dockerfile: (start) =>
      `FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nWORKDIR /app\n${start}\n`,
    files: { 'Api.csproj': csproj },
  },
};

/** Per ecosystem: a start command by bare name (found on PATH) and one through `sh -c`. */
const starts: Record<string, { bare: string; shell: string }> = {
  Go: { bare: 'CMD ["hello"]', shell: 'CMD ["sh", "-c", "exec hello --port $PORT"]' },
  Node: { bare: 'CMD ["node", "dist/server.js"]', shell: 'CMD ["sh", "-c", "node $NODE_OPTS dist/server.js"]' },
  'static web': { bare: 'CMD ["serve", "-s", "dist", "-l", "3000"]', shell: 'CMD sh -c "npx serve -s dist -l 3000"' },
  Python: {
    bare: 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
    shell: 'CMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]',
  },
  Java: {
    bare: 'CMD ["java", "-jar", "target/app-1.0.jar"]',
    shell: 'CMD ["sh", "-c", "java $JAVA_OPTS -jar target/app-1.0.jar"]',
  },
  Rust: { bare: 'CMD ["relay"]', shell: 'CMD ["bash", "-c", "set -e; exec relay --port \\"$PORT\\""]' },
  '.NET': {
    bare: 'ENTRYPOINT ["dotnet", "Api.dll"]',
    shell: 'ENTRYPOINT ["sh", "-c", "cd /app && exec dotnet Api.dll"]',
  },
};

describe('convert: start commands', () => {
  it('converts bare-name and `sh -c` start commands in all seven ecosystems', () => {
    const results: Record<string, unknown> = {};
    for (const [name, ecosystem] of Object.entries(ecosystems)) {
      for (const kind of ['bare', 'shell'] as const) {
        results[`${name} ${kind}`] = outcome(ecosystem.dockerfile(starts[name][kind]), context(ecosystem.files));
      }
    }
    assert.deepEqual(results, {
      'Go bare': { from: 'FROM gcr.io/distroless/static-debian12:nonroot', start: 'CMD ["hello"]' },
      // Distroless has no shell: a start string runs on the golang tag's Debian, slim.
      'Go shell': { from: 'FROM debian:trixie-slim', start: 'CMD ["sh", "-c", "exec hello --port $PORT"]' },
      'Node bare': { from: 'FROM node:22-slim', start: 'CMD ["node", "dist/server.js"]' },
      'Node shell': { from: 'FROM node:22-slim', start: 'CMD ["sh", "-c", "node $NODE_OPTS dist/server.js"]' },
      // nginx replaces the server: the start command is nginx's own.
      'static web bare': {
        from: 'FROM nginxinc/nginx-unprivileged:stable-alpine',
        start: 'CMD ["nginx", "-g", "daemon off;"]',
      },
      'static web shell': {
        from: 'FROM nginxinc/nginx-unprivileged:stable-alpine',
        start: 'CMD ["nginx", "-g", "daemon off;"]',
      },
      'Python bare': { from: 'FROM python:3.12-slim', start: 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]' },
      'Python shell': {
        from: 'FROM python:3.12-slim',
        start: 'CMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]',
      },
      'Java bare': { from: 'FROM eclipse-temurin:21-jre', start: 'CMD ["java", "-jar", "target/app-1.0.jar"]' },
      'Java shell': {
        from: 'FROM eclipse-temurin:21-jre',
        start: 'CMD ["sh", "-c", "java $JAVA_OPTS -jar target/app-1.0.jar"]',
      },
      'Rust bare': { from: 'FROM gcr.io/distroless/cc-debian12:nonroot', start: 'CMD ["relay"]' },
      'Rust shell': {
        from: 'FROM debian:bookworm-slim',
        start: 'CMD ["bash", "-c", "set -e; exec relay --port \\"$PORT\\""]',
      },
      '.NET bare': { from: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0', start: 'ENTRYPOINT ["dotnet", "Api.dll"]' },
      '.NET shell': {
        from: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0',
        start: 'ENTRYPOINT ["sh", "-c", "cd /app && exec dotnet Api.dll"]',
      },
    });
  });

  it('parses shell strings: exec, builtins before the program, expansions kept, several programs refused', () => {
    const words = (start: string) => {
      const model = buildModel(`FROM debian\nWORKDIR /srv\n${start}\n`);
      const stage = model.stages[0];
      const result = startWords(model, stage, workdirs(stage, '/'));
      return result.unsafe ? result.unsafe.reason : { words: result.words, shell: result.shell, cwd: result.cwd };
    };
    assert.deepEqual(
      [
        words('CMD ["sh", "-c", "java $JAVA_OPTS -jar target/app.jar"]'),
        words('CMD exec node --enable-source-maps "dist/server.js"'),
        words('CMD set -e && cd /app && export A=1 && exec ./server'),
        words('ENTRYPOINT ["/bin/bash", "-c", "npm run migrate && node dist/server.js"]'),
        words('CMD $APP_BIN --serve'),
        words('ENTRYPOINT ["tini", "--"]\nCMD ["node", "x.js"]'),
      ],
      [
        { words: ['java', '$JAVA_OPTS', '-jar', 'target/app.jar'], shell: true, cwd: undefined },
        { words: ['node', '--enable-source-maps', 'dist/server.js'], shell: true, cwd: undefined },
        { words: ['./server'], shell: true, cwd: '/app' },
        'ENTRYPOINT at line 3 runs several programs (npm, node): cannot tell which files it needs.',
        'CMD at line 3 runs $APP_BIN, a variable: cannot tell which program runs.',
        { words: ['tini', '--', 'node', 'x.js'], shell: false, cwd: undefined },
      ],
    );
  });

  it('looks bare names up on the PATH an ENV sets, and moves a binary off a PATH folder the final image lacks', () => {
    const result = convertToMultiStage(
      'FROM golang:1.22\nENV PATH=/opt/app/bin:$PATH\nWORKDIR /src\nCOPY . .\nRUN go build -o /opt/app/bin/api . && go build -o /go/bin/api-old .\nCMD ["api"]\n',
      {},
    );
    assert.deepEqual(
      result.ok && result.text.slice(result.text.indexOf('\n\nFROM ') + 2),
      [
        'FROM gcr.io/distroless/static-debian12:nonroot',
        'ENV PATH=/opt/app/bin:$PATH',
        'WORKDIR /src',
        'COPY --from=build /opt/app/bin/api /opt/app/bin/api',
        'COPY --from=build /go/bin/api-old /go/bin/api-old',
        'CMD ["api"]',
        '',
      ].join('\n'),
    );
    const moved = convertToMultiStage(
      'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /go/bin/api .\nCMD ["api"]\n',
      {},
    );
    assert.ok(moved.ok && moved.text.includes('COPY --from=build /go/bin/api /usr/local/bin/api\n'));
    assert.deepEqual(
      outcome('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /srv/api .\nCMD ["api"]\n', {}),
      'CMD at line 5 runs api (not on PATH /go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin), which is not the build output: distroless has nothing else.',
    );
  });

  describe('entry scripts copied from the context', () => {
    const javaWithScript = (script: string, files: Record<string, string> = {}) =>
      convertToMultiStage(
        'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY docker-entrypoint.sh /usr/local/bin/\nCOPY . .\nRUN mvn -B package\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["java", "-jar", "target/app-1.0.jar"]\n',
        {
          rootEntries: ['pom.xml', 'docker-entrypoint.sh', ...Object.keys(files)],
          files: { 'pom.xml': pom, ...files },
          read: (path) => (path === 'docker-entrypoint.sh' ? script : undefined),
        },
      );

    it('follows `exec "$@"` to CMD and gives the final stage the script', () => {
      const result = javaWithScript('#!/bin/sh\nset -e\nif [ -n "$WAIT" ]; then echo waiting; fi\nexec "$@"\n');
      assert.equal(result.ok, true);
      assert.ok(result.ok);
      assert.deepEqual(result.text.slice(result.text.indexOf('\n\nFROM ') + 2).split('\n'), [
        'FROM eclipse-temurin:21-jre',
        'WORKDIR /app',
        'RUN groupadd --system app && useradd --system --gid app --no-create-home app',
        'COPY --from=build /app/target/app-1.0.jar /app/target/app-1.0.jar',
        'COPY --from=build /usr/local/bin/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh',
        'USER app',
        'ENTRYPOINT ["docker-entrypoint.sh"]',
        'CMD ["java", "-jar", "target/app-1.0.jar"]',
        '',
      ]);
      assert.ok(
        result.messages.includes(
          'The final stage also gets the entry script /usr/local/bin/docker-entrypoint.sh (from docker-entrypoint.sh), which execs java.',
        ),
      );
    });

    it('refuses a script that runs other programs or execs nothing, and stays with the script when it cannot read it', () => {
      const reasons = [
        javaWithScript('#!/bin/sh\nchown -R app /data\nexec "$@"\n'),
        javaWithScript('#!/bin/sh\njava -jar target/app-1.0.jar\n'),
        convertToMultiStage(
          'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY docker-entrypoint.sh /usr/local/bin/\nCOPY . .\nRUN mvn -B package\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["java", "-jar", "target/app-1.0.jar"]\n',
          { rootEntries: ['pom.xml'], files: { 'pom.xml': pom } },
        ),
      ].map((result) => (result.ok ? 'converted' : result.reason));
      assert.deepEqual(reasons, [
        'The entry script docker-entrypoint.sh (ENTRYPOINT at line 6) runs `chown`, which the final image may not have: cannot tell.',
        'The entry script docker-entrypoint.sh (ENTRYPOINT at line 6) execs no program: cannot tell what it runs.',
        'ENTRYPOINT at line 6 runs `docker-entrypoint.sh java -jar target/app-1.0.jar`, not `java -jar <jar>`: cannot tell which files it needs.',
      ]);
    });
  });
});
