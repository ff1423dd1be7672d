import { Instruction } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';

/**
 * dockerfile-ast splits an instruction's arguments anew on every call of `getRawArguments`, and its
 * own constructors and getters call it several times per instruction: that repeated split was most of
 * the parse time (measured with --cpu-prof over the corpus). The split depends only on the immutable
 * document text and ranges, so it is memoised per instance (on the instance: model/memo.ts says why not in a WeakMap); callers get a copy because
 * ModifiableInstruction shifts flags off the returned array.
 */
type RawArguments = (this: Instruction) => unknown[];
const argsKey = Symbol('arguments');
const prototype = Instruction.prototype as unknown as { getRawArguments: RawArguments; __layerlensMemo?: true };
if (!prototype.__layerlensMemo) {
  const original = prototype.getRawArguments;
  // A plain symbol property (no defineProperty, which cost a few percent here): nothing compares dockerfile-ast objects.
  prototype.getRawArguments = function getRawArguments(this: Instruction & { [argsKey]?: unknown[] }) {
    const args = (this[argsKey] ??= original.call(this));
    return args.slice();
  };
  prototype.__layerlensMemo = true;
}

/**
 * dockerfile-ast's parser builds every instruction that has arguments twice: once to look for heredocs
 * when its first line ends, and again, with the same offsets unless a heredoc body followed, to add it
 * to the Dockerfile. Constructing an instruction is deterministic in those offsets (the constructors
 * split and scan the arguments; getters only fill caches with the same values), so the second call
 * returns the first instance when the offsets match.
 */
type CreateInstruction = (
  this: ParserState,
  dockerfile: unknown,
  keyword: string,
  start: number,
  instructionEnd: number,
  end: number,
) => Instruction;
interface ParserState {
  __layerlensLast?: {
    dockerfile: unknown;
    keyword: string;
    start: number;
    instructionEnd: number;
    end: number;
    instruction: Instruction;
  };
}
const parserPrototype = Parser.prototype as unknown as {
  createInstruction: CreateInstruction;
  __layerlensReuse?: true;
};
if (!parserPrototype.__layerlensReuse) {
  const original = parserPrototype.createInstruction;
  parserPrototype.createInstruction = function createInstruction(
    this: ParserState,
    dockerfile,
    keyword,
    start,
    instructionEnd,
    end,
  ) {
    const last = this.__layerlensLast;
    this.__layerlensLast = undefined;
    if (
      last &&
      last.dockerfile === dockerfile &&
      last.keyword === keyword &&
      last.start === start &&
      last.instructionEnd === instructionEnd &&
      last.end === end
    ) {
      return last.instruction;
    }
    const instruction = original.call(this, dockerfile, keyword, start, instructionEnd, end);
    this.__layerlensLast = { dockerfile, keyword, start, instructionEnd, end, instruction };
    return instruction;
  };
  parserPrototype.__layerlensReuse = true;
}
