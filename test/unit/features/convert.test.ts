import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { changedSpan, convertEditFor, sizeChangeOf } from '../../../server/src/features/convert';
import { applyEdits } from '../../../server/src/engine/edits';
import type { ImageSizeEstimate, StageEstimate } from '../../../server/src/size/estimate';

function stage(shipped: boolean, diskBytes: number | null, unknownLayers = 0): StageEstimate {
  return {
    name: null,
    index: 0,
    shipped,
    diskBytes,
    compressedBytes: diskBytes,
    diskLow: diskBytes === null ? null : diskBytes * 0.9,
    diskHigh: diskBytes === null || unknownLayers > 0 ? null : diskBytes * 1.1,
    compressedLow: diskBytes === null ? null : diskBytes * 0.9,
    compressedHigh: diskBytes === null || unknownLayers > 0 ? null : diskBytes * 1.1,
    addedDiskBytes: 0,
    addedCompressedBytes: 0,
    unknownLayers,
    layers: [],
    base: {
      reference: 'x',
      diskBytes,
      compressedBytes: diskBytes,
      diskLow: diskBytes,
      diskHigh: diskBytes,
      compressedLow: diskBytes,
      compressedHigh: diskBytes,
      confidence: 'data',
      notes: [],
    },
  };
}
const image = (...stages: StageEstimate[]): ImageSizeEstimate => ({ stages });

describe('convert feature', () => {
  describe('changedSpan', () => {
    const cases: Array<[string, string, string]> = [
      ['same prefix and suffix lines', 'FROM a\nRUN b\nCMD c\n', 'FROM a\nRUN x\nRUN y\nCMD c\n'],
      ['change inside the first line', 'FROM a\nCMD c\n', 'FROM a AS build\nCMD c\n'],
      ['appended lines', 'FROM a\n', 'FROM a\n\nFROM b\n'],
      ['CRLF', 'FROM a\r\nRUN b\r\nCMD c\r\n', 'FROM a AS build\r\nRUN b\r\n\r\nFROM z\r\nCMD c\r\n'],
      ['no final newline', 'FROM a\nCMD c', 'FROM b\nCMD c'],
      ['identical', 'FROM a\n', 'FROM a\n'],
      ['repeated lines', 'A\nA\nA\n', 'A\nA\n'],
    ];
    for (const [name, before, after] of cases) {
      it(`replaces whole lines only, and the result is the target: ${name}`, () => {
        const span = changedSpan(before, after);
        assert.equal(before.slice(0, span.start) + span.newText + before.slice(span.end), after);
        assert.ok(span.start === 0 || before[span.start - 1] === '\n', 'starts at a line start');
        assert.ok(span.end === before.length || before[span.end - 1] === '\n', 'ends after a line end');
      });
    }

    it('keeps the unchanged lines out of the edit', () => {
      assert.deepEqual(changedSpan('FROM a\nRUN b\nCMD c\n', 'FROM a\nRUN x\nCMD c\n'), {
        start: 7,
        end: 13,
        newText: 'RUN x\n',
      });
    });
  });

  describe('convertEditFor', () => {
    const document = TextDocument.create('file:///p/Dockerfile', 'dockerfile', 3, 'FROM a\nRUN b\nCMD c\n');
    const converted = 'FROM a AS build\nRUN b\n\nFROM z\nCMD c\n';

    it('is a versioned edit with a change annotation that needs confirmation (an empty one: the change itself stays checked in the preview)', () => {
      const end = { line: 3, character: 0 };
      assert.deepEqual(convertEditFor(document, converted, 'Convert', { changeAnnotations: true }), {
        documentChanges: [
          {
            textDocument: { uri: 'file:///p/Dockerfile', version: 3 },
            edits: [
              {
                range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
                newText: 'FROM a AS build\nRUN b\n\nFROM z\n',
                annotationId: 'layerlens.convert',
              },
              { range: { start: end, end }, newText: '', annotationId: 'layerlens.convert.confirm' },
            ],
          },
        ],
        changeAnnotations: {
          'layerlens.convert': { label: 'Convert', needsConfirmation: false, description: 'LayerLens' },
          'layerlens.convert.confirm': { label: 'Review the diff, then Apply', needsConfirmation: true },
        },
      });
    });

    it('falls back to plain changes for clients without change annotations', () => {
      const edit = convertEditFor(document, converted, 'Convert', { changeAnnotations: false });
      assert.equal(applyEdits(document.getText(), edit.changes?.['file:///p/Dockerfile'] ?? []), converted);
      assert.equal(edit.documentChanges, undefined);
    });
  });

  describe('sizeChangeOf', () => {
    it('quotes the shipped stages before and after, ≥ the low end of the interval where layers are unknown', () => {
      assert.equal(
        sizeChangeOf(
          image(stage(true, 1_100_000_000, 1)),
          image(stage(false, 1_200_000_000), stage(true, 180_000_000)),
        ),
        '≥ 990 MB → ≈ 180 MB on disk',
      );
    });

    it('says nothing when a shipped size is unknown', () => {
      assert.equal(sizeChangeOf(image(stage(true, 1e9)), image(stage(false, 1e9), stage(true, null))), null);
      assert.equal(sizeChangeOf(image(stage(true, null)), image(stage(true, 1e8))), null);
    });
  });
});
