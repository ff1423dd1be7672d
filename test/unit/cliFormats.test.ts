import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import MarkdownIt from 'markdown-it';
import { main } from '../../server/src/cli/main';

const schemas = join(__dirname, '../fixtures/schemas');
const corpus = join(__dirname, '../../../shared/corpus/dockerfiles');

/** The OASIS schema is JSON Schema draft-04; formats (uri, date-time) checked too. */
function sarifValidator() {
  const ajv = new AjvDraft04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(schemas, 'sarif-schema-2.1.0.json'), 'utf8')) as object);
}

function gitlabValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(schemas, 'gitlab-code-quality.schema.json'), 'utf8')) as object);
}

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  docs: string;
}

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: () => undefined, cwd });
  return { code, stdout };
}

/** What every format must say: each finding of --format json, with its path relative to the cwd. */
async function expectedFindings(files: string[], cwd: string) {
  const reports = JSON.parse((await run(['--format', 'json', '--fail-on', 'none', ...files], cwd)).stdout) as {
    file: string;
    findings: JsonFinding[];
  }[];
  return reports.flatMap(({ file, findings }) =>
    findings.map((finding) => ({ path: file.slice(cwd.length + 1), ...finding })),
  );
}

/** Parses workflow commands as the Actions runner does: `::name key=value,…::data`, then unescapes. */
function parseWorkflowCommands(output: string) {
  const unescape = (text: string) =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  return output
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(line);
      assert.ok(match, `not a workflow command: ${line}`);
      const properties = Object.fromEntries(
        match[2].split(',').map((pair) => {
          const [key, value] = pair.split('=');
          assert.ok(['file', 'line', 'endLine', 'col', 'endColumn', 'title'].includes(key), `unknown property ${key}`);
          return [key, unescape(value)];
        }),
      );
      return { command: match[1], properties, message: unescape(match[3]) };
    });
}

/** The rows of every GFM table in the document, each cell as the text it renders to. */
function markdownTables(markdown: string): string[][][] {
  const tokens = new MarkdownIt().parse(markdown, {});
  const tables: string[][][] = [];
  let row: string[] = [];
  for (const token of tokens) {
    if (token.type === 'table_open') tables.push([]);
    else if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close') tables[tables.length - 1].push(row);
    else if (token.type === 'inline' && row && tables.length > 0 && (token.level === 5 || token.level === 4))
      row.push((token.children ?? []).map((child) => (child.type === 'softbreak' ? ' ' : child.content)).join(''));
  }
  return tables;
}

