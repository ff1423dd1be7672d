import type { DockerfileModel, Instruction, Stage } from '../../model/model';
import { escapeRegExp } from '../../model/glob';
import type { EffectiveCommand } from '../../model/commands';
import { operands } from '../../model/commands';
import { sdkImageOf } from '../../knowledge/images';
import type { ConvertContext } from './common';
import { absolute, assemble, buildOnlyCopies, isNumericUser, lineOf, refuse, workdirs } from './common';
import type { FoundCommand } from './compiled';
import { entryScriptCopy } from './start';
import {
  cacheMounts,
  copiedOutputs,
  createAppUser,
  findCommands,
  globPattern,
  hasGlob,
  installedPackages,
  refuseDigest,
  refuseMissingTools,
  refuseRuntimePackages,
  startCommand,
  trailingCopies,
  userValue,
} from './compiled';
import { isRootUser } from '../../model/user';

type Tool = 'maven' | 'gradle';

/** Maven phases that end with the packaged jar in target/. */
const mavenPackagingPhases = new Set(['package', 'verify', 'install', 'deploy']);
/** Gradle tasks that leave the runnable jar in build/libs. */
const gradleJarTasks = new Set(['build', 'assemble', 'bootJar', 'jar']);

/** FROM maven/gradle/a JDK + `mvn package` / `gradle bootJar` + `java -jar` → build stage + the matching JRE with only the jar. */
export function convertJava(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  refuseDigest(stage);
  const runtime = sdkImageOf(stage.image)?.runtimes[0];
  if (!runtime) refuse(`Cannot tell the Java version of ${stage.image.raw}: name it in the tag (e.g. 21-jdk).`);

  const dirs = workdirs(stage, stage.image.repository === 'gradle' ? '/home/gradle' : '/');
  const builds = findCommands(stage, (command) => toolOf(command) !== undefined && isPackaging(command));
  if (builds.length === 0)
    refuse('No `mvn package` / `gradle build` (or their wrappers) found in a RUN: nothing to separate.');
  const build = builds[builds.length - 1];
  const tool = toolOf(build.command) as Tool;
  if (build.afterCd)
    refuse(`The build at line ${lineOf(build.instruction)} runs after cd: cannot tell where the jar lands.`);
  const projectDir = dirs.get(build.instruction) ?? '/';
  const located =
    tool === 'maven' ? mavenJar(build, projectDir, context) : gradleJar(stage, build, projectDir, context);

  const start = startCommand(model, stage, dirs, context, true);
  const jarWord = javaJarOf(start.words, start.instruction);
  // Only a shell expands a glob: in exec form java gets the `*` itself.
  if (hasGlob(jarWord) && !start.shell)
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} passes ${jarWord} in exec form, where no shell expands the glob: name the jar.`,
    );
  const jarPath = absolute(jarWord, start.workdir);
  const copiesAfter = trailingCopies(stage, build.instruction);
  const end = copiesAfter[copiesAfter.length - 1] ?? build.instruction;
  const copies = copiedOutputs([build.instruction, ...copiesAfter], build, dirs);

  let shipped: string;
  if (
    typeof located === 'string' &&
    (jarPath === located || (hasGlob(jarPath) && globPattern(jarPath).test(located)))
  ) {
    shipped = located;
    if (jarPath !== located)
      messages.push(
        `${start.instruction.keyword} runs ${jarWord}: the final stage has only ${located}, so it matches that jar alone.`,
      );
  } else if (!hasGlob(jarPath) && copies.has(jarPath)) {
    shipped = jarPath;
    const source = copies.get(jarPath) ?? '';
    const matched =
      typeof located === 'string' && hasGlob(source) && globPattern(source).test(located) ? ` (${located})` : '';
    messages.push(`The final stage gets ${jarPath}, which the build stage copies from ${source}${matched}.`);
  } else if (typeof located !== 'string') {
    refuse(located.reason);
  } else {
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${jarWord}, but the build makes ${located}: cannot tell which jar to ship.`,
    );
  }

  const finalImage = runtime;
  const alpine = /alpine/.test(finalImage);
  refuseMissingTools(model, stage, finalImage, alpine ? ['curl'] : /ubi/.test(finalImage) ? ['curl', 'wget'] : []);
  refuseRuntimePackages(installedPackages(stage, build.instruction), finalImage);

  const user = userValue(model, stage);
  const script = entryScriptCopy(start);
  if (script.message) messages.push(script.message);
  let generated = [`COPY --from=build ${shipped} ${shipped}`, ...script.lines];
  let addedUser: string | undefined;
  if (user && !isRootUser(user.value) && !isNumericUser(user.value)) {
    refuse(
      `USER ${user.value} (line ${lineOf(user.instruction)}) is a user of the build image only: use a numeric UID.`,
    );
  }
  const createUser = user ? undefined : createAppUser(finalImage);
  if (createUser) {
    generated = [`RUN ${createUser}`, ...generated];
    addedUser = 'USER app';
    messages.push(
      `Added USER app: the original ran as root; the final stage creates the system user app (give it any folder the app writes outside /tmp).`,
    );
  } else if (!user) {
    messages.push(
      `No USER added: ${finalImage} has no tool to create one; add a numeric USER if the app can run unprivileged.`,
    );
  }

  const overrides = javaCacheMounts(model, stage, build.instruction, tool);
  if (overrides.size > 0)
    messages.push(
      `Added a BuildKit cache mount to the ${tool === 'maven' ? 'Maven' : 'Gradle'} RUN lines: dependencies are downloaded once across builds and stay out of the layers.`,
    );
  const left = buildOnlyCopies({ stage, build: end }, (source) =>
    /^(\.|\.\/|pom\.xml|mvnw|\.mvn\/?|src\/?|gradlew|gradle\/?|[^/]*\.gradle(\.kts)?|gradle\.properties)$/.test(source),
  );
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the app reads them at run time, COPY --from=build them too.`,
    );
  messages.push(`The final stage is ${finalImage} with only ${shipped} from the build stage.`);
  const text = assemble({
    model,
    stage,
    build: end,
    overrides,
    finalImage,
    generated,
    addedUser,
    droppable: () => false,
  });
  return { text, messages };
}

function toolOf(command: EffectiveCommand): Tool | undefined {
  if (command.program === 'mvn' || command.program === 'mvnw') return 'maven';
  if (command.program === 'gradle' || command.program === 'gradlew') return 'gradle';
  return undefined;
}

function isPackaging(command: EffectiveCommand): boolean {
  const goals = operands(command.args).map((word) => word.value);
  return toolOf(command) === 'maven'
    ? goals.some((goal) => mavenPackagingPhases.has(goal))
    : goals.some((task) => gradleJarTasks.has(task.replace(/^:/, '')));
}

/** The jar `java … -jar <jar>` runs; refused for anything else. */
function javaJarOf(words: string[], instruction: Instruction): string {
  const program = words[0]?.split('/').pop();
  if (program !== 'java')
    refuse(
      `${instruction.keyword} at line ${lineOf(instruction)} runs \`${words.join(' ')}\`, not \`java -jar <jar>\`: cannot tell which files it needs.`,
    );
  const index = words.indexOf('-jar');
  const jar = index >= 0 ? words[index + 1] : undefined;
  if (!jar)
    refuse(
      `${instruction.keyword} at line ${lineOf(instruction)} runs java without -jar (a class path or main class): cannot tell which files it needs.`,
    );
  if (jar.includes('$'))
    refuse(`The jar ${jar} at line ${lineOf(instruction)} uses a variable: cannot tell which jar runs.`);
  return jar;
}

