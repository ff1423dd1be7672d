// npm run corpus:dump: one line per finding over ../shared/corpus/dockerfiles (rule, file, line, column,
// message), sorted, to compare two versions of the rules byte for byte: a refactor must not change it.
// `--no-messages` leaves messages out, for comparing across a change of wording.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument, initShellParser } from '../server/src/engine/document';

const root = join(__dirname, '..');
// Worktrees sit one level deeper than the main checkout; /work/shared is where the corpus lives on this machine.
const corpus =
  process.env.LAYERLENS_CORPUS ??
  [join(root, '../shared/corpus/dockerfiles'), join(root, '../../shared/corpus/dockerfiles')].find((dir) =>
    existsSync(dir),
  ) ??
  join(root, '../shared/corpus/dockerfiles');

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.error(`corpus not found at ${corpus}`);
    process.exitCode = 1;
    return;
  }
  const withMessages = !process.argv.includes('--no-messages');
  await initShellParser();
  const lines: string[] = [];
  for (const file of readdirSync(corpus).sort()) {
    if (file.endsWith('.tsv')) continue;
    const { findings } = analyzeDocument(readFileSync(join(corpus, file), 'utf8'));
    for (const finding of findings) {
      const { line, character } = finding.range.start;
      const fields = [finding.rule, file, String(line + 1), String(character + 1)];
      if (withMessages) fields.push(finding.message.replace(/\s+/g, ' '));
      lines.push(fields.join('\t'));
    }
  }
  process.stdout.write(lines.sort().join('\n') + '\n');
}

void main();
