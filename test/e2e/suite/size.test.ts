// The size CodeLens in a real VS Code: shown on the FROM line, updated when a heavy RUN is added, steady
// while a save re-reads the build context.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, revertAll, waitFor } from './helpers';

async function fromLensTitle(uri: vscode.Uri, line: number): Promise<string | undefined> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
  return lenses.find((lens) => lens.range.start.line === line && lens.command?.title.startsWith('LayerLens:'))?.command
    ?.title;
}

/** The on-disk megabytes a lens title states (`LayerLens: ≈ 123 MB (110–135) on disk · …`). */
function diskMegabytes(title: string): number {
  const match = /([\d.]+) (GB|MB|kB)(?: \([^)]*\))? on disk/.exec(title);
  assert.ok(match, `no on-disk size in ${title}`);
  return Number(match[1]) * { GB: 1000, MB: 1, kB: 0.001 }[match[2] as 'GB' | 'MB' | 'kB'];
}

describe('LayerLens size lens', function () {
  this.timeout(90_000);

  afterEach(revertAll);

  it('shows the shipped stage estimate on FROM and updates it when a heavy RUN is added', async () => {
    const editor = await openFixture('cleanup/Dockerfile');
    const uri = editor.document.uri;
    let before = '';
    await waitFor('a size lens on FROM', () => {
      void fromLensTitle(uri, 0).then((title) => (before = title ?? ''));
      return before ? true : undefined;
    });
    // The interval the figure's method gives stands beside it: `≈ 154 MB (134–169) on disk · 72 MB (67–77) to pull`.
    assert.match(
      before,
      /^LayerLens: ≈ \d+ MB \(\d+–\d+\) on disk · \d+ MB \(\d+–\d+\) to pull \(base \d+ MB \+ .+ in \d+ layers?/,
    );
    const userLine = editor.document.lineAt(3);
    assert.equal(userLine.text, 'USER app');
    await editor.edit((builder) =>
      builder.insert(
        userLine.range.start,
        'RUN apt-get update && apt-get install -y --no-install-recommends build-essential\n',
      ),
    );
    let after = '';
    await waitFor('the lens to grow by the build-essential layer', () => {
      void fromLensTitle(uri, 0).then((title) => (after = title ?? ''));
      return after && diskMegabytes(after) > diskMegabytes(before) + 100 ? true : undefined;
    });
    const layerLens = (
      await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)
    ).find((lens) => lens.range.start.line === 3);
    assert.match(layerLens?.command?.title ?? '', /^\+\d+ MB \(\d+–\d+\) \(data\)$/);
  });

  it('never shows fewer layers while an unchanged Dockerfile is saved', async () => {
    // COPY . . makes the layer count depend on the build context, which a save makes the server read again.
    const editor = await openFixture('single-stage/Dockerfile');
    const uri = editor.document.uri;
    const knownLayers = (title: string) => Number(/in (\d+) layers?/.exec(title)?.[1] ?? -1);
    let before = '';
    await waitFor('a lens with the COPY measured', () => {
      void fromLensTitle(uri, 0).then((title) => (before = title ?? ''));
      return knownLayers(before) > 0 ? true : undefined;
    });
    // The same text, but dirty, so that the save writes the file and the watcher reports it.
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((builder) => builder.insert(end, ' '));
    await editor.edit((builder) => builder.delete(new vscode.Range(end, end.translate(0, 1))));
    assert.ok(editor.document.isDirty, 'the document is dirty before the save');
    const seen: string[] = [];
    let savedAt: number | undefined;
    void editor.document.save().then(() => (savedAt = Date.now()));
    // Every lens the server gives from the save until well after the file event was handled.
    await waitFor(
      'the save and 2 s of lenses after it',
      () => {
        void fromLensTitle(uri, 0).then((title) => seen.push(title ?? ''));
        return savedAt !== undefined && Date.now() - savedAt > 2000 ? true : undefined;
      },
      20_000,
    );
    const fewer = seen.filter((title) => knownLayers(title) < knownLayers(before));
    assert.deepEqual(fewer, [], `lenses during the save, before it: ${before}`);
    assert.ok(seen.length > 10, `sampled ${seen.length} lenses`);
  });
});
