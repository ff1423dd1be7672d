import assert from 'node:assert/strict';
import { parseRepoInfoRecord } from '../../../scripts/repoInfoRecord';

// The shape of a docker-library/repo-info remote record: an index section, then one section per platform.
const record = [
  '## `docker:29-dind`',
  '',
  '-\tPlatforms: 2',
  '',
  '### `docker:29-dind` - linux; arm64 variant v8',
  '',
  '-\tTotal Size: **132.1 MB (132119054 bytes)**  ',
  '',
  '### `docker:29-dind` - linux; amd64',
  '',
  '-\tTotal Size: **140.2 MB (140239128 bytes)**  ',
  '\t(compressed transfer size, not on-disk size)',
  '',
  '```dockerfile',
  '# Tue, 16 Jun 2026 00:01:29 GMT',
  'ADD alpine-minirootfs-3.24.1-x86_64.tar.gz / # buildkit',
  '# Fri, 31 Jul 2026 16:23:33 GMT',
  'RUN apk add --no-cache ca-certificates # buildkit',
  '# Fri, 31 Jul 2026 17:10:26 GMT',
  'CMD []',
  '```',
  '',
  '-\tLayers:',
  '\t-\t`sha256:55af`  ',
  '\t\tLast Modified: Sun, 14 Jun 2026 06:44:06 GMT  ',
  '\t\tSize: 3.8 MB (3846391 bytes)  ',
  '\t-\t`sha256:8228`  ',
  '\t\tLast Modified: Fri, 31 Jul 2026 16:23:44 GMT  ',
  '\t\tSize: 8.2 MB (8183871 bytes)  ',
  '\t-\t`sha256:4f4f`  ',
  '\t\tLast Modified: Tue, 07 Mar 2017 15:01:14 GMT  ',
  '\t\tSize: 32.0 B  ',
  '',
  '### `docker:29-dind` - unknown; unknown',
  '',
  '-\tTotal Size: **34.5 KB (34542 bytes)**  ',
].join('\n');

describe('repo-info record import (scripts/repoInfoRecord.ts)', () => {
  it("reads the amd64 section's total and the date of its last history entry", () => {
    assert.deepEqual(parseRepoInfoRecord(record), { compressedBytes: 140239128, built: 'Fri, 31 Jul 2026' });
  });

  it('sums the first layers for an image built under another one, bytes written in B too', () => {
    assert.deepEqual(parseRepoInfoRecord(record, '1-2'), { compressedBytes: 12030262, built: 'Fri, 31 Jul 2026' });
    assert.deepEqual(parseRepoInfoRecord(record, '1-3'), { compressedBytes: 12030294, built: 'Tue, 07 Mar 2017' });
  });

  it('refuses a record without an amd64 section or with fewer layers than asked for', () => {
    assert.throws(() => parseRepoInfoRecord(record.replace('linux; amd64', 'linux; 386')), /no amd64 section/);
    assert.throws(() => parseRepoInfoRecord(record, '1-4'), /lists 3 layers, not 4/);
  });

  it('reads a Windows section', () => {
    const windows = record.replace('linux; amd64', 'windows version 10.0.20348.5622; amd64');
    assert.equal(parseRepoInfoRecord(windows).compressedBytes, 140239128);
  });
});
