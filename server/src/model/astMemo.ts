import { Instruction } from 'dockerfile-ast';

/**
 * dockerfile-ast splits an instruction's arguments anew on every call of `getRawArguments`, and its
 * own constructors and getters call it several times per instruction: that repeated split was most of
 * the parse time (measured with --cpu-prof over the corpus). The split depends only on the immutable
 * document text and ranges, so it is memoised per instance; callers get a copy because
 * ModifiableInstruction shifts flags off the returned array.
 */
type RawArguments = (this: Instruction) => unknown[];
const prototype = Instruction.prototype as unknown as { getRawArguments: RawArguments; __layerlensMemo?: true };
if (!prototype.__layerlensMemo) {
  const original = prototype.getRawArguments;
  const cache = new WeakMap<Instruction, unknown[]>();
  prototype.getRawArguments = function getRawArguments(this: Instruction) {
    let args = cache.get(this);
    if (!args) {
      args = original.call(this);
      cache.set(this, args);
    }
    return args.slice();
  };
  prototype.__layerlensMemo = true;
}
