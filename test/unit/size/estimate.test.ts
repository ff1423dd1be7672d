import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import outputs from '../../../server/src/data/build-outputs.json';
import ruleOfThumb from '../../../server/src/data/node-modules.json';
import pipData from '../../../server/src/data/pip-sizes.json';
import { walkContext } from '../../../server/src/context/walker';
import type { ContextIndex } from '../../../server/src/context/walker';
import { buildModel } from '../../../server/src/model/model';
import { loadAptIndex } from '../../../server/src/size/apt';
import { estimateImageSize } from '../../../server/src/size/estimate';
import type { EstimateInputs, LayerEstimate } from '../../../server/src/size/estimate';

const measured = pipData.packages as Record<string, { diskBytes: number; gzipBytes: number }>;

/** The parts of a layer that say what was estimated and how, without the calibration-dependent bytes. */
function outline(layer: LayerEstimate) {
  return { line: layer.line, confidence: layer.confidence, known: layer.diskBytes !== null };
}

function layers(text: string, inputs: EstimateInputs = {}): LayerEstimate[] {
  return estimateImageSize(buildModel(text), inputs).stages.flatMap((stage) => stage.layers);
}

describe('estimateImageSize: pip, node_modules, apk and COPY --from', () => {
  let root: string;
  let index: ContextIndex;
  const read = (path: string) => readFileSync(join(root, path), 'utf8');

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-estimate-'));
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'requirements.txt'), 'idna==3.0\ncertifi\n');
    writeFileSync(join(root, 'app', 'package.json'), JSON.stringify({ dependencies: { a: '1' } }));
    writeFileSync(
      join(root, 'app', 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/a': {}, 'node_modules/b': {}, 'node_modules/c': { dev: true } },
      }),
    );
    writeFileSync(join(root, 'app', 'config.yml'), 'x'.repeat(2000));
    index = await walkContext(root, { dockerignore: null });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads a copied requirements file and sizes its closure from measured installs; the cache counts unless turned off', () => {
    const text =
      'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN pip install --no-cache-dir idna\n';
    const [, install, again] = layers(text, { contextIndex: index, readContextFile: read });
    const gzip = measured.idna.gzipBytes + measured.certifi.gzipBytes;
    assert.deepEqual(
      {
        disk: install.diskBytes,
        compressed: install.compressedBytes,
        confidence: install.confidence,
        notes: install.notes.slice(1),
      },
      {
        disk: measured.idna.diskBytes + measured.certifi.diskBytes + gzip,
        compressed: 2 * gzip,
        confidence: 'estimate',
        notes: [
          '2 requirements read from requirements.txt',
          "pip's cache (~/.cache/pip) stays in the layer: the downloaded wheels are counted",
        ],
      },
    );
    // idna is installed already: the second pip adds nothing.
    assert.deepEqual({ disk: again.diskBytes, confidence: again.confidence }, { disk: 0, confidence: 'estimate' });
  });

  it('leaves a requirements file it cannot read unknown', () => {
    const [, install] = layers('FROM python:3.12\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n', {
      contextIndex: index,
    });
    assert.deepEqual(outline(install), { line: 3, confidence: 'unknown', known: false });
  });

  it('counts node_modules from the copied lockfile, dev dependencies out with NODE_ENV=production, cache cleaned', () => {
    const text =
      'FROM node:22-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY app/package*.json ./\nRUN npm ci && npm cache clean --force\n';
    const [, install] = layers(text, { contextIndex: index, readContextFile: read });
    assert.deepEqual(
      {
        disk: install.diskBytes,
        compressed: install.compressedBytes,
        confidence: install.confidence,
        note: install.notes[0].split(';')[0],
      },
      {
        disk: 2 * ruleOfThumb.bytesPerPackage,
        compressed: Math.round(2 * ruleOfThumb.bytesPerPackage * ruleOfThumb.gzipPerDiskByte),
        confidence: 'estimate',
        note: 'npm: 2 packages in package-lock.json (dev dependencies left out)',
      },
    );
  });

  it('sizes a virtual environment: made (measured fresh venv), installed into, copied whole', () => {
    const text =
      'FROM python:3.12 AS build\nRUN python -m venv /opt/venv\nRUN /opt/venv/bin/pip install --no-cache-dir flask\nFROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n';
    const all = layers(text);
    const [made, installed, copied] = [2, 3, 5].map((line) => all.find((layer) => layer.line === line));
    assert.deepEqual(
      { made: made?.diskBytes, copied: copied?.diskBytes, notes: copied?.notes },
      {
        made: 23080717,
        copied: (made?.diskBytes ?? 0) + (installed?.diskBytes ?? 0),
        notes: ['/opt/venv: the virtual environment made on line 2 + at most the pip install layer of line 3'],
      },
    );
  });

  it('finds the lockfile a final stage copies from a build stage that copied it from the context', () => {
    const text =
      'FROM node:22 AS build\nWORKDIR /src\nCOPY app/ ./\nRUN npm ci && npm run build\nFROM node:22-slim\nWORKDIR /app\nCOPY --from=build /src/package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force\n';
    const install = layers(text, { contextIndex: index, readContextFile: read }).find((layer) => layer.line === 8);
    assert.deepEqual(
      { disk: install?.diskBytes, note: install?.notes[0].split(';')[0] },
      {
        disk: 2 * ruleOfThumb.bytesPerPackage,
        note: 'npm: 2 packages in package-lock.json (dev dependencies left out)',
      },
    );
  });

  it('takes images that run apt to have at least their Debian base: slim, buildpack-deps or minbase', () => {
    const run =
      'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
    const sized = (base: string) => {
      const [layer] = layers(`FROM ${base}\n${run}`);
      return { disk: layer.diskBytes, notes: layer.notes };
    };
    const debian = sized('debian:trixie');
    assert.deepEqual(
      [sized('python:3.12-slim'), sized('node:22'), sized('ubuntu:24.04')],
      [
        sized('debian:trixie-slim'),
        sized('buildpack-deps:trixie'),
        {
          ...debian,
          notes: [...debian.notes, "Ubuntu: no Ubuntu package index here, Debian trixie's stands in (an estimate)"],
        },
      ],
    );
  });

  it('counts the package lists an `apt-get update` alone leaves', () => {
    const [layer] = layers('FROM debian:trixie\nRUN apt-get update\n');
    assert.deepEqual(
      { disk: layer.diskBytes, compressed: layer.compressedBytes, confidence: layer.confidence },
      {
        disk: loadAptIndex('trixie')?.data.aptLists?.diskBytes,
        compressed: loadAptIndex('trixie')?.data.aptLists?.gzipBytes,
        confidence: 'data',
      },
    );
  });

  it('expands ENV lists in apt installs as Docker passes them to the shell', () => {
    const [direct] = layers(
      'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends autoconf file make && rm -rf /var/lib/apt/lists/*\n',
    );
    const [viaEnv] = layers(
      'FROM debian:trixie-slim\nENV PHPIZE_DEPS autoconf file make\nRUN apt-get update && apt-get install -y --no-install-recommends $PHPIZE_DEPS && rm -rf /var/lib/apt/lists/*\n',
    );
    assert.deepEqual(
      { disk: viaEnv.diskBytes, confidence: viaEnv.confidence, notes: viaEnv.notes },
      { disk: direct.diskBytes, confidence: 'data', notes: direct.notes },
    );
  });

  it('counts only what stays when one RUN installs build packages and purges them again', () => {
    const build = [
      'FROM debian:bookworm-slim',
      'RUN set -eux; savedAptMark="$(apt-mark showmanual)"; apt-get update; \\',
      '  apt-get install -y --no-install-recommends gcc make libsqlite3-dev zlib1g-dev; \\',
      "  ./configure && make install; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \\",
      "  find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $(NF-1) }' | sort -u | xargs -r dpkg-query --search | cut -d: -f1 | xargs -r apt-mark manual; \\",
      '  apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*',
    ].join('\n');
    const [purged] = layers(`${build}\n`);
    const [libraries] = layers(
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 zlib1g && rm -rf /var/lib/apt/lists/*\n',
    );
    assert.deepEqual(
      {
        compressed: purged.compressedBytes,
        low: purged.compressedLow,
        high: purged.compressedHigh,
        confidence: purged.confidence,
        kept: purged.notes[1],
      },
      {
        compressed: libraries.compressedBytes,
        low: libraries.compressedLow,
        high: null,
        confidence: 'estimate',
        kept: 'apt: the build packages are purged again in this RUN; what stays is counted: the runtime libraries of the -dev packages (libsqlite3-0, zlib1g), which the built binaries link',
      },
    );
  });

  it('drops the packages a RUN removes again by name, and keeps the others', () => {
    const [removed] = layers(
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl gcc && make && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n',
    );
    const [curl] = layers(
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    );
    assert.deepEqual(
      { compressed: removed.compressedBytes, note: removed.notes[1] },
      { compressed: curl.compressedBytes, note: 'apt: gcc removed again in this RUN: not counted' },
    );
  });

  it("marks apt on Ubuntu an estimate with Debian's index standing in and a wider interval", () => {
    const install =
      'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
    const [ubuntu] = layers(`FROM ubuntu:22.04\n${install}`);
    const [debian] = layers(`FROM debian:trixie\n${install}`);
    assert.deepEqual(
      {
        confidence: ubuntu.confidence,
        note: ubuntu.notes.at(1),
        wider:
          (ubuntu.compressedHigh ?? 0) - (ubuntu.compressedLow ?? 0) >
          (debian.compressedHigh ?? 0) - (debian.compressedLow ?? 0),
      },
      {
        confidence: 'estimate',
        note: "Ubuntu: no Ubuntu package index here, Debian trixie's stands in (an estimate)",
        wider: true,
      },
    );
  });

  it('leaves apk unknown and says why', () => {
    const [install] = layers('FROM alpine:3.22\nRUN apk add --no-cache curl\n');
    assert.deepEqual(
      { ...outline(install), notes: install.notes },
      {
        line: 2,
        confidence: 'unknown',
        known: false,
        notes: [
          'size of `apk` is not estimated; apk: no Alpine package index is available offline, so Alpine package sizes are unknown',
        ],
      },
    );
  });

  it('leaves a COPY --from path unknown when a build step wrote there after the COPY that seems to hold it', () => {
    const text =
      'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM node:22-slim\nCOPY --from=build /app/package.json /app/dist ./\n';
    const copy = layers(text, { contextIndex: index }).find((layer) => layer.line === 6);
    assert.deepEqual(
      { disk: copy?.diskBytes, notes: copy?.notes },
      {
        disk: null,
        notes: [
          'what stage build produced at /app/package.json, /app/dist is not estimated (only COPY destinations, go build outputs and folders a package install fills are)',
        ],
      },
    );
  });

  it('sizes COPY --from paths by the instruction that produced them', () => {
    const text = [
      'FROM golang:1.23 AS build',
      'WORKDIR /src',
      'COPY app/ ./conf/',
      'RUN go build -o /out/server ./cmd/server',
      'RUN npm install express',
      'RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*',
      'FROM scratch AS files',
      'COPY app/config.yml /config.yml',
      'FROM debian:bookworm-slim',
      'COPY --from=build /out/server /usr/local/bin/server',
      'COPY --from=build /src/conf/config.yml /etc/config.yml',
      'COPY --from=files / /files/',
      'COPY --from=build /src/node_modules /app/node_modules',
      'COPY --from=build /usr/bin /usr/bin',
      'COPY --from=build /usr/bin/make /usr/bin/',
      'COPY --from=alpine:3.22 /bin/busybox /bin/',
    ].join('\n');
    const all = layers(`${text}\n`, { contextIndex: index });
    const byLine = (line: number) => all.find((layer) => layer.line === line)!;
    const binary = outputs.goBinary;
    assert.deepEqual(
      all
        .filter((layer) => layer.line >= 10)
        .map((layer) => ({
          line: layer.line,
          disk: layer.diskBytes,
          confidence: layer.confidence,
          notes: layer.notes,
        })),
      [
        {
          line: 10,
          disk: binary.diskBytes,
          confidence: 'estimate',
          notes: [
            `/out/server: the Go binary built on line 4: a typical size (${binary.diskBytes / 1e6} MB, rule of thumb from measured Go programs)`,
          ],
        },
        {
          line: 11,
          disk: byLine(3).diskBytes,
          confidence: 'estimate',
          notes: ['/src/conf/config.yml: at most the layer of line 3 (COPY to /src/conf)'],
        },
        { line: 12, disk: 2000, confidence: 'estimate', notes: ['/: the whole of stage files'] },
        {
          line: 13,
          disk: byLine(5).diskBytes,
          confidence: 'estimate',
          notes: ['/src/node_modules: at most the npm install layer of line 5'],
        },
        {
          line: 14,
          disk: byLine(6).diskBytes,
          confidence: 'estimate',
          notes: ['/usr/bin: at most the apt install layer of line 6'],
        },
        {
          line: 15,
          disk: null,
          confidence: 'unknown',
          notes: [
            'what stage build produced at /usr/bin/make is not estimated (only COPY destinations, go build outputs and folders a package install fills are)',
          ],
        },
        { line: 16, disk: null, confidence: 'unknown', notes: ['files of the image alpine:3.22 are not estimated'] },
      ],
    );
  });
});
