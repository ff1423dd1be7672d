import { parseArgs } from 'node:util';
import { argumentProblem } from './args';
import { analyzeDocument, initShellParser, inputRuleName } from '../engine/document';
import type { Finding } from '../engine/finding';
import { sortFindings } from '../engine/analyze';
import { findRule, rules } from '../rules';
import { closestRuleName } from '../engine/ruleNames';
import type { RuleSetting } from '../engine/analyze';
import { severities } from '../rules/types';
import type { Severity } from '../rules/types';
import { collectFiles, readDockerfile } from './files';
import type { CollectedFile } from './files';
import { readContextFacts } from '../context/facts';
import { dirname, resolve } from 'node:path';
import { budgetFor, checkSizeBudget } from '../engine/sizeBudget';
import { estimateWithContextDir } from '../engine/estimateFile';
import { maxSizeBudget } from './size';
import type { DockerfileModel } from '../model/model';
import { toSarif } from './sarif';
import { toGithubAnnotations } from './github';
import { toGitlabCodeQuality } from './gitlab';
import { toMarkdown } from './markdown';
import { fixFile } from './fix';
import { toText } from './text';
import type { FileFindings } from './sarif';

declare const LAYERLENS_VERSION: string | undefined;
const version = typeof LAYERLENS_VERSION === 'string' ? LAYERLENS_VERSION : '0.0.0-dev';

/** A problem with how the CLI was called or with reading its input: one line, exit code 2. */
export class UsageError extends Error {}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Colour the text report (stdout is a terminal and NO_COLOR is not set). */
  color?: boolean;
}

const usage = `Usage: layerlens [options] <file|folder>...
       layerlens size <Dockerfile> [--context DIR] [--json]
       layerlens convert <Dockerfile> [--context DIR] [--write]
       layerlens measure <Dockerfile> [--context DIR] [--target STAGE] [--engine docker|podman|buildah] [--json]

Checks Dockerfiles for what the shipped image carries and costs.
A folder is searched for Dockerfile, Containerfile, *.Dockerfile and Dockerfile.* files.

Options:
  --format text|json|sarif|github|gitlab|markdown
                             output format (default: text); github: workflow-command annotations,
                             gitlab: Code Quality report, markdown: a pull-request comment
  --fail-on error|warning|info|none
                             exit 1 when a finding has this severity or a higher one (default: error)
  --target <stage>           the stage that is shipped (default: the last stage)
  --rule <name>=<severity|off>
                             override a rule's severity; repeatable
  --max-size <size>          a budget for the shipped image on disk (200MB, 1.5GB): a size-budget finding on
                             the shipped FROM, an error when the estimate is over it for certain
                             (\`# layerlens budget=SIZE\` in a Dockerfile wins over it)
  --allow-empty              exit 0 when no Dockerfile is found (default: exit 2)
  --fix                      apply the preferred fixes (re-checked; a fix whose result does not parse is
                             not applied), write the files, then report what is left
  --dry-run                  with --fix: print a unified diff instead of writing; exit 1 when a file would change
  --list-rules               print the rules and exit
  --version                  print the version and exit
  -h, --help                 print this help and exit`;

const formats = ['text', 'json', 'sarif', 'github', 'gitlab', 'markdown'];

