import type { DockerfileModel, Stage } from '../../model/model';
import type { EffectiveCommand } from '../../model/commands';
import { sdkImageOf } from '../../knowledge/images';
import { knownImageUser } from '../../knowledge/imageUsers';
import { parseImageRef } from '../../model/image';
import type { ConvertContext } from './common';
import { contextCopies, contextText, entryScriptCopy, pathDirs, resolveProgram } from './start';
import { absolute, assemble, buildOnlyCopies, isNumericUser, lineOf, refuse, sourceOf, workdirs } from './common';
import {
  cacheMounts,
  findCommands,
  installedPackages,
  optionValue,
  refuseDigest,
  refuseMissingTools,
  refuseRuntimePackages,
  startCommand,
  userValue,
} from './compiled';
import { isRootUser } from '../../model/user';

/** Options of `dotnet publish` that take a value: their value is not the project. */
const valueOptions = new Set([
  '-c',
  '--configuration',
  '-o',
  '--output',
  '-f',
  '--framework',
  '-r',
  '--runtime',
  '-v',
  '--verbosity',
  '-a',
  '--arch',
  '--os',
  '--version-suffix',
  '--source',
  '-s',
]);
/** What makes the output self-contained or native: it would need runtime-deps, not a .NET runtime image. */
const selfContained =
  /^(--self-contained|--sc)(=true)?$|^[-/]p(roperty)?:(PublishAot|PublishSingleFile|SelfContained)=true$/i;
/** Before .NET 8 a runtime identifier alone made the publish self-contained. */
const runtimeIdentifier = /^(-r|--runtime|--ucr|--use-current-runtime)$/;
/** SDKs whose apps run on the ASP.NET Core runtime. */
const aspNetSdks = /^Microsoft\.NET\.Sdk\.(Web|Razor|BlazorWebAssembly|Worker\.Web)$/;

interface Project {
  /** File name (`Api.csproj`), or undefined when the publish names a folder or solution. */
  file?: string;
  /** Its text, when the context has it (only files at the context root are read). */
  text?: string;
}