describe('CLI formats: validated the way their consumers read them', function () {
  this.timeout(120_000);
  const folder = mkdtempSync(join(tmpdir(), 'layerlens-formats-'));
  mkdirSync(join(folder, 'api'));
  mkdirSync(join(folder, 'odd, name: 100%'));
  // Every severity: error (COPY --from typo), warning, info (full base image), hint (unused stage).
  writeFileSync(
    join(folder, 'api/Dockerfile'),
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20 AS unused\nFROM node:22\nENV API_TOKEN=abc\nCOPY --from=biuld /app /app\nCMD ["/app"]\n',
  );
  writeFileSync(join(folder, 'odd, name: 100%/Dockerfile'), 'FROM ubuntu\nRUN sudo apt-get install -y curl\n');
  const files = [join(folder, 'api/Dockerfile'), join(folder, 'odd, name: 100%/Dockerfile')];

  it('covers every severity in the sample', async () => {
    const severities = new Set((await expectedFindings(files, folder)).map((finding) => finding.severity));
    assert.deepEqual([...severities].sort(), ['error', 'hint', 'info', 'warning']);
  });

  it('SARIF validates against the OASIS SARIF 2.1.0 schema', async () => {
    const validate = sarifValidator();
    const sarif = JSON.parse((await run(['--format', 'sarif', ...files], folder)).stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors));
    const expected = await expectedFindings(files, folder);
    assert.deepEqual(
      sarif.runs[0].results.map((result) => ({
        rule: result.ruleId,
        uri: decodeURIComponent(result.locations[0].physicalLocation.artifactLocation.uri),
      })),
      expected.map((finding) => ({ rule: finding.rule, uri: finding.path })),
    );
  });

  it('GitLab Code Quality validates against the documented format, with stable unique fingerprints', async () => {
    const validate = gitlabValidator();
    const report = JSON.parse((await run(['--format', 'gitlab', ...files], folder)).stdout) as {
      check_name: string;
      fingerprint: string;
      location: { path: string; positions: { begin: { line: number } } };
    }[];
    assert.equal(validate(report), true, JSON.stringify(validate.errors));
    const expected = await expectedFindings(files, folder);
    assert.deepEqual(
      report.map((issue) => ({
        rule: issue.check_name,
        path: issue.location.path,
        line: issue.location.positions.begin.line,
      })),
      expected.map((finding) => ({ rule: finding.rule, path: finding.path, line: finding.line })),
    );
    assert.equal(new Set(report.map((issue) => issue.fingerprint)).size, report.length);

    // Lines added above keep each finding's fingerprint: GitLab then shows it as unchanged, not new.
    const fingerprints = async () =>
      (JSON.parse((await run(['--format', 'gitlab', files[0]], folder)).stdout) as { fingerprint: string }[]).map(
        (issue) => issue.fingerprint,
      );
    const before = await fingerprints();
    const original = readFileSync(files[0], 'utf8');
    writeFileSync(files[0], `# a comment\n\n${original}`);
    const after = await fingerprints();
    writeFileSync(files[0], original);
    assert.deepEqual(after, before);
  });

  it('GitHub annotations parse as workflow commands and say what --format json says', async () => {
    const output = (await run(['--format', 'github', ...files], folder)).stdout;
    const expected = await expectedFindings(files, folder);
    const commandOf: Record<string, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
    assert.deepEqual(
      parseWorkflowCommands(output),
      expected.map((finding) => ({
        command: commandOf[finding.severity],
        properties: {
          file: finding.path,
          line: String(finding.line),
          endLine: String(finding.endLine),
          ...(finding.line === finding.endLine
            ? { col: String(finding.column), endColumn: String(finding.endColumn) }
            : {}),
          title: `LayerLens ${finding.rule}`,
        },
        message: finding.message,
      })),
    );
  });

  it('Markdown renders as GFM tables, one row per finding, messages intact', async () => {
    const output = (await run(['--format', 'markdown', ...files], folder)).stdout;
    const expected = await expectedFindings(files, folder);
    const tables = markdownTables(output);
    assert.deepEqual(
      tables.map((rows) => rows[0]),
      [
        ['Line', 'Severity', 'Rule', 'Finding'],
        ['Line', 'Severity', 'Rule', 'Finding'],
      ],
    );
    const withoutCodeMarks = (message: string) => message.replace(/`([^`]*)`/g, '$1');
    assert.deepEqual(
      tables.flatMap((rows) => rows.slice(1)).map(([line, , rule, message]) => ({ line, rule, message })),
      expected.map((finding) => ({
        line: String(finding.line),
        rule: finding.rule,
        message: withoutCodeMarks(finding.message),
      })),
    );
    assert.match(
      output,
      /^## LayerLens\n\n🛑 1 error · ⚠️ \d+ warnings · ℹ️ \d+ infos? · 💡 \d+ hints? in 2 Dockerfiles\.\n/,
    );
  });

  it('every format over the corpus: SARIF and GitLab valid, one annotation and one table row per finding', async function () {
    if (!existsSync(corpus)) this.skip();
    const corpusFiles = readdirSync(corpus)
      .filter((name) => !name.endsWith('.tsv'))
      .map((name) => join(corpus, name));
    const expected = await expectedFindings(corpusFiles, corpus);
    const sarifValidate = sarifValidator();
    const gitlabValidate = gitlabValidator();
    const sarif = JSON.parse((await run(['--format', 'sarif', ...corpusFiles], corpus)).stdout) as object;
    const gitlab = JSON.parse((await run(['--format', 'gitlab', ...corpusFiles], corpus)).stdout) as object[];
    const annotations = parseWorkflowCommands((await run(['--format', 'github', ...corpusFiles], corpus)).stdout);
    const rows = markdownTables((await run(['--format', 'markdown', ...corpusFiles], corpus)).stdout).flatMap((table) =>
      table.slice(1),
    );
    assert.deepEqual(
      {
        sarif: sarifValidate(sarif),
        gitlab: gitlabValidate(gitlab),
        gitlabIssues: gitlab.length,
        annotations: annotations.map((annotation) => annotation.message),
        rows: rows.map(([, , rule]) => rule),
      },
      {
        sarif: true,
        gitlab: true,
        gitlabIssues: expected.length,
        annotations: expected.map((finding) => finding.message),
        rows: expected.map((finding) => finding.rule),
      },
    );
  });
});
