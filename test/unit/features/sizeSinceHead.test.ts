import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { estimateAtRevision, estimateWithContextDir } from '../../../server/src/engine/estimateFile';
import { SizeSinceHead } from '../../../server/src/features/sizeSinceHead';
import { buildModel } from '../../../server/src/model/model';
import { formatDelta } from '../../../server/src/size/format';

const first = 'FROM debian:bookworm-slim\nCOPY app.bin /app\nCMD ["/app"]\n';
const second =
  'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*\nCOPY app.bin /app\nCMD ["/app"]\n';

describe('"+N MB since HEAD" lens (features/sizeSinceHead)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'layerlens-since-head-'));
  const dockerfile = join(repo, 'Dockerfile');
  const uri = pathToFileURL(dockerfile).href;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: repo });
  before(() => {
    git('init', '-q');
    writeFileSync(dockerfile, first);
    writeFileSync(join(repo, 'app.bin'), randomBytes(500_000));
    git('add', '-A');
    git('commit', '-qm', 'one');
    writeFileSync(dockerfile, second);
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  const current = async () => {
    const model = buildModel(second);
    return { model, estimate: await estimateWithContextDir(model, dockerfile, repo) };
  };

  it('runs no git in an untrusted workspace', async () => {
    let changes = 0;
    const lens = new SizeSinceHead(() => changes++);
    const { model, estimate } = await current();
    assert.deepEqual(lens.lenses(uri, 1, model, estimate, false), []);
    await lens.settled(uri);
    assert.deepEqual([lens.lenses(uri, 1, model, estimate, false), changes], [[], 0]);
  });

  it('shows the shipped change against HEAD once git answered, and follows a new commit after a while', async () => {
    let changes = 0;
    let clock = 0;
    const lens = new SizeSinceHead(
      () => changes++,
      () => clock,
    );
    const { model, estimate } = await current();
    // Off the request path: the first answer has no lens, the check runs after it.
    assert.deepEqual(lens.lenses(uri, 1, model, estimate, true), []);
    await lens.settled(uri);
    const atHead = (await estimateAtRevision(dockerfile, repo, 'HEAD')).estimate;
    const delta = (estimate.stages[0].diskBytes ?? 0) - (atHead?.stages[0].diskBytes ?? 0);
    assert.ok(delta > 20e6, String(delta));
    assert.equal(changes, 1);
    assert.deepEqual(lens.lenses(uri, 1, model, estimate, true), [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        command: {
          title: `${formatDelta(delta)} since HEAD`,
          command: 'layerlens.showSizeBreakdown',
          arguments: [uri, 0],
        },
      },
    ]);
    // The edit is committed: HEAD moves without a new document version, and is looked up again after 30 s.
    git('commit', '-qam', 'two');
    clock += 10_000;
    assert.equal(lens.lenses(uri, 1, model, estimate, true).length, 1);
    await lens.settled(uri);
    assert.equal(changes, 1);
    clock += 31_000;
    lens.lenses(uri, 1, model, estimate, true);
    await lens.settled(uri);
    assert.deepEqual([changes, lens.lenses(uri, 1, model, estimate, true)], [2, []], 'unchanged since HEAD: no lens');
  });

  it('shows nothing outside a git repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'layerlens-no-repo-'));
    const file = join(outside, 'Dockerfile');
    writeFileSync(file, first);
    let changes = 0;
    const lens = new SizeSinceHead(() => changes++);
    const model = buildModel(first);
    const estimate = await estimateWithContextDir(model, file, outside);
    const outsideUri = pathToFileURL(file).href;
    lens.lenses(outsideUri, 1, model, estimate, true);
    await lens.settled(outsideUri);
    assert.deepEqual([lens.lenses(outsideUri, 1, model, estimate, true), changes], [[], 0]);
    rmSync(outside, { recursive: true, force: true });
  });
});
