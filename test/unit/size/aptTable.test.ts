import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { aptIndex, PackageTable } from '../../../server/src/size/apt';
import type { AptIndexData } from '../../../server/src/size/apt';

describe('apt PackageTable (the compact form of the index rows)', () => {
  it('gives back every row of both committed indexes as the data file has it', () => {
    for (const suite of ['bookworm', 'trixie']) {
      const data = JSON.parse(
        gunzipSync(readFileSync(join(__dirname, `../../../server/src/data/apt-${suite}.json.gz`))).toString('utf8'),
      ) as AptIndexData;
      const table = new PackageTable(data.packages);
      assert.equal(table.length, data.packages.length);
      const differing: number[] = [];
      data.packages.forEach((row, id) => {
        const files = table.files(id);
        const back = [
          table.installedKiB(id),
          table.debBytes(id),
          row[2],
          files.files,
          files.docFiles,
          files.localeFiles,
          files.pyFiles,
          table.depends(id),
          table.recommends(id),
        ];
        const expected = [...row.slice(0, 7), row[7] ?? [], row[8] ?? []];
        if (JSON.stringify(back) !== JSON.stringify(expected)) differing.push(id);
      });
      assert.deepEqual(differing, [], `${suite}: rows that differ`);
    }
  });

  it('keeps names, providers and the small facts beside the table', () => {
    const data: AptIndexData = {
      suite: 'test',
      names: ['a', 'b', 'c', 'virtual'],
      packages: [
        [1, 2, 0, 3, 0, 0, 0, [1, [2, 3]], [2]],
        [4, 5, 1, 6, 1, 1, 1],
        [7, 8, 0, 9, 0, 0, 0, [], [[0, 1]]],
      ],
      providers: [[2]],
      alsoProvided: [[1, 2]],
      aptLists: { diskBytes: 10, gzipBytes: 5 },
    };
    const index = aptIndex(data);
    assert.deepEqual(
      {
        data: index.data,
        names: index.names,
        providers: index.providers,
        ids: [...index.ids],
        alsoProvided: [...index.alsoProvided],
        depends: [0, 1, 2].map((id) => index.packages.depends(id)),
        recommends: [0, 1, 2].map((id) => index.packages.recommends(id)),
      },
      {
        data: { suite: 'test', aptLists: { diskBytes: 10, gzipBytes: 5 } },
        names: ['a', 'b', 'c', 'virtual'],
        providers: [[2]],
        ids: [
          ['a', 0],
          ['b', 1],
          ['c', 2],
          ['virtual', 3],
        ],
        alsoProvided: [[1, [2]]],
        depends: [[1, [2, 3]], [], []],
        recommends: [[2], [], [[0, 1]]],
      },
    );
  });
});
