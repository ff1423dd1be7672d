import assert from 'node:assert/strict';
import { added, fetchTools, systemSnapshot } from './tools';

let before: string[] = [];

/**
 * Mocha root hooks of the registry tier: the tools are fetched into the clone's .cache before any test,
 * and the whole tier (fetching, registries started and stopped) must leave the machine as it found it.
 */
export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    this.timeout(600_000);
    before = systemSnapshot();
    fetchTools();
  },
  afterAll(): void {
    assert.deepEqual(
      added(before, systemSnapshot()),
      [],
      'the registry tests installed or enabled something outside the clone',
    );
  },
};
