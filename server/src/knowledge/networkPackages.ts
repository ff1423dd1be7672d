import data from '../data/network-packages.json';

const packageTools = new Map<string, Map<string, string>>(
  Object.entries(data.managers as Record<string, Record<string, string>>).map(([manager, packages]) => [
    manager,
    new Map(Object.entries(packages)),
  ]),
);

const toolPrograms = new Map<string, readonly string[]>(Object.entries(data.tools as Record<string, string[]>));
const programTools = new Map<string, string>();
for (const [tool, programs] of toolPrograms) {
  for (const program of programs) programTools.set(program, tool);
}

/** The network tool a package installs (`apt`, `netcat-openbsd` → `netcat`), if it installs one. */
export function networkToolOfPackage(manager: string, name: string): string | undefined {
  return packageTools.get(manager)?.get(name);
}

/** The network tool a program belongs to (`nc` → `netcat`, `scp` → `ssh`). */
export function networkToolOfProgram(program: string): string | undefined {
  return programTools.get(program);
}

/** The programs a network tool puts on the PATH (`netcat` → nc, netcat, ncat). */
export function programsOfTool(tool: string): readonly string[] {
  return toolPrograms.get(tool) ?? [];
}
