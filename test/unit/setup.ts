import { initShellParser } from '../../server/src/model/shell';

/** Mocha root hook: the WebAssembly shell parser loads once before any test builds a model. */
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await initShellParser();
  },
};
