import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentState } from '../../server/src/documents';
import { analyzeDocument } from '../../server/src/engine/document';
import { forgetRecentShellParses } from '../../server/src/model/shell';
import { defaultSettings } from '../../server/src/settings';

// An edited document is analysed with what earlier versions left behind (memoised shell parses, its
// DocumentState); after every edit of a random sequence the findings must equal a fresh analysis.

const examples = join(__dirname, '../../examples');
const corpus = process.env.LAYERLENS_CORPUS ?? join(__dirname, '../../../shared/corpus/dockerfiles');

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces a typist adds: characters, continuations, whole instructions, quotes, comments. */
const insertions = [
  'x',
  ' ',
  '\n',
  ' \\\n    ',
  ' && ',
  '"',
  '#',
  '$',
  'RUN apt-get update && apt-get install -y curl\n',
  'COPY . .\n',
  'FROM debian:bookworm AS extra\n',
  'USER root\n',
  ' | sh',
  'rm -rf /var/lib/apt/lists/*',
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  if (next() < 0.35 && text.length > 0) {
    const length = 1 + Math.floor(next() * Math.min(40, text.length - at));
    return text.slice(0, at) + text.slice(at + length);
  }
  return text.slice(0, at) + insertions[Math.floor(next() * insertions.length)] + text.slice(at);
}

function dockerfilesIn(dir: string, limit: number): Array<{ name: string; text: string }> {
  if (!existsSync(dir)) return [];
  const files: Array<{ name: string; text: string }> = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/dockerfile|containerfile/i.test(entry.name))
        files.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  };
  visit(dir);
  // Spread over the folder rather than its first files.
  const step = Math.max(1, Math.floor(files.length / limit));
  return files.filter((_, index) => index % step === 0).slice(0, limit);
}

describe('incremental analysis equals a fresh one', function () {
  const files = [...dockerfilesIn(examples, 10), ...dockerfilesIn(corpus, 12)];

  it('has files to edit', () => assert.ok(files.length >= 4, `only ${files.length} files`));

  for (const [fileIndex, file] of files.entries()) {
    it(`after each of 8 random edits: ${file.name.split('/').slice(-2).join('/')}`, () => {
      const next = random(1000 + fileIndex);
      const state = new DocumentState('file:///project/Dockerfile');
      let text = file.text;
      forgetRecentShellParses();
      for (let version = 1; version <= 9; version++) {
        if (version > 1) text = edit(text, next);
        const incremental = state.analysisOf(version, text, defaultSettings, {}, 0);
        forgetRecentShellParses();
        const fresh = analyzeDocument(text, defaultSettings, {});
        assert.deepEqual(incremental.findings, fresh.findings, `version ${version} of ${file.name}:\n${text}`);
      }
    });
  }
});
