import assert from 'node:assert/strict';
import { ensureLabTools, labAvailable } from '../../scripts/lab';
import { benchFixture } from '../../scripts/bench-convert';
import type { FixtureResult } from '../../scripts/bench-convert';

/**
 * A conversion that does not build or run is a failing test: a few golden fixtures are built and run before
 * and after conversion in the buildah lab (all of them in `npm run bench:convert`). Skips when buildah
 * cannot run here; under CI it installs buildah and fails instead of skipping.
 */
describe('convert: golden fixtures build and run in the buildah lab', function () {
  this.timeout(30 * 60 * 1000);

  before(async function () {
    if (!(await labAvailable())) ensureLabTools((line) => process.stderr.write(`${line}\n`));
    if (!(await labAvailable())) {
      if (process.env.CI)
        throw new Error('CI: the convert lab tier needs root and buildah, and could not install them');
      this.skip();
    }
  });

  for (const fixture of ['go/bare-name-on-path', 'node/plain-no-build']) {
    it(`${fixture}: converts, builds and runs before and after, and ships a smaller image`, async () => {
      const result: FixtureResult = await benchFixture(fixture);
      assert.deepEqual(
        {
          converted: result.converted,
          before: { built: result.before?.built, ran: result.before?.ran },
          after: { built: result.after?.built, ran: result.after?.ran },
        },
        { converted: true, before: { built: true, ran: true }, after: { built: true, ran: true } },
        JSON.stringify({ before: result.before, after: result.after }),
      );
      assert.ok(
        (result.after?.compressedBytes ?? Infinity) < (result.before?.compressedBytes ?? 0),
        `after ${result.after?.compressedBytes} < before ${result.before?.compressedBytes}`,
      );
    });
  }
});
