import data from '../data/package-managers.json';
import type { EffectiveCommand } from '../model/commands';
import { hasOption, operands } from '../model/commands';

interface PathRule {
  operands: string[];
  unless?: string[];
  paths: string[];
}

interface ManagerEntry {
  manager: string;
  programs: string[];
  install: string[];
  uninstall: string[];
  creates: PathRule[];
  removes: PathRule[];
}

const managers = data.managers as ManagerEntry[];

function managerOf(command: EffectiveCommand): ManagerEntry | undefined {
  return managers.find((manager) => manager.programs.includes(command.program));
}

function matchingPaths(rules: PathRule[], command: EffectiveCommand): string[] {
  const words = operands(command.args).map((word) => word.value);
  return rules
    .filter((rule) => rule.operands.every((operand, index) => words[index] === operand))
    .filter((rule) => !rule.unless || !hasOption(command.args, ...rule.unless))
    .flatMap((rule) => rule.paths);
}

/** Paths a package-manager command leaves behind (caches, package lists). */
export function pathsCreatedBy(command: EffectiveCommand): string[] {
  const manager = managerOf(command);
  return manager ? matchingPaths(manager.creates, command) : [];
}

/** Paths a package-manager cleanup command (`apt-get clean`, `npm cache clean`) deletes. */
export function pathsRemovedBy(command: EffectiveCommand): string[] {
  const manager = managerOf(command);
  return manager ? matchingPaths(manager.removes, command) : [];
}

export interface PackageChange {
  manager: string;
  packages: string[];
}

/** Packages a command installs, e.g. `apt-get install -y curl git` → apt: curl, git. */
export function packagesInstalledBy(command: EffectiveCommand): PackageChange | undefined {
  return packageChange(command, (manager) => manager.install);
}

/** Packages a command removes, e.g. `apk del .build-deps`. */
export function packagesRemovedBy(command: EffectiveCommand): PackageChange | undefined {
  return packageChange(command, (manager) => manager.uninstall);
}

function packageChange(command: EffectiveCommand, verbs: (manager: ManagerEntry) => string[]): PackageChange | undefined {
  const manager = managerOf(command);
  if (!manager) return undefined;
  const words = operands(command.args).map((word) => word.value);
  if (words.length === 0 || !verbs(manager).includes(words[0])) return undefined;
  const packages = words.slice(1).map(packageBaseName);
  // apk add --virtual NAME installs a named group that `apk del NAME` removes.
  const virtualIndex = command.args.findIndex((arg) => arg.value === '--virtual' || arg.value === '-t');
  if (virtualIndex >= 0 && command.args[virtualIndex + 1]) packages.push(command.args[virtualIndex + 1].value);
  return { manager: manager.manager, packages };
}

/** `curl=7.88.1-10` → `curl`, `requests==2.31` → `requests`, `gcc~=12` → `gcc`. */
export function packageBaseName(spec: string): string {
  const match = /^[^=<>~!@\s\[]+/.exec(spec);
  return (match ? match[0] : spec).toLowerCase();
}
