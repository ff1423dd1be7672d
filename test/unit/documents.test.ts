import assert from 'node:assert/strict';
import { DocumentState, DocumentStates } from '../../server/src/documents';
import type { EstimateResult } from '../../server/src/documents';
import type { Conversion } from '../../server/src/features/convert';
import { buildModel } from '../../server/src/model/model';
import type { DockerfileModel } from '../../server/src/model/model';
import { defaultSettings } from '../../server/src/settings';
import { estimateImageSize } from '../../server/src/size/estimate';

const uri = 'file:///project/Dockerfile';
const text = 'FROM alpine:3.20\nCOPY . /app\nRUN apk add --no-cache curl\n';

/** A real estimate of the model; each call gives a new object, so a test can tell which one it got. */
function estimated(model: DockerfileModel, complete: boolean): EstimateResult {
  return { model, complete, estimate: estimateImageSize(model) };
}

/** A clock that advances `step` ms on every read: each analysis then "takes" `step` ms. */
function steppingClock(step: number): () => number {
  let time = 0;
  return () => (time += step);
}

describe('DocumentState', () => {
  it('analyses a version once per settings and build-context generation', () => {
    const state = new DocumentState(uri);
    const first = state.analysisOf(1, text, defaultSettings, {}, 0);
    assert.equal(state.analysisOf(1, text, defaultSettings, {}, 0), first);
    assert.notEqual(state.analysisOf(1, text, defaultSettings, {}, 1), first, 'new context generation');
    const again = state.analysisOf(1, text, defaultSettings, {}, 1);
    assert.notEqual(state.analysisOf(1, text, { ...defaultSettings, target: 'x' }, {}, 1), again, 'new settings');
    const current = state.analysisOf(2, text, defaultSettings, {}, 1);
    state.forgetAnalysis();
    assert.notEqual(state.analysisOf(2, text, defaultSettings, {}, 1), current, 'forgotten');
  });

  it('keeps the last complete estimate of the same text while the build context is read again', () => {
    const state = new DocumentState(uri);
    const model = buildModel(text);
    const complete = estimated(model, true);
    assert.equal(
      state.estimateOf(1, text, 0, model, () => complete),
      complete,
    );
    // A save re-reads the context: the estimate of generation 1 is made without it.
    assert.equal(
      state.estimateOf(1, text, 1, model, () => estimated(model, false)),
      complete,
    );
    // Asked again for the same generation: the same answer, not a second estimate.
    assert.equal(
      state.estimateOf(1, text, 1, model, () => assert.fail('estimated twice')),
      complete,
    );
    const fresh = estimated(model, true);
    assert.equal(
      state.estimateOf(1, text, 2, model, () => fresh),
      fresh,
    );
  });

  it('shows a partial estimate of changed text rather than a stale one of other text', () => {
    const state = new DocumentState(uri);
    const model = buildModel(text);
    state.estimateOf(1, text, 0, model, () => estimated(model, true));
    const changed = `${text}RUN true\n`;
    const changedModel = buildModel(changed);
    const partial = estimated(changedModel, false);
    assert.equal(
      state.estimateOf(2, changed, 1, changedModel, () => partial),
      partial,
    );
  });

  it('converts a version once per size generation', () => {
    const state = new DocumentState(uri);
    const conversion: Conversion = { result: { ok: false, reason: 'test' }, sizeChange: null };
    assert.equal(
      state.conversionOf(1, 0, () => conversion),
      conversion,
    );
    assert.equal(
      state.conversionOf(1, 0, () => assert.fail('converted twice')),
      conversion,
    );
    const next: Conversion = { result: { ok: false, reason: 'next' }, sizeChange: null };
    assert.equal(
      state.conversionOf(1, 1, () => next),
      next,
    );
  });

  describe('debounce', () => {
    it('checks at once when the analysis is cheap, however fast the user types', () => {
      const state = new DocumentState(uri, steppingClock(1));
      state.analysisOf(1, text, defaultSettings, {}, 0);
      state.analysisOf(2, text, defaultSettings, {}, 0);
      assert.deepEqual(
        [0, 1, 2, 3].map((at) => state.debounceFor(at)),
        [0, 0, 0, 0],
      );
    });

    it('waits about one analysis while the user types faster than an expensive analysis, at once after a pause', () => {
      const state = new DocumentState(uri, steppingClock(80));
      state.analysisOf(1, text, defaultSettings, {}, 0);
      assert.equal(state.debounceFor(900), 0, 'the analysis on open runs cold and is not counted');
      state.analysisOf(2, text, defaultSettings, {}, 0);
      assert.equal(state.debounceFor(1000), 0, 'first change');
      assert.equal(state.debounceFor(1030), 80, 'typing 30 ms after the previous change');
      assert.equal(state.debounceFor(1500), 0, 'after a pause longer than one analysis');
    });

    it('never waits longer than 150 ms', () => {
      const state = new DocumentState(uri, steppingClock(900));
      state.analysisOf(1, text, defaultSettings, {}, 0);
      state.analysisOf(2, text, defaultSettings, {}, 0);
      state.debounceFor(0);
      assert.equal(state.debounceFor(10), 150);
    });
  });
});

describe('DocumentStates', () => {
  it('drops a closed document with its pending check', () => {
    const states = new DocumentStates();
    const state = states.get(uri);
    assert.equal(states.get(uri), state);
    let fired = false;
    state.timer = setTimeout(() => (fired = true), 0);
    states.drop(uri);
    assert.equal(states.peek(uri), undefined);
    assert.equal(states.size, 0);
    assert.equal(state.timer, undefined);
    assert.notEqual(states.get(uri), state, 'reopened: a fresh state');
    // Timers of the same duration fire in the order they were set: this one runs after the cancelled one would have.
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        assert.equal(fired, false, 'the pending check was cancelled');
        resolve();
      }, 0),
    );
  });
});
