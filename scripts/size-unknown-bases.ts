// npx tsx scripts/size-unknown-bases.ts [--all]: the shipped base images of ../shared/corpus/dockerfiles
// that get no size figure, with how often each appears and why (the base-image half of issue #9's corpus
// coverage). `--all` lists every shipped base with the confidence of its figure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../server/src/model/model';
import { initShellParser } from '../server/src/model/shell';
import { estimateImageSize } from '../server/src/size/estimate';
import { sharedPath } from './bench-size-real';

const corpus = process.env.LAYERLENS_CORPUS ?? sharedPath('corpus/dockerfiles');

async function main(): Promise<void> {
  await initShellParser();
  const all = process.argv.includes('--all');
  const counts = new Map<string, { count: number; reason: string; files: string[] }>();
  let shipped = 0;
  for (const name of readdirSync(corpus).sort()) {
    const estimate = estimateImageSize(buildModel(readFileSync(join(corpus, name), 'utf8')));
    for (const stage of estimate.stages) {
      if (!stage.shipped) continue;
      shipped++;
      if (!all && stage.base.compressedBytes !== null) continue;
      const key = `${stage.base.reference}  [${stage.base.confidence}]`;
      const entry = counts.get(key) ?? { count: 0, reason: stage.base.notes[0] ?? '', files: [] };
      entry.count++;
      entry.files.push(name);
      counts.set(key, entry);
    }
  }
  const rows = [...counts].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  let listed = 0;
  for (const [key, { count, reason, files }] of rows) {
    listed += count;
    console.log(`${String(count).padStart(4)}  ${key.padEnd(64)} ${reason.slice(0, 80)}  (${files[0]})`);
  }
  console.log(`${listed} of ${shipped} shipped stages ${all ? 'listed' : 'have no base figure'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