/** FROM dotnet/sdk + `dotnet publish -o DIR` + `dotnet X.dll` → build stage + aspnet or runtime with only the publish folder. */
export function convertDotnet(
  model: DockerfileModel,
  stage: Stage,
  context: ConvertContext,
): { text: string; messages: string[] } {
  const messages: string[] = [];
  refuseDigest(stage);
  const dirs = workdirs(stage, '/');
  const publishes = findCommands(
    stage,
    (command) => command.program === 'dotnet' && command.args[0]?.value === 'publish',
  );
  if (publishes.length === 0) refuse('No `dotnet publish` found in a RUN: nothing to separate.');
  const publish = publishes[publishes.length - 1];
  const output = optionValue(publish.command, '-o', '--output');
  if (output === undefined)
    refuse(`\`dotnet publish\` at line ${lineOf(publish.instruction)} has no -o: cannot tell the publish folder.`);
  if (output.includes('$'))
    refuse(
      `The -o path ${output} at line ${lineOf(publish.instruction)} uses a variable: cannot tell the publish folder.`,
    );
  if (publish.afterCd && !output.startsWith('/'))
    refuse(
      `\`dotnet publish -o ${output}\` at line ${lineOf(publish.instruction)} runs after cd: cannot tell the publish folder.`,
    );
  const args = publish.command.args;
  const sdkMajor = Number(/^(\d+)\./.exec(stage.image.tag ?? '')?.[1] ?? 0);
  const flag = args.find(
    (arg, index) =>
      (selfContained.test(arg.value) && args[index + 1]?.value !== 'false') ||
      (runtimeIdentifier.test(arg.value) && sdkMajor < 8),
  );
  if (flag)
    refuse(
      `\`dotnet publish ${flag.value}\` at line ${lineOf(publish.instruction)} makes a self-contained or native app (runtime-deps image): not converted yet.`,
    );
  const outputDir = absolute(output, dirs.get(publish.instruction) ?? '/').replace(/\/$/, '');

  const fromContext = contextCopies(stage, dirs);
  const project = projectOf(
    publish.command,
    context,
    publish.afterCd,
    (path) => {
      // The project the build uses, wherever a COPY put it (`COPY src/Api/*.csproj src/Api/`), read from the context.
      const contextPath = fromContext(absolute(path, dirs.get(publish.instruction) ?? '/'));
      return contextPath === undefined ? undefined : contextText(context, contextPath);
    },
    workdirProjectName(dirs.get(publish.instruction) ?? '/'),
  );
  if (project.text && /<(PublishAot|SelfContained|PublishSingleFile)>\s*true/i.test(project.text)) {
    refuse(
      `${project.file ?? 'The project'} publishes a self-contained or native app (runtime-deps image): not converted yet.`,
    );
  }
  const framework = optionValue(publish.command, '-f', '--framework') ?? targetFramework(project);
  const assembly = assemblyName(project);

  // What the image starts must be in the publish folder: `dotnet X.dll` or the app host `./X`.
  const start = startCommand(model, stage, dirs, context);
  const [program, ...rest] = start.words;
  const runsDotnet = program === 'dotnet' || program === '/usr/bin/dotnet' || program === '/usr/share/dotnet/dotnet';
  const entry = runsDotnet ? rest.find((word) => !word.startsWith('-')) : program;
  if (!entry || (runsDotnet && !entry.endsWith('.dll')))
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs \`${start.words.join(' ')}\`, not \`dotnet <app>.dll\`: cannot tell which files it needs.`,
    );
  if (entry.includes('$'))
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${entry}, a variable: cannot tell which files it needs.`,
    );
  // The app host by bare name runs from PATH (an ENV PATH naming the publish folder); a dll is a path for dotnet.
  const entryPath =
    runsDotnet || entry.includes('/')
      ? absolute(entry, start.workdir)
      : (resolveProgram(entry, start.workdir, pathDirs(model, stage), (file) => file.startsWith(`${outputDir}/`)) ??
        refuse(
          `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${entry}, which is not on PATH (${pathDirs(model, stage).join(':')}).`,
        ));
  if (!entryPath.startsWith(`${outputDir}/`)) {
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${entryPath}, which is not in the publish folder ${outputDir}.`,
    );
  }
  const entryName = entryPath.slice(entryPath.lastIndexOf('/') + 1).replace(/\.dll$/, '');
  if (assembly && entryName !== assembly) {
    refuse(
      `${start.instruction.keyword} at line ${lineOf(start.instruction)} runs ${entryName}${runsDotnet ? '.dll' : ''}, but ${project.file ?? 'the project'} builds ${assembly}.dll.`,
    );
  }

  const finalImage = runtimeImage(stage, project, framework, messages);
  const alpine = /alpine/.test(finalImage);
  refuseMissingTools(model, stage, finalImage, alpine ? ['curl'] : ['curl', 'wget']);
  refuseRuntimePackages(installedPackages(stage, publish.instruction), finalImage);

  const user = userValue(model, stage);
  let addedUser: string | undefined;
  const appUser = knownImageUser(parseImageRef(finalImage, finalImage, false))?.user === 'app';
  if (user) {
    if (
      !isRootUser(user.value) &&
      !isNumericUser(user.value) &&
      !(appUser && (user.value === 'app' || user.value === '$APP_UID'))
    ) {
      refuse(
        `USER ${user.value} (line ${lineOf(user.instruction)}) is created in the build stage only: use USER $APP_UID (.NET 8+) or a numeric UID.`,
      );
    }
  } else if (!appUser) {
    messages.push(
      `No USER added: ${finalImage} has no non-root user (.NET 8 images have app); add a numeric USER if the app can run unprivileged.`,
    );
  } else {
    const port = privilegedPort(model, stage);
    if (port !== undefined) {
      messages.push(
        `No USER added: the app listens on port ${port}, which a non-root user cannot bind everywhere; listen on 8080 and add USER $APP_UID.`,
      );
    } else {
      addedUser = 'USER $APP_UID';
      messages.push(
        'Added USER $APP_UID: the original ran as root; the .NET 8+ runtime images define the non-root user app (UID in $APP_UID).',
      );
    }
  }

  const overrides = cacheMounts(
    model,
    stage,
    publish.instruction,
    new Set(['dotnet']),
    ['/root/.nuget/packages'],
    /NUGET_PACKAGES|\.nuget\b|--packages\b/,
  );
  if (overrides.size > 0)
    messages.push(
      'Added a BuildKit cache mount for NuGet packages to the dotnet RUN lines: packages are downloaded once across builds and stay out of the layers.',
    );
  const left = buildOnlyCopies({ stage, build: publish.instruction }, (source) =>
    /^(\.|\.\/|[^/]*\.(csproj|fsproj|vbproj|sln|props|targets)|\*\.\w+proj|nuget\.config|NuGet\.Config|global\.json|src\/?)$/i.test(
      source,
    ),
  );
  if (left.length > 0)
    messages.push(
      `Only the build stage has ${left.join(', ')}: if the app reads them at run time, COPY --from=build them too.`,
    );
  messages.push(`The final stage is ${finalImage} with only ${outputDir}/ from the build stage.`);
  const script = entryScriptCopy(start);
  if (script.message) messages.push(script.message);
  const text = assemble({
    model,
    stage,
    build: publish.instruction,
    overrides,
    finalImage,
    generated: [`COPY --from=build ${outputDir} ${outputDir}`, ...script.lines],
    addedUser,
    droppable: () => false,
  });
  return { text, messages };
}

