import type { Instruction, Stage } from './model';
import { layersOf } from './model';

/** A USER instruction and its argument as written (`app`, `1000:1000`, `${APP_USER}`). */
export interface UserSetting {
  value: string;
  instruction: Instruction;
}

/**
 * The user that runs an instruction (`before`) of a stage, or every later command of the image when
 * `before` is undefined: the last USER among the stage's layers, inherited stages included. Undefined
 * when no USER is set, so the base image's user applies.
 */
export function userSettingOf(stage: Stage, before?: Instruction): UserSetting | undefined {
  let found: Instruction | undefined;
  for (const instruction of layersOf(stage)) {
    if (instruction === before) break;
    if (instruction.keyword === 'USER') found = instruction;
  }
  return found ? { value: found.args[0]?.value ?? '', instruction: found } : undefined;
}

/** The user part of a USER value: `app:staff` → `app`. */
export function userNameOf(value: string): string {
  return value.split(':')[0]?.trim() ?? '';
}

/**
 * True when a USER value runs as root: the user `root` or UID 0, whatever the group (`root:staff`, `0:0`,
 * `0:1000`). User names are case-sensitive on Linux: `ROOT` is another (usually missing) user.
 */
export function isRootUser(value: string): boolean {
  const name = userNameOf(value);
  return name === 'root' || /^0+$/.test(name);
}
