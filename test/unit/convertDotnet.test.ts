import assert from 'node:assert/strict';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertResult } from '../../server/src/fixes/convert';

const project = (sdk: string, body = '<TargetFramework>net8.0</TargetFramework>') =>
  `<Project Sdk="${sdk}">\n  <PropertyGroup>\n    ${body}\n  </PropertyGroup>\n</Project>\n`;
const web = { 'Shop.csproj': project('Microsoft.NET.Sdk.Web') };
const dockerfile = (tail: string, from = 'mcr.microsoft.com/dotnet/sdk:8.0') =>
  `FROM ${from}\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n${tail}\n`;

function convert(text: string, files: Record<string, string> = web): ConvertResult {
  return convertToMultiStage(text, { rootEntries: Object.keys(files), files });
}

function finalStage(text: string, files?: Record<string, string>): string {
  const result = convert(text, files);
  return result.ok ? result.text.slice(result.text.indexOf('\n\nFROM ') + 2) : result.reason;
}

describe('convert .NET', () => {
  it('ships a web project on aspnet as $APP_UID', () => {
    assert.deepEqual(convert(dockerfile('WORKDIR /app\nENTRYPOINT ["dotnet", "Shop.dll"]')), {
      ok: true,
      text:
        'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.nuget/packages dotnet publish -c Release -o /app\n\n' +
        'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /src\nCOPY --from=build /app /app\nWORKDIR /app\nUSER $APP_UID\nENTRYPOINT ["dotnet", "Shop.dll"]\n',
      messages: [
        'Shop.csproj uses Microsoft.NET.Sdk.Web: the final image is aspnet.',
        'Added USER $APP_UID: the original ran as root; the .NET 8+ runtime images define the non-root user app (UID in $APP_UID).',
        'Added a BuildKit cache mount for NuGet packages to the dotnet RUN lines: packages are downloaded once across builds and stay out of the layers.',
        'The final stage is mcr.microsoft.com/dotnet/aspnet:8.0 with only /app/ from the build stage.',
      ],
    });
  });

  it('picks runtime for console projects, the AssemblyName, the app host and a shell-form entrypoint', () => {
    const console = {
      'Tool.csproj': project(
        'Microsoft.NET.Sdk',
        '<TargetFramework>net8.0</TargetFramework>\n    <AssemblyName>sync-tool</AssemblyName>',
      ),
    };
    assert.deepEqual(
      [
        finalStage(dockerfile('ENTRYPOINT ["dotnet", "/app/sync-tool.dll"]'), console).split('\n')[0],
        finalStage(dockerfile('WORKDIR /app\nENTRYPOINT ["./sync-tool"]'), console).split('\n')[0],
        finalStage(
          dockerfile('CMD dotnet /app/sync-tool.dll', 'mcr.microsoft.com/dotnet/sdk:9.0-noble'),
          console,
        ).split('\n')[0],
        finalStage(
          'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish --self-contained false -o /app /p:UseAppHost=false\nENTRYPOINT ["dotnet", "/app/sync-tool.dll"]\n',
          console,
        ).split('\n')[0],
      ],
      [
        'FROM mcr.microsoft.com/dotnet/runtime:8.0',
        'FROM mcr.microsoft.com/dotnet/runtime:8.0',
        'FROM mcr.microsoft.com/dotnet/runtime:8.0-noble',
        'FROM mcr.microsoft.com/dotnet/runtime:8.0',
      ],
    );
  });

  it('falls back to aspnet when the project file is not at the context root, and keeps USER app', () => {
    const result = convert(
      'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish src/Api/Api.csproj -o /out\nUSER app\nENTRYPOINT ["dotnet", "/out/Api.dll"]\n',
      {},
    );
    assert.ok(result.ok);
    assert.match(result.text, /\nFROM mcr\.microsoft\.com\/dotnet\/aspnet:8\.0\n[^]*\nUSER app\nENTRYPOINT/);
    assert.ok(
      result.messages.includes(
        'Cannot read Api.csproj from the context root: the final image is aspnet, which runs console and web apps alike.',
      ),
    );
  });

  it('adds no USER when the app listens on a port below 1024', () => {
    const result = convert(dockerfile('ENV ASPNETCORE_URLS=http://+:80\nENTRYPOINT ["dotnet", "/app/Shop.dll"]'));
    assert.ok(result.ok && !/\nUSER /.test(result.text));
    assert.ok(
      result.ok &&
        result.messages.includes(
          'No USER added: the app listens on port 80, which a non-root user cannot bind everywhere; listen on 8080 and add USER $APP_UID.',
        ),
    );
  });

  it('refuses what it cannot make safe', () => {
    const cases: [string, Record<string, string> | undefined, string][] = [
      [
        dockerfile('ENTRYPOINT ["dotnet", "/app/Other.dll"]'),
        undefined,
        'ENTRYPOINT at line 5 runs Other.dll, but Shop.csproj builds Shop.dll.',
      ],
      [
        dockerfile('ENTRYPOINT ["dotnet", "/src/bin/Shop.dll"]'),
        undefined,
        'ENTRYPOINT at line 5 runs /src/bin/Shop.dll, which is not in the publish folder /app.',
      ],
      [
        dockerfile('ENTRYPOINT ["dotnet", "run"]'),
        undefined,
        'ENTRYPOINT at line 5 runs `dotnet run`, not `dotnet <app>.dll`: cannot tell which files it needs.',
      ],
      [
        'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -c Release -o /app --self-contained\nENTRYPOINT ["/app/Shop"]\n',
        undefined,
        '`dotnet publish --self-contained` at line 3 makes a self-contained or native app (runtime-deps image): not converted yet.',
      ],
      [
        'FROM mcr.microsoft.com/dotnet/sdk:6.0\nCOPY . .\nRUN dotnet publish -r linux-x64 -o /app\nENTRYPOINT ["/app/Shop"]\n',
        undefined,
        '`dotnet publish -r` at line 3 makes a self-contained or native app (runtime-deps image): not converted yet.',
      ],
      [
        dockerfile('ENTRYPOINT ["/app/Shop"]'),
        {
          'Shop.csproj': project(
            'Microsoft.NET.Sdk',
            '<TargetFramework>net8.0</TargetFramework>\n    <PublishAot>true</PublishAot>',
          ),
        },
        'Shop.csproj publishes a self-contained or native app (runtime-deps image): not converted yet.',
      ],
      [
        dockerfile('ENTRYPOINT ["dotnet", "/app/Shop.dll"]'),
        { 'Shop.csproj': project('Microsoft.NET.Sdk', '<TargetFrameworks>net6.0;net8.0</TargetFrameworks>') },
        'Shop.csproj has several TargetFrameworks and the publish names none (-f): cannot tell the runtime.',
      ],
      [
        dockerfile('ENTRYPOINT ["dotnet", "/app/Shop.dll"]'),
        { 'Shop.csproj': project('Microsoft.NET.Sdk.BlazorWebAssembly') },
        'Shop.csproj is a Blazor WebAssembly app: its publish output is static files for a web server, not a .NET runtime.',
      ],
      [
        dockerfile('USER shop\nENTRYPOINT ["dotnet", "/app/Shop.dll"]'),
        undefined,
        'USER shop (line 5) is created in the build stage only: use USER $APP_UID (.NET 8+) or a numeric UID.',
      ],
      [
        dockerfile(
          'HEALTHCHECK CMD wget -qO- http://localhost:8080/ || exit 1\nENTRYPOINT ["dotnet", "/app/Shop.dll"]',
        ),
        undefined,
        'HEALTHCHECK at line 5 uses wget, which mcr.microsoft.com/dotnet/aspnet:8.0 does not have: check with the app itself (or install wget) first.',
      ],
      [
        'FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN apt-get update && apt-get install -y libgdiplus\nCOPY . .\nRUN dotnet publish -o /app\nENTRYPOINT ["dotnet", "/app/Shop.dll"]\n',
        undefined,
        'Line 2 installs libgdiplus, which the app may need at run time and mcr.microsoft.com/dotnet/aspnet:8.0 does not have: cannot tell.',
      ],
      [
        'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -o $OUT\nENTRYPOINT ["dotnet", "/app/Shop.dll"]\n',
        undefined,
        'The -o path $OUT at line 3 uses a variable: cannot tell the publish folder.',
      ],
      [
        dockerfile('ENTRYPOINT ["/app/Shop"]', 'mcr.microsoft.com/dotnet/sdk:9.0-noble-aot'),
        undefined,
        'mcr.microsoft.com/dotnet/sdk:9.0-noble-aot is an SDK for native AOT apps (runtime-deps image): not converted yet.',
      ],
      [
        'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet build -o /app\nENTRYPOINT ["dotnet", "/app/Shop.dll"]\n',
        undefined,
        'No `dotnet publish` found in a RUN: nothing to separate.',
      ],
    ];
    assert.deepEqual(
      cases.map(([text, files]) => finalStage(text, files)),
      cases.map(([, , expected]) => expected),
    );
  });
});
