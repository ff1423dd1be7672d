import assert from 'node:assert/strict';
import { copyFromFix, stageArtifacts } from '../../../server/src/fixes/copyFrom';
import { buildModel } from '../../../server/src/model/model';

function artifactsOf(text: string): string[] {
  const model = buildModel(text);
  return model.stages.flatMap((stage) => stageArtifacts(stage).map((artifact) => `${artifact.build} ${artifact.path}`));
}

describe('COPY --from fix', () => {
  it('finds outputs whose path the Dockerfile writes out, relative to WORKDIR', () => {
    assert.deepEqual(
      artifactsOf(
        'FROM golang:1.23 AS build\nWORKDIR /src\nRUN go build -o bin/api ./cmd/api && go build -o=/out/cli ./cmd/cli\n' +
          'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /s\nRUN dotnet publish -c Release --output /app\n' +
          'FROM python:3.12\nRUN python3 -m venv /opt/venv && pip wheel -w /wheels -r requirements.txt\nRUN virtualenv .venv\n' +
          'FROM gcc:14\nRUN gcc -O2 -o /usr/local/bin/tool tool.c\nRUN cd sub && go build -o rel .\nRUN tsc --outDir dist\n',
      ),
      [
        'go build /src/bin/api',
        'go build /out/cli',
        'dotnet publish /app/',
        'venv /opt/venv/',
        'pip wheel /wheels/',
        'virtualenv /.venv/',
        'gcc -o /usr/local/bin/tool',
        'tsc /dist/',
      ],
    );
  });

  it('gives the fix a title that names the copy and the dropped rebuild', () => {
    const model = buildModel(
      'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM golang:1.23\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
    );
    const copy = model.stages[1].instructions[0];
    assert.equal(
      copyFromFix(model, copy)?.title,
      'Add COPY --from=build /app /app in place of the context copy and drop the rebuild on line 5',
    );
  });

  it('offers nothing for a copy outside the shipped stage, or in a single-stage file', () => {
    const multi = buildModel(
      'FROM golang:1.23 AS build\nCOPY . .\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nCMD ["/app"]\n',
    );
    assert.equal(copyFromFix(multi, multi.stages[0].instructions[0]), undefined);
    const single = buildModel('FROM golang:1.23\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n');
    assert.equal(copyFromFix(single, single.stages[0].instructions[0]), undefined);
  });
});
