import assert from 'node:assert/strict';
import { analyzeDocument } from '../../../server/src/engine/document';
import { buildModel } from '../../../server/src/model/model';
import { estimateImageSize } from '../../../server/src/size/estimate';

/** The disk bytes the estimator gives the last RUN of the text. */
function lastRunBytes(text: string): number | null {
  const layers = estimateImageSize(buildModel(text)).stages.flatMap((stage) => stage.layers);
  const runs = layers.filter((layer) => layer.keyword === 'RUN');
  return runs[runs.length - 1]?.diskBytes ?? null;
}

function ruleFires(text: string): boolean {
  return analyzeDocument(text).findings.some((finding) => finding.rule === 'apt-install-recommends');
}

// The apt-install-recommends rule and the size estimator must agree on whether recommends are installed:
// the rule stays quiet exactly when the estimate leaves them out.
describe('apt recommends: the rule and the estimator agree', () => {
  const base = 'FROM debian:bookworm-slim\n';
  const install = 'apt-get update && apt-get install -y curl';
  let without: number | null = null;
  let withRecommends: number | null = null;
  before(() => {
    without = lastRunBytes(`${base}RUN apt-get update && apt-get install -y --no-install-recommends curl\n`);
    withRecommends = lastRunBytes(`${base}RUN ${install}\n`);
  });

  it('the fixture can tell the two apart', () => {
    assert.ok(
      without !== null && withRecommends !== null && withRecommends > without,
      `${without} < ${withRecommends}`,
    );
  });

  const cases: Array<[string, string, boolean]> = [
    ['no option', `${base}RUN ${install}\n`, false],
    ['--no-install-recommends', `${base}RUN ${install} --no-install-recommends\n`, true],
    [
      '-o APT::Install-Recommends=false',
      `${base}RUN apt-get update && apt-get install -y -o APT::Install-Recommends=false curl\n`,
      true,
    ],
    [
      '-oAPT::Install-Recommends=0',
      `${base}RUN apt-get update && apt-get install -y -oAPT::Install-Recommends=0 curl\n`,
      true,
    ],
    [
      'apt.conf.d written earlier in the RUN',
      `${base}RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends && ${install}\n`,
      true,
    ],
    [
      'apt.conf.d written in an earlier layer',
      `${base}RUN printf 'APT::Install-Recommends "false";\\n' > /etc/apt/apt.conf.d/99norecommends\nRUN ${install}\n`,
      true,
    ],
    ['apt.conf.d copied in an earlier layer', `${base}COPY norecommends /etc/apt/apt.conf.d/\nRUN ${install}\n`, true],
    [
      'apt.conf.d written in the stage it is built on',
      `FROM debian:bookworm-slim AS base\nRUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends\nFROM base\nRUN ${install}\n`,
      true,
    ],
    [
      'apt.conf.d written after the install',
      `${base}RUN ${install} && echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends\n`,
      false,
    ],
    [
      'Install-Recommends "1"',
      `${base}RUN echo 'APT::Install-Recommends "1";' > /etc/apt/apt.conf.d/01x && ${install}\n`,
      false,
    ],
  ];
  for (const [name, text, off] of cases) {
    it(`${name}: recommends ${off ? 'off' : 'on'}`, () => {
      assert.deepEqual(
        { fires: ruleFires(text), bytes: lastRunBytes(text) },
        {
          fires: !off,
          bytes: off ? without : withRecommends,
        },
      );
    });
  }
});
