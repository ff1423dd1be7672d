// "LayerLens: Build and Measure" in a real VS Code: builds the fixture with buildah (the lab's store,
// set up by test/e2e/lab.mjs), then the measured lenses and hover stand beside the estimate.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, waitFor } from './helpers';

async function lensTitles(uri: vscode.Uri): Promise<Array<[number, string]>> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 20);
  return lenses
    .filter((lens) => lens.command && /measure/i.test(`${lens.command.title} ${lens.command.command}`))
    .map((lens): [number, string] => [lens.range.start.line, lens.command?.title ?? '']);
}

describe('LayerLens Build and Measure', function () {
  this.timeout(10 * 60_000);

  before(function () {
    if (process.env.LAYERLENS_E2E_MEASURE !== '1') this.skip();
  });

  it('builds the Dockerfile and shows measured lenses and hover beside the estimate', async () => {
    const editor = await openFixture('measure/Dockerfile');
    const uri = editor.document.uri;
    let titles: Array<[number, string]> = [];
    await waitFor('the Build and Measure lens on FROM', () => {
      void lensTitles(uri).then((found) => (titles = found));
      return titles.some(([line, title]) => line === 0 && title === 'Build and Measure') ? true : undefined;
    });

    const response = await vscode.commands.executeCommand<{ ok: boolean; reason?: string }>(
      'layerlens.buildAndMeasure',
      uri.toString(),
    );
    assert.equal(response?.ok, true, response?.reason);

    await waitFor(
      'the measured lenses',
      () => {
        void lensTitles(uri).then((found) => (titles = found));
        return titles.some(([, title]) => title.startsWith('Measured:')) ? true : undefined;
      },
      60_000,
    );
    assert.equal(titles.length, 3, JSON.stringify(titles));
    assert.match(titles[0][1], /^Measured: \d+ MB on disk · \d+ MB to pull · 3\.0 MB wasted \(9\d\.\d % efficient\)$/);
    assert.equal(titles[0][0], 0);
    assert.equal(titles[1][0], 2);
    assert.match(titles[1][1], /^\+3\.0 MB \(measured\) · estimate /);
    assert.deepEqual(titles[2], [3, '3.0 MB added by line 3 deleted or overwritten here (measured waste)']);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(2, 1),
    );
    const text = hovers
      .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
      .join('\n');
    assert.match(text, /\*\*\+3\.0 MB \(measured\)\*\*: 3\.0 MB on disk/);
  });
});