const thresholds: Record<string, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv[0] === 'size') return (await import('./size')).sizeCommand(argv.slice(1), io);
  if (argv[0] === 'convert') return (await import('./convert')).convertCommand(argv.slice(1), io);
  if (argv[0] === 'measure') return (await import('./measure')).measureCommand(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        target: { type: 'string' },
        rule: { type: 'string', multiple: true },
        'max-size': { type: 'string' },
        'list-rules': { type: 'boolean' },
        'allow-empty': { type: 'boolean' },
        fix: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(argumentProblem(error, '--help'));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    io.stdout(`${version}\n`);
    return 0;
  }
  const format = values.format ?? 'text';
  if (!formats.includes(format)) throw new UsageError(`unknown --format "${format}": use ${formats.join(', ')}`);
  const failOn = values['fail-on'] ?? 'error';
  if (failOn !== 'none' && !(failOn in thresholds))
    throw new UsageError(`unknown --fail-on "${failOn}": use error, warning, info or none`);
  const ruleSettings = parseRuleSettings(values.rule ?? []);
  const maxSize = maxSizeBudget(values['max-size']);
  if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run goes with --fix');
  let wouldChange = false;

  if (values['list-rules']) {
    io.stdout(listRules(format));
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no files or folders given (see --help)');

  await initShellParser();
  let files: CollectedFile[];
  try {
    files = collectFiles(positionals);
  } catch (error) {
    throw new UsageError(ioMessage(error));
  }
  const results: FileFindings[] = [];
  let failed = false;
  for (const file of files) {
    const read = readDockerfile(file);
    if (!read.ok) {
      // A file named on the command line must be readable; one a folder search found is skipped with a note.
      if (file.root === undefined) throw new UsageError(read.message);
      io.stderr(`layerlens: skipped ${file.path}: ${read.message.replace(/: [^:]*$/, '')}\n`);
      continue;
    }
    let text = read.text.replace(/^\uFEFF/, '');
    const settings = { target: values.target, rules: ruleSettings };
    const context = readContextFacts(resolve(file.path));
    if (values.fix) {
      const dryRun = values['dry-run'] === true;
      const fixed = fixFile(file.path, text, read.text !== text, { dryRun, settings, context }, io);
      if (dryRun) {
        wouldChange ||= fixed.changed;
        continue;
      }
      text = fixed.text;
    }
    let analysis;
    try {
      analysis = analyzeDocument(text, settings, context);
    } catch (error) {
      // The engine should never throw; if it does, the other files are still checked and the run fails.
      io.stderr(`layerlens: ${file.path}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      failed = true;
      continue;
    }
    const unknownTarget =
      values.target !== undefined && analysis.model ? missingStage(analysis.model, values.target) : undefined;
    if (unknownTarget !== undefined) throw new UsageError(`${file.path}: ${unknownTarget}`);
    // `input` is no rule: a file LayerLens cannot check is a problem with the input, said on stderr.
    const inputProblem = analysis.findings.find((finding) => finding.rule === inputRuleName);
    if (inputProblem) {
      io.stderr(`layerlens: ${file.path}: ${inputProblem.message}\n`);
      if (inputProblem.severity === 'error') failed = true;
      continue;
    }
    const budget = analysis.model && budgetFor(analysis.model, maxSize);
    if (analysis.model && budget) {
      // Only a file with a budget is estimated: the build context is walked for its COPY sizes.
      const path = resolve(file.path);
      const estimate = await estimateWithContextDir(analysis.model, path, dirname(path));
      const verdict = checkSizeBudget(analysis.model, estimate, budget);
      if (verdict) analysis.findings = sortFindings([...analysis.findings, verdict]);
    }
    results.push({ file: file.path, findings: analysis.findings });
  }
  if (files.length === 0 && !values['allow-empty'])
    throw new UsageError(`no Dockerfiles found in ${positionals.join(', ')} (--allow-empty to accept that)`);

  if (values['dry-run']) return failed ? 2 : wouldChange ? 1 : 0;
  if (format === 'sarif') io.stdout(`${JSON.stringify(toSarif(results, rules, version, io.cwd), null, 2)}\n`);
  else if (format === 'github') io.stdout(toGithubAnnotations(results, io.cwd));
  else if (format === 'gitlab') io.stdout(`${JSON.stringify(toGitlabCodeQuality(results, io.cwd), null, 2)}\n`);
  else if (format === 'markdown') io.stdout(toMarkdown(results, io.cwd));
  else if (format === 'json') io.stdout(`${JSON.stringify(results.map(toJson), null, 2)}\n`);
  else io.stdout(toText(results, results.length, io.color === true));

  if (failed) return 2;
  if (failOn === 'none') return 0;
  const limit = thresholds[failOn];
  return results.some((result) => result.findings.some((finding) => thresholds[finding.severity] <= limit)) ? 1 : 0;
}

function parseRuleSettings(entries: string[]): Record<string, RuleSetting> {
  const settings: Record<string, RuleSetting> = {};
  for (const entry of entries) {
    const [name, setting] = entry.split('=');
    if (!findRule(name))
      throw new UsageError(
        `unknown rule "${name}" in --rule; did you mean "${closestRuleName(name)}"? (see --list-rules)`,
      );
    if (setting !== 'off' && !severities.includes(setting as Severity))
      throw new UsageError(`--rule ${name}= needs off, error, warning, info or hint`);
    settings[name] = setting as RuleSetting;
  }
  return settings;
}

/** Docker's complaint for `--target` naming no stage of the file, with the names it has; undefined when it names one. */
function missingStage(model: DockerfileModel, target: string): string | undefined {
  const wanted = target.trim().toLowerCase();
  if (model.stages.some((stage) => stage.name === wanted)) return undefined;
  const names = model.stages.flatMap((stage) => (stage.name ? [stage.name] : []));
  return `no stage named "${target}" for --target (${names.length > 0 ? `stages: ${names.join(', ')}` : 'no stage has a name'})`;
}

function ioMessage(error: unknown): string {
  const nodeError = error as NodeJS.ErrnoException;
  if (nodeError?.code === 'ENOENT') return `no such file or folder: ${nodeError.path}`;
  if (nodeError?.code === 'EACCES') return `permission denied: ${nodeError.path}`;
  if (nodeError?.code === 'ENOTDIR') return `not a folder: ${nodeError.path}`;
  return nodeError?.message ?? String(error);
}

function toJson({ file, findings }: FileFindings) {
  return {
    file,
    findings: findings.map((finding: Finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      docs: finding.docsUrl,
      fixes: finding.fixes.map((fix) => fix.title),
    })),
  };
}

function listRules(format: string): string {
  if (format === 'json') {
    return `${JSON.stringify(
      rules.map((rule) => ({
        name: rule.meta.name,
        severity: rule.meta.severity,
        fixable: rule.meta.fixable,
        summary: rule.meta.docs.summary,
      })),
      null,
      2,
    )}\n`;
  }
  const width = Math.max(...rules.map((rule) => rule.meta.name.length));
  return `${rules.map((rule) => `${rule.meta.name.padEnd(width)}  ${rule.meta.severity.padEnd(7)}  ${rule.meta.fixable ? 'fix' : '   '}  ${rule.meta.docs.summary}`).join('\n')}\n`;
}
