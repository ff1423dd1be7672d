import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../server/src/cli/main';
import { analyzeDocument, inputRuleName } from '../../server/src/engine/document';
import { fixAll } from '../../server/src/engine/fixAll';

const corpus = join(__dirname, '../../../shared/corpus/dockerfiles');

const before = [
  'FROM node:22',
  'WORKDIR /app',
  'COPY package.json ./',
  'RUN sudo apt-get update && apt-get install -y curl',
  'RUN npm install',
  'COPY server.js ./',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

const after = [
  'FROM node:22',
  'WORKDIR /app',
  'COPY package.json ./',
  'RUN apt-get update && apt-get install -y curl \\',
  '    && rm -rf /var/lib/apt/lists/*',
  'RUN npm install --omit=dev \\',
  '    && npm cache clean --force',
  'COPY server.js ./',
  'USER node',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

function parses(text: string): boolean {
  const analysis = analyzeDocument(text);
  return analysis.model !== undefined && !analysis.findings.some((finding) => finding.rule === inputRuleName);
}

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe('--fix: preferred fixes, re-checked, to a fixpoint', function () {
  this.timeout(120_000);

  it('applies every preferred in-file fix, one at a time, and stops when none is left', () => {
    const result = fixAll(before);
    assert.deepEqual(
      { text: result.text, rules: result.applied.map((fix) => fix.rule).sort(), refused: result.refused },
      {
        text: after,
        rules: [
          'dev-dependencies-in-final-stage',
          'no-user-in-final-stage',
          'package-cache-left',
          'package-cache-left',
          'sudo-in-run',
        ],
        refused: [],
      },
    );
    assert.deepEqual(fixAll(result.text), { text: after, applied: [], refused: [] });
  });

  it('keeps CRLF line ends', () => {
    const crlf = before.replace(/\n/g, '\r\n');
    assert.equal(fixAll(crlf).text, after.replace(/\n/g, '\r\n'));
  });

  it('leaves fixes that create files (.dockerignore) to the editor', () => {
    const text =
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\nCOPY . .\nUSER nobody\n';
    const noDockerignore = { dockerignore: null, rootEntries: ['main.c'] };
    const offered = analyzeDocument(text, {}, noDockerignore).findings.find(
      (finding) => finding.rule === 'missing-dockerignore',
    );
    assert.ok(offered?.fixes[0]?.createFiles?.length, 'the rule offers a fix that creates .dockerignore');
    const result = fixAll(text, {}, noDockerignore);
    const remaining = analyzeDocument(result.text, {}, noDockerignore).findings.map((finding) => finding.rule);
    assert.deepEqual(
      { remaining: remaining.includes('missing-dockerignore'), applied: result.applied.map((fix) => fix.rule) },
      { remaining: true, applied: [] },
    );
  });

  it('CLI: --fix --dry-run prints a unified diff, writes nothing, exits 1; --fix writes atomically and reports what is left', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'layerlens-fix-'));
    const file = join(folder, 'Dockerfile');
    writeFileSync(file, `\uFEFF${before}`);
    const dry = await run(['--fix', '--dry-run', file], folder);
    assert.deepEqual(
      { code: dry.code, file: readFileSync(file, 'utf8'), stderr: dry.stderr },
      { code: 1, file: `\uFEFF${before}`, stderr: `layerlens: ${file}: would apply 5 fixes\n` },
    );
    assert.match(dry.stdout, /^-RUN sudo apt-get update && apt-get install -y curl$/m);
    assert.match(dry.stdout, /^\+USER node$/m);
    assert.match(dry.stdout, /^@@ -1,7 \+1,10 @@$/m);

    const fixed = await run(['--fix', '--format', 'json', file], folder);
    assert.equal(fixed.code, 0);
    assert.equal(readFileSync(file, 'utf8'), `\uFEFF${after}`);
    const [report] = JSON.parse(fixed.stdout) as { findings: { rule: string }[] }[];
    assert.deepEqual(
      report.findings.map((finding) => finding.rule),
      analyzeDocument(after).findings.map((finding) => finding.rule),
    );
    assert.deepEqual(readdirSync(folder), ['Dockerfile']);

    const again = await run(['--fix', '--dry-run', file], folder);
    assert.deepEqual({ code: again.code, stdout: again.stdout }, { code: 0, stdout: '' });
  });

  it('CLI: --dry-run alone is a usage error', async () => {
    await assert.rejects(run(['--dry-run', '.'], tmpdir()), /--dry-run goes with --fix/);
  });

  it('over the corpus: every result parses and fixing it again changes nothing', function () {
    if (!existsSync(corpus)) this.skip();
    const problems: string[] = [];
    let changedFiles = 0;
    let applied = 0;
    let refused = 0;
    const files = readdirSync(corpus).filter((name) => !name.endsWith('.tsv'));
    for (const name of files) {
      const text = readFileSync(join(corpus, name), 'utf8');
      const result = fixAll(text);
      applied += result.applied.length;
      refused += result.refused.length;
      if (result.text !== text) changedFiles++;
      if (parses(text) && !parses(result.text)) problems.push(`${name}: does not parse after fixing`);
      const second = fixAll(result.text);
      if (second.text !== result.text || second.applied.length > 0)
        problems.push(`${name}: not idempotent (${second.applied.map((fix) => fix.rule).join(', ')})`);
    }
    console.log(
      `      corpus: ${files.length} files, ${changedFiles} changed, ${applied} fixes applied, ${refused} refused`,
    );
    assert.deepEqual(problems, []);
  });
});
