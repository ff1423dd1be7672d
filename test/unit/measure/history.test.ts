import assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/model/model';
import { historyKeyword, layerLines, mapHistory } from '../../../server/src/measure/history';
import type { HistoryEntry } from '../../../server/src/measure/image';

const dockerfile = `ARG VERSION=1
FROM debian:bookworm-slim AS build
RUN make
COPY . /src
FROM debian:bookworm-slim AS base
ENV A=1
RUN apt-get update
FROM base
ARG VERSION
WORKDIR /app
COPY --from=build /src/out /app/out
RUN rm -rf /tmp/x
USER 1000
CMD ["/app/out"]
`;

const layer = (createdBy: string): HistoryEntry => ({ createdBy, emptyLayer: false });
const empty = (createdBy: string): HistoryEntry => ({ createdBy, emptyLayer: true });

describe('measure: history to Dockerfile lines', () => {
  it('reads the keyword of buildah, legacy and BuildKit history entries', () => {
    assert.deepEqual(
      [
        '/bin/sh -c #(nop) COPY dir:1a2b in /app ',
        '/bin/sh -c apt-get update',
        '|1 VERSION=1 /bin/sh -c make',
        'RUN /bin/sh -c make # buildkit',
        'COPY . /src # buildkit',
        'WORKDIR /app',
        '/bin/bash -o pipefail -c make',
        'EXPOSE map[80/tcp:{}]',
      ].map(historyKeyword),
      ['COPY', 'RUN', 'RUN', 'RUN', 'COPY', 'WORKDIR', 'RUN', 'EXPOSE'],
    );
  });

  it('maps the shipped stage and the stage it inherits from, base image entries to no line (buildah style)', () => {
    const model = buildModel(dockerfile);
    const history = [
      layer('/bin/sh -c #(nop) ADD file:abc in / '),
      empty('/bin/sh -c #(nop)  CMD ["bash"]'),
      empty('/bin/sh -c #(nop) ENV A=1'),
      layer('/bin/sh -c apt-get update'),
      empty('/bin/sh -c #(nop) ARG VERSION'),
      layer('/bin/sh -c #(nop) WORKDIR /app'),
      layer('/bin/sh -c #(nop) COPY file:123 in /app/out '),
      layer('|1 VERSION=1 /bin/sh -c rm -rf /tmp/x'),
      empty('/bin/sh -c #(nop) USER 1000'),
      empty('/bin/sh -c #(nop) CMD ["/app/out"]'),
    ];
    const stage = model.shipped;
    assert.ok(stage);
    assert.deepEqual(
      mapHistory(history, stage).map((entry) => entry.line),
      [undefined, undefined, 6, 7, 9, 10, 11, 12, 13, 14],
    );
    assert.deepEqual(
      layerLines(history, stage, 5).map((entry) => [entry.line, entry.instruction?.keyword]),
      [
        [undefined, undefined],
        [7, 'RUN'],
        [10, 'WORKDIR'],
        [11, 'COPY'],
        [12, 'RUN'],
      ],
    );
  });

  it('maps BuildKit history, which records no ARG', () => {
    const model = buildModel(dockerfile);
    const history = [
      layer('# debian.sh --arch amd64 out/ bookworm @1733097600'),
      empty('ENV A=1'),
      layer('RUN /bin/sh -c apt-get update # buildkit'),
      empty('WORKDIR /app'),
      layer('COPY /src/out /app/out # buildkit'),
      layer('RUN |1 VERSION=1 /bin/sh -c rm -rf /tmp/x # buildkit'),
      empty('USER 1000'),
      empty('CMD ["/app/out"]'),
    ];
    const stage = model.shipped;
    assert.ok(stage);
    assert.deepEqual(
      layerLines(history, stage, 4).map((entry) => entry.line),
      [undefined, 7, 11, 12],
    );
  });

  it('with --target, maps the target stage', () => {
    const model = buildModel(dockerfile, { target: 'build' });
    const stage = model.shipped;
    assert.ok(stage);
    const history = [
      layer('/bin/sh -c #(nop) ADD file:abc in / '),
      layer('/bin/sh -c make'),
      layer('/bin/sh -c #(nop) COPY dir:1 in /src '),
    ];
    assert.deepEqual(
      layerLines(history, stage, 3).map((entry) => entry.line),
      [undefined, 3, 4],
    );
  });

  it('falls back to the newest layer-making instructions when the history lacks entries', () => {
    const model = buildModel(dockerfile);
    const stage = model.shipped;
    assert.ok(stage);
    assert.deepEqual(
      layerLines([], stage, 4).map((entry) => entry.line),
      [undefined, 7, 11, 12],
    );
  });
});
