import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import runtimeLibraries from '../../server/src/data/runtime-libraries.json';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertContext } from '../../server/src/fixes/convert';

const requirements = (text: string): ConvertContext => ({
  rootEntries: ['requirements.txt', 'app.py'],
  files: { 'requirements.txt': text },
});

function converted(text: string, context: ConvertContext): string {
  const result = convertToMultiStage(text, context);
  if (!result.ok) assert.fail(`refused: ${result.reason}`);
  return result.text;
}

describe('convert Python', () => {
  it('keeps an Alpine image Alpine (musl wheels) and installs the runtime library of an apk -dev package', () => {
    const input =
      'FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev\nWORKDIR /app\n' +
      'COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["python", "app.py"]\n';
    assert.equal(
      converted(input, requirements('psycopg2==2.9.9\n')),
      'FROM python:3.12-alpine AS build\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev\nWORKDIR /app\n' +
        'RUN python -m venv /opt/venv\nENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\n' +
        'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY app.py .\n\n' +
        'FROM python:3.12-alpine\nWORKDIR /app\nRUN apk add --no-cache libpq\nRUN adduser -D -u 10001 app\nCOPY --from=build /opt/venv /opt/venv\n' +
        'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /app /app\nUSER app\nCMD ["python", "app.py"]\n',
    );
  });

  it('points uv sync at the venv and accepts a console script the project declares', () => {
    const input =
      'FROM python:3.13\nCOPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n' +
      'RUN uv sync --frozen --no-dev\nCOPY src ./src\nCMD ["svc"]\n';
    const pyproject =
      '[project]\nname = "svc"\nversion = "1"\ndependencies = ["httpx"]\n\n[project.scripts]\nsvc = "svc.main:run"\n';
    assert.equal(
      converted(input, { rootEntries: ['pyproject.toml', 'uv.lock', 'src'], files: { 'pyproject.toml': pyproject } }),
      'FROM python:3.13 AS build\nCOPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv\nWORKDIR /app\nRUN python -m venv /opt/venv\n' +
        'ENV VIRTUAL_ENV=/opt/venv UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"\nCOPY pyproject.toml uv.lock ./\n' +
        'RUN uv sync --frozen --no-dev\nCOPY src ./src\n\n' +
        'FROM python:3.13-slim\nWORKDIR /app\nRUN useradd --create-home --uid 10001 app\nCOPY --from=build /opt/venv /opt/venv\n' +
        'ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /app/src /app/src\nUSER app\nCMD ["svc"]\n',
    );
  });

  it('keeps an already slim image, digest included, for the final stage', () => {
    const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const text = converted(
      `FROM python:3.12-slim@${digest}\nWORKDIR /app\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "svc"]\n`,
      {},
    );
    assert.deepEqual(
      text.split('\n').filter((line) => line.startsWith('FROM ')),
      [`FROM python:3.12-slim@${digest} AS build`, `FROM python:3.12-slim@${digest}`],
    );
  });

  it('refuses what it cannot make safe', () => {
    const app = 'WORKDIR /app\nCOPY requirements.txt .\n';
    const reasons: [string, ConvertContext, string][] = [
      [
        `FROM python:3.12@sha256:${'0'.repeat(64)}\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'pinned by digest',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install --user -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'drop --user first',
      ],
      [
        `FROM python:3.12\n${app}RUN uv pip install --system -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'drop --system first',
      ],
      [
        `FROM python:3.12\nWORKDIR /app\nCOPY Pipfile* ./\nRUN pipenv install --system --deploy\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'Pipenv installs are not converted',
      ],
      [
        `FROM python:3.12\n${app}RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt\nCOPY . .\nCMD ["/venv/bin/python", "app.py"]\n`,
        {},
        'creates a virtual environment of its own',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["/usr/local/bin/python", "app.py"]\n`,
        {},
        'bypasses the virtual environment',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD python manage.py migrate && python manage.py runserver\n`,
        {},
        'runs several programs (python, python)',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic --noinput\nCMD ["python", "app.py"]\n`,
        {},
        'runs `python`',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nUSER appuser\nCMD ["python", "app.py"]\n`,
        {},
        'USER appuser (line 6) is not created',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD ["python", "app.py"]\n`,
        {},
        'uses curl, which the slim image does not have',
      ],
      [
        `FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'copies into /: set a WORKDIR',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["gunicorn", "app:app"]\n`,
        {},
        'pass the build context',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["celery", "-A", "tasks", "worker"]\n`,
        requirements('flask\n'),
        'runs celery, which no install',
      ],
      [
        `FROM python:3.12\nRUN apt-get update && apt-get install -y libfoo-dev\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'libfoo-dev, whose runtime library is not known',
      ],
      [
        `FROM python:3.12\nUSER 1000\n${app}RUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'comes before the last COPY/RUN',
      ],
      [
        `FROM python:3.12\n${app}RUN pip install --upgrade pip setuptools wheel\nCOPY . .\nCMD ["python", "app.py"]\n`,
        {},
        'No dependency install',
      ],
    ];
    assert.deepEqual(
      reasons.map(([text, context, expected]) => {
        const result = convertToMultiStage(text, context);
        return !result.ok && result.reason.includes(expected) ? expected : result;
      }),
      reasons.map(([, , expected]) => expected),
    );
  });

  it('names runtime libraries that exist in the Debian indexes of every suite they are given for', () => {
    const indexes = new Map(
      ['bookworm', 'trixie'].map((suite) => {
        const data = JSON.parse(
          gunzipSync(readFileSync(join(__dirname, `../../server/src/data/apt-${suite}.json.gz`))).toString('utf8'),
        ) as { names: string[] };
        return [suite, new Set(data.names)] as const;
      }),
    );
    const missing: string[] = [];
    for (const [dev, runtime] of Object.entries(
      runtimeLibraries.apt as Record<string, string[] | Record<string, string[]>>,
    )) {
      for (const [suite, names] of indexes) {
        if (!names.has(dev)) missing.push(`${suite}: ${dev}`);
        const wanted = Array.isArray(runtime) ? runtime : (runtime[suite] ?? []);
        for (const name of wanted) if (!names.has(name)) missing.push(`${suite}: ${name} (for ${dev})`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