interface Unknown {
  reason: string;
}

// ---- Maven ----------------------------------------------------------------------------------------

/** target/<finalName or artifactId-version>.<packaging> of a single-module pom, or why it cannot be told. */
function mavenJar(build: FoundCommand, projectDir: string, context: ConvertContext): string | Unknown {
  const args = build.command.args.map((word) => word.value);
  if (
    args.some(
      (arg) => arg === '-f' || arg === '--file' || arg.startsWith('--file=') || arg === '-pl' || arg === '--projects',
    )
  ) {
    return {
      reason: `The Maven build at line ${lineOf(build.instruction)} names another pom or module (-f/-pl): cannot tell where the jar lands.`,
    };
  }
  const pom = context.files?.['pom.xml'];
  if (pom === undefined) return { reason: 'No pom.xml in the build context: cannot tell the jar name.' };
  const defines = new Map<string, string>();
  for (const arg of args) {
    const match = /^-D([^=]+)=(.*)$/.exec(arg);
    if (match) defines.set(match[1], match[2]);
  }
  const project = elements(stripComments(pom)).find((element) => element.name === 'project');
  if (!project) return { reason: 'pom.xml has no <project> element.' };
  const children = firstByName(elements(project.inner));
  if (children.has('modules'))
    return { reason: 'pom.xml has <modules>: a multi-module build, cannot tell which module makes the runnable jar.' };
  const packaging = text(children.get('packaging')) ?? 'jar';
  if (packaging !== 'jar' && packaging !== 'war')
    return { reason: `pom.xml has <packaging>${packaging}</packaging>: no runnable jar.` };
  const buildSection = firstByName(elements(children.get('build') ?? ''));
  if (buildSection.has('directory'))
    return { reason: 'pom.xml sets <build><directory>: cannot tell where the jar lands.' };
  if (
    /<classifier>/.test(children.get('build') ?? '') ||
    /<shadedArtifactAttached>\s*true/.test(children.get('build') ?? '')
  ) {
    return {
      reason:
        'A plugin in pom.xml sets a classifier (or attaches a shaded jar): cannot tell which jar is the runnable one.',
    };
  }
  const parent = firstByName(elements(children.get('parent') ?? ''));
  const properties = firstByName(elements(children.get('properties') ?? ''));
  const values = new Map<string, string | undefined>([
    ['project.artifactId', text(children.get('artifactId'))],
    ['project.version', text(children.get('version')) ?? text(parent.get('version'))],
    ['project.groupId', text(children.get('groupId')) ?? text(parent.get('groupId'))],
    ['project.parent.version', text(parent.get('version'))],
    ['project.packaging', packaging],
  ]);
  for (const [name, value] of properties) values.set(name, text(value));
  for (const [name, value] of defines) values.set(name, value);
  const resolve = (raw: string | undefined, depth = 0): string | undefined => {
    if (raw === undefined || depth > 5) return undefined;
    let missing = false;
    const resolved = raw.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      const value = values.get(name) ?? values.get(`project.${name}`);
      if (value === undefined) missing = true;
      return value ?? '';
    });
    if (missing) return undefined;
    return resolved.includes('${') ? resolve(resolved, depth + 1) : resolved;
  };
  const finalNameRaw = text(buildSection.get('finalName'));
  const name =
    finalNameRaw !== undefined
      ? resolve(finalNameRaw)
      : joinName(resolve(values.get('project.artifactId')), resolve(values.get('project.version')));
  if (!name)
    return { reason: `Cannot resolve the jar name from pom.xml (${finalNameRaw ?? '<artifactId>-<version>'}).` };
  return `${projectDir === '/' ? '' : projectDir}/target/${name}.${packaging}`;
}