/** The project `dotnet publish` builds: a project file operand, or the only project file at the context root. */
/** `/src/Api` → `Api.csproj`: the project `dotnet new` makes in a folder is named after it. */
function workdirProjectName(workdir: string): string | undefined {
  const name = workdir.slice(workdir.lastIndexOf('/') + 1);
  return name === '' ? undefined : `${name}.csproj`;
}

function projectOf(
  command: EffectiveCommand,
  context: ConvertContext,
  afterCd: boolean,
  readInImage: (path: string) => string | undefined,
  workdirProject?: string,
): Project {
  const operands: string[] = [];
  const args = command.args.slice(1);
  for (let index = 0; index < args.length; index++) {
    const value = args[index].value;
    if (valueOptions.has(value)) index++;
    // `/p:UseAppHost=false` is an MSBuild switch, `true`/`false` the value of a boolean option.
    else if (!value.startsWith('-') && !/^\/\w+:/.test(value) && value !== 'true' && value !== 'false')
      operands.push(value);
  }
  const files = context.files ?? {};
  const named = operands[0];
  if (named && /\.(cs|fs|vb)proj$/i.test(named)) {
    const file = named.replace(/^\.\//, '');
    const base = file.slice(file.lastIndexOf('/') + 1);
    return { file: base, text: afterCd ? undefined : file.includes('/') ? readInImage(file) : files[file] };
  }
  // A project folder (`dotnet publish src/Api`): its project is named after it, as `dotnet new` makes it.
  if (named && !/^\.\/?$/.test(named)) {
    const folder = named.replace(/\/$/, '');
    const base = `${folder.slice(folder.lastIndexOf('/') + 1)}.csproj`;
    const text = afterCd ? undefined : readInImage(`${folder}/${base}`);
    return text === undefined ? {} : { file: base, text };
  }
  const rootProjects = Object.keys(files).filter((name) => /\.(cs|fs|vb)proj$/i.test(name));
  if (afterCd) return {};
  // The working directory's project, wherever in the context it came from (`WORKDIR /src/Api`).
  const own = workdirProject === undefined ? undefined : readInImage(workdirProject);
  if (workdirProject !== undefined && own !== undefined) return { file: workdirProject, text: own };
  return rootProjects.length === 1 ? { file: rootProjects[0], text: files[rootProjects[0]] } : {};
}

function assemblyName(project: Project): string | undefined {
  const named = /<AssemblyName>\s*([^<$]+?)\s*<\/AssemblyName>/.exec(project.text ?? '')?.[1];
  if (/<AssemblyName>[^<]*\$/.test(project.text ?? ''))
    refuse(`${project.file ?? 'The project'} computes its AssemblyName: cannot tell the entry dll.`);
  return named ?? project.file?.replace(/\.\w+proj$/i, '');
}

function targetFramework(project: Project): string | undefined {
  const text = project.text ?? '';
  if (/<TargetFrameworks>/.test(text))
    refuse(
      `${project.file ?? 'The project'} has several TargetFrameworks and the publish names none (-f): cannot tell the runtime.`,
    );
  return /<TargetFramework>\s*([^<]+?)\s*<\/TargetFramework>/.exec(text)?.[1];
}

/** aspnet for web SDKs and projects that reference ASP.NET Core, runtime otherwise; the version follows the target framework. */
function runtimeImage(stage: Stage, project: Project, framework: string | undefined, messages: string[]): string {
  // The -aot SDK tags build native apps; there is no aspnet or runtime image with that tag.
  if (/(^|-)aot(-|$)/.test(stage.image.tag ?? ''))
    refuse(`${stage.image.raw} is an SDK for native AOT apps (runtime-deps image): not converted yet.`);
  const runtimes = sdkImageOf(stage.image)?.runtimes ?? [];
  const [aspnet, runtime] = runtimes;
  if (!aspnet || !runtime) refuse(`Cannot tell the .NET version of ${stage.image.raw}: name it in the tag (e.g. 8.0).`);
  const sdk = /<Project\s+Sdk="([^"]+)"/.exec(project.text ?? '')?.[1];
  if (sdk === 'Microsoft.NET.Sdk.BlazorWebAssembly')
    refuse(
      `${project.file ?? 'The project'} is a Blazor WebAssembly app: its publish output is static files for a web server, not a .NET runtime.`,
    );
  let image: string;
  if (project.text === undefined) {
    image = aspnet;
    messages.push(
      `Cannot read ${project.file ?? 'the project file'} from the context root: the final image is aspnet, which runs console and web apps alike.`,
    );
  } else {
    const webSdk = sdk !== undefined && aspNetSdks.test(sdk);
    const reference = /<FrameworkReference\s+Include="Microsoft\.AspNetCore\.App"/.test(project.text);
    image = webSdk || reference ? aspnet : runtime;
    messages.push(
      webSdk
        ? `${project.file} uses ${sdk}: the final image is aspnet.`
        : reference
          ? `${project.file} references Microsoft.AspNetCore.App: the final image is aspnet.`
          : `${project.file} is not a web project: the final image is runtime.`,
    );
  }
  const version = /^net(\d+\.\d+)$/.exec(framework ?? '')?.[1];
  if (framework !== undefined && !version)
    refuse(
      `The target framework ${framework} is not a .NET (net<major>.<minor>) framework: cannot tell the runtime image.`,
    );
  const imageVersion = /:(\d+\.\d+)/.exec(image)?.[1];
  if (version && imageVersion && version !== imageVersion) {
    messages.push(`The project targets ${framework}: the final image is ${version}, not the SDK's ${imageVersion}.`);
    image = image.replace(`:${imageVersion}`, `:${version}`);
  }
  return image;
}

/** A port below 1024 the app is told to listen on (ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS / HTTP_PORTS). */
function privilegedPort(model: DockerfileModel, stage: Stage): number | undefined {
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'ENV') continue;
    const text = sourceOf(model, instruction);
    const urls = /ASPNETCORE_URLS[=\s]+["']?([^\s"']+)/.exec(text)?.[1];
    const ports = /(?:ASPNETCORE_HTTPS?_PORTS|HTTPS?_PORTS)[=\s]+["']?([^\s"']+)/.exec(text)?.[1];
    const numbers = [...(urls?.matchAll(/:(\d+)/g) ?? [])]
      .map((match) => Number(match[1]))
      .concat((ports?.split(/[;,]/) ?? []).map(Number));
    const low = numbers.find((port) => port > 0 && port < 1024);
    if (low !== undefined) return low;
  }
  return undefined;
}

export function isDotnetBuildImage(stage: Stage): boolean {
  return /^dotnet\/(core\/)?sdk$/.test(stage.image.repository) && stage.image.registry === 'mcr.microsoft.com';
}