function joinName(artifactId: string | undefined, version: string | undefined): string | undefined {
  return artifactId && version ? `${artifactId}-${version}` : undefined;
}

interface XmlElement {
  name: string;
  inner: string;
}

function stripComments(xml: string): string {
  return xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

/** The top-level elements of an XML fragment with their inner text (a pom needs no more than this). */
function elements(xml: string): XmlElement[] {
  const found: XmlElement[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)(?:\s(?:"[^"]*"|'[^']*'|[^>"'])*)?(\/?)>/g;
  let depth = 0;
  let open: { name: string; start: number } | undefined;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    const [whole, closing, name, selfClosing] = match;
    if (selfClosing) {
      if (depth === 0) found.push({ name, inner: '' });
      continue;
    }
    if (!closing) {
      if (depth === 0) open = { name, start: match.index + whole.length };
      depth++;
      continue;
    }
    depth--;
    if (depth === 0 && open && open.name === name) {
      found.push({ name, inner: xml.slice(open.start, match.index) });
      open = undefined;
    }
    if (depth < 0) depth = 0;
  }
  return found;
}

function firstByName(list: XmlElement[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const element of list) if (!map.has(element.name)) map.set(element.name, element.inner);
  return map;
}

function text(inner: string | undefined): string | undefined {
  const value = inner?.trim().replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return value === '' ? undefined : value;
}

// ---- Gradle ---------------------------------------------------------------------------------------

/** Settings that change the archive's name or folder; only a literal archiveFileName in the jar's task is followed. */
const archiveSettings =
  /\b(archiveFileName|archiveBaseName|archiveVersion|archiveClassifier|archiveAppendix|archiveExtension|archivesBaseName|archivesName|destinationDirectory|buildDir|buildDirectory)\b/g;

/** build/libs/<name>.jar of a single-project build, or why it cannot be told. */
function gradleJar(stage: Stage, build: FoundCommand, projectDir: string, context: ConvertContext): string | Unknown {
  const files = context.files ?? {};
  const args = build.command.args.map((word) => word.value);
  if (args.some((arg) => ['-p', '--project-dir', '-b', '--build-file', '-c', '--settings-file'].includes(arg))) {
    return {
      reason: `The Gradle build at line ${lineOf(build.instruction)} names another project folder or build file: cannot tell where the jar lands.`,
    };
  }
  const buildFileName = ['build.gradle.kts', 'build.gradle'].find((name) => files[name] !== undefined);
  if (!buildFileName) return { reason: 'No build.gradle(.kts) in the build context: cannot tell the jar name.' };
  const buildFile = stripGradleComments(files[buildFileName]);
  const settingsName = ['settings.gradle.kts', 'settings.gradle'].find((name) => files[name] !== undefined);
  const settings =
    settingsName && copiedBefore(stage, build.instruction, settingsName)
      ? stripGradleComments(files[settingsName])
      : '';
  if (/^\s*include(Build)?\b/m.test(settings))
    return {
      reason: `${settingsName} includes other projects: a multi-project build, cannot tell which project makes the runnable jar.`,
    };

  const tasks = operands(build.command.args).map((word) => word.value.replace(/^:/, ''));
  const springBoot = /org\.springframework\.boot/.test(buildFile);
  if (springBoot && tasks.includes('jar') && !tasks.some((task) => task !== 'jar' && gradleJarTasks.has(task))) {
    return {
      reason: 'The build runs only the jar task of a Spring Boot project: that is the plain jar, without dependencies.',
    };
  }
  const task = springBoot ? 'bootJar' : 'jar';
  const taskBlocks = blocksOf(buildFile, task);
  let fileName: string | undefined;
  for (const match of buildFile.matchAll(archiveSettings)) {
    const at = match.index ?? 0;
    const inTask = taskBlocks.some(([start, end]) => at > start && at < end);
    const inOtherJarTask =
      !inTask && blocksOf(buildFile, springBoot ? 'jar' : 'bootJar').some(([start, end]) => at > start && at < end);
    if (inOtherJarTask) continue;
    const literal = /^archiveFileName(?:\.set\s*\(|\s*=|\s*\()\s*["']([^"'$]+)["']/.exec(buildFile.slice(at));
    if (inTask && literal) {
      fileName = literal[1];
      continue;
    }
    return { reason: `${buildFileName} sets ${match[1]}: cannot tell the jar name for sure.` };
  }
  if (!fileName) {
    const name = rootProjectName(settings) ?? projectDir.split('/').pop();
    if (!name)
      return { reason: 'The Gradle project runs in / and sets no rootProject.name: cannot tell the jar name.' };
    const version = gradleVersion(buildFile, stage, build.instruction, files['gradle.properties']);
    if (typeof version === 'object') return version;
    fileName = `${name}${version ? `-${version}` : ''}.jar`;
  }
  return `${projectDir === '/' ? '' : projectDir}/build/libs/${fileName}`;
}

function stripGradleComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"'])\/\/.*$/gm, '$1');
}

function rootProjectName(settings: string): string | undefined {
  return /rootProject\.name\s*=\s*["']([^"'$]+)["']/.exec(settings)?.[1];
}

/** project.version: a literal in the build file, else gradle.properties (when copied), else none (`unspecified` adds nothing). */
function gradleVersion(
  buildFile: string,
  stage: Stage,
  build: Instruction,
  properties: string | undefined,
): string | undefined | Unknown {
  const assignment = /^\s*(?:project\.)?version\s*=\s*(.*)$/m.exec(buildFile);
  if (assignment) {
    const literal = /^["']([^"'$]+)["']\s*;?\s*$/.exec(assignment[1].trim());
    return literal
      ? literal[1]
      : { reason: `The build file computes the version (${assignment[1].trim()}): cannot tell the jar name.` };
  }
  if (properties !== undefined && copiedBefore(stage, build, 'gradle.properties')) {
    const value = /^\s*version\s*[=:]\s*(\S+)\s*$/m.exec(properties)?.[1];
    if (value) return value;
  }
  return undefined;
}

/** [start, end) offsets of the bodies of `task { … }`, `tasks.task { … }`, `tasks.named("task") { … }`, `tasks.named<T>("task") { … }`. */
function blocksOf(source: string, task: string): [number, number][] {
  const header = new RegExp(
    `(?:\\btasks\\.)?(?:\\b${escapeRegExp(task)}\\b|\\b(?:named|getByName)\\s*(?:<\\w+>)?\\s*\\(\\s*["']${escapeRegExp(task)}["'][^)]*\\))\\s*\\{`,
    'g',
  );
  const blocks: [number, number][] = [];
  for (const match of source.matchAll(header)) {
    const start = (match.index ?? 0) + match[0].length;
    let depth = 1;
    let index = start;
    for (; index < source.length && depth > 0; index++) {
      if (source[index] === '{') depth++;
      else if (source[index] === '}') depth--;
    }
    blocks.push([start, index]);
  }
  return blocks;
}

/** A COPY/ADD from the context before the build brings in the file (`.`, the name, or a glob over it). */
function copiedBefore(stage: Stage, build: Instruction, name: string): boolean {
  return stage.instructions.some(
    (instruction) =>
      instruction.index < build.index &&
      instruction.copy !== undefined &&
      instruction.copy.from === undefined &&
      instruction.copy.sources.some((source) => {
        const path = source.replace(/^\.\//, '').replace(/\/$/, '');
        return path === '.' || path === '' || path === name || (hasGlob(path) && globPattern(path).test(name));
      }),
  );
}

function javaCacheMounts(
  model: DockerfileModel,
  stage: Stage,
  build: Instruction,
  tool: Tool,
): Map<Instruction, string> {
  const wrapper = stage.instructions.some(
    (instruction) =>
      instruction.index <= build.index &&
      /\b(mvnw|gradlew)\b/.test(model.text.slice(instruction.start, instruction.end)),
  );
  if (tool === 'maven') {
    return cacheMounts(
      model,
      stage,
      build,
      new Set(['mvn', 'mvnw']),
      ['/root/.m2/repository', ...(wrapper ? ['/root/.m2/wrapper'] : [])],
      /(^|[\s/~=])\.m2\b|maven\.repo\.local|MAVEN_CONFIG/,
    );
  }
  // The gradle image links /root/.gradle to /home/gradle/.gradle, a VOLUME whose gradle.properties a mount of the whole folder would hide.
  const home = stage.image.repository === 'gradle' ? '/home/gradle/.gradle' : '/root/.gradle';
  return cacheMounts(
    model,
    stage,
    build,
    new Set(['gradle', 'gradlew']),
    [`${home}/caches`, ...(wrapper ? [`${home}/wrapper`] : [])],
    /(^|[\s/~=])\.gradle(\/|\s|$)|GRADLE_USER_HOME/,
  );
}

/** Images that carry a JDK (and maybe Maven or Gradle): the JRE tags of the same repositories are runtimes already. */
const javaBuildRepositories = new Set([
  'maven',
  'gradle',
  'eclipse-temurin',
  'openjdk',
  'amazoncorretto',
  'sapmachine',
  'ibm-semeru-runtimes',
]);

export function isJavaBuildImage(stage: Stage): boolean {
  return javaBuildRepositories.has(stage.image.repository) && !/jre/.test(stage.image.tag ?? '');
}
