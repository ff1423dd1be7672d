import { rule } from '../../../server/src/rules/sdk-image-in-final-stage';
import { ruleTester } from '../ruleTester';

const goBuild = 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\n';

ruleTester(rule, {
  valid: [
    {
      name: 'SDK only in the build stage',
      code: `${goBuild}FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nCMD ["/app"]\n`,
    },
    {
      name: 'JRE image in the final stage',
      code: 'FROM maven:3.9-eclipse-temurin-21 AS build\nRUN mvn -q package\n\nFROM eclipse-temurin:21-jre-alpine\nCOPY --from=build /target/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
    },
    {
      name: 'a toolchain image without a program of its own',
      code: 'FROM golang:1.23\nRUN go install golang.org/x/tools/gopls@latest\n',
    },
    {
      name: "a single stage that builds is single-stage-build's finding",
      code: 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
      // A stage put in front makes it a multi-stage file, where this rule does report the SDK.
      variants: { multiStage: false },
    },
    {
      name: 'full node image that installs modules (heavy-base-image reports it)',
      code: 'FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'node slim running a bundle',
      code: 'FROM node:22 AS build\nRUN npm ci && npm run build\n\nFROM node:22-slim\nCOPY --from=build /app/dist /app\nCMD ["node", "/app/main.js"]\n',
    },
    { name: 'image from an ARG without default', code: 'ARG BASE\nFROM ${BASE}\nCOPY app /app\nCMD ["/app"]\n' },
    {
      name: '.NET runtime image',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\nENTRYPOINT ["dotnet", "/app/Api.dll"]\n',
    },
    {
      name: 'a toolchain image whose CMD is the toolchain',
      code: 'FROM eclipse-temurin:21-jdk AS tools\nRUN jlink --output /jre\n\nFROM eclipse-temurin:21-jdk\nCOPY --from=tools /jre /opt/jre\nCMD ["jshell"]\n',
    },
    {
      name: 'a linter image that needs Go at run time',
      code: `${goBuild}FROM golang:1.23\nCOPY --from=build /app /usr/bin/golangci-lint\nENTRYPOINT ["golangci-lint"]\nCMD ["run"]\n`,
    },
    {
      name: 'a builder image (ENTRYPOINT is the build tool)',
      code: 'FROM maven:3.9-eclipse-temurin-21 AS settings\nRUN mvn -v\n\nFROM maven:3.9-eclipse-temurin-21\nCOPY --from=settings /root/.m2 /root/.m2\nENTRYPOINT ["mvn"]\n',
    },
    {
      name: 'a CI image by its labels',
      code: `${goBuild}FROM golang:1.23\nLABEL org.opencontainers.image.description="CI image with the Go toolchain"\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n`,
    },
    {
      name: 'a development image (go test, NODE_ENV=development)',
      code: `${goBuild}FROM golang:1.23\nCOPY --from=build /src /src\nCMD ["go", "test", "./..."]\n`,
    },
    {
      name: 'an ONBUILD base',
      code: `${goBuild}FROM golang:1.23\nONBUILD COPY . /src\nCOPY --from=build /app /app\nCMD ["/app"]\n`,
    },
  ],
  invalid: [
    {
      name: 'Go SDK as the final base',
      code: `${goBuild}FROM «golang:1.23»\nCOPY --from=build /app /app\nCMD ["/app"]\n`,
      messages: [
        '`golang:1.23` is a Go build image. The whole toolchain ships with the program: run the built output on `gcr.io/distroless/static-debian13` or `scratch` (for a CGO_ENABLED=0 binary)',
      ],
      output: null,
    },
    {
      name: 'an entrypoint script in front of the program does not make it a toolchain image',
      code: `${goBuild}FROM «golang:1.23»\nCOPY --from=build /app /app\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["/app", "serve"]\n`,
      messages: ['`golang:1.23` is a Go build image'],
    },
    {
      name: 'the Debian release of the tag is kept, with the size when known',
      code: 'FROM rust:1.80-slim-bookworm AS build\nRUN cargo build --release\n\nFROM «rust:1.80-slim-bookworm»\nCOPY --from=build /target/release/app /app\nCMD ["/app"]\n',
      messages: ['run the built output on `gcr.io/distroless/cc-debian12` or `debian:bookworm-slim`'],
      output: null,
    },
    {
      name: 'Go SDK with its size from the data files',
      code: 'FROM golang:1.25 AS build\nRUN go build -o /app .\n\nFROM «golang:1.25»\nCOPY --from=build /app /app\nCMD ["/app"]\n',
      messages: ['`golang:1.25` is a Go build image (≈ 305 MB to pull)'],
    },
    {
      name: 'JDK tag swapped for the JRE tag of the same variant',
      code: 'FROM eclipse-temurin:21-jdk-jammy AS build\nRUN ./mvnw -q package\n\nFROM «eclipse-temurin:21-jdk-jammy»\nCOPY --from=build /target/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
      fixes: [{ title: 'Switch to eclipse-temurin:21-jre-jammy', preferred: false }],
      messages: ['run the built output on `eclipse-temurin:21-jre-jammy`'],
      output:
        'FROM eclipse-temurin:21-jdk-jammy AS build\nRUN ./mvnw -q package\n\nFROM eclipse-temurin:21-jre-jammy\nCOPY --from=build /target/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
    },
    {
      name: 'temurin tag without jdk is a JDK too; a registry prefix stays',
      code: 'FROM «docker.io/library/eclipse-temurin:17»\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
      fixes: [{ title: 'Switch to eclipse-temurin:17-jre', preferred: false }],
      messages: ['`eclipse-temurin:17-jre`'],
      output:
        'FROM docker.io/library/eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
    },
    {
      name: 'no swap when a RUN uses a JDK tool',
      code: 'FROM «eclipse-temurin:21-jdk»\nCOPY app.jar /app.jar\nRUN jar xf /app.jar\nCMD ["java", "-cp", ".", "Main"]\n',
      messages: ['`eclipse-temurin:21-jre`'],
      output: null,
    },
    {
      name: 'no swap when a digest pins the SDK',
      code: 'FROM «eclipse-temurin:21-jdk@sha256:0000000000000000000000000000000000000000000000000000000000000000»\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
      messages: ['`eclipse-temurin:21-jre`'],
      output: null,
    },
    {
      name: 'maven image: the JRE of the JDK its tag names',
      code: 'FROM «maven:3.9-eclipse-temurin-21»\nCOPY target/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
      messages: ['`maven:3.9-eclipse-temurin-21` is a Maven and a JDK build image'],
      output: null,
    },
    {
      name: 'gradle alpine image',
      code: 'FROM «gradle:8.10-jdk21-alpine»\nCOPY build/libs/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
      messages: ['`eclipse-temurin:21-jre-alpine`'],
    },
    {
      name: '.NET SDK: aspnet of the same major.minor and variant',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -c Release -o /out\n\nFROM «mcr.microsoft.com/dotnet/sdk:8.0.403-alpine3.20»\nCOPY --from=build /out /app\nENTRYPOINT ["/app/Api"]\n',
      fixes: [{ title: 'Switch to mcr.microsoft.com/dotnet/aspnet:8.0-alpine3.20', preferred: false }],
      messages: [
        '`mcr.microsoft.com/dotnet/aspnet:8.0-alpine3.20` or `mcr.microsoft.com/dotnet/runtime:8.0-alpine3.20`',
      ],
      output:
        'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-alpine3.20\nCOPY --from=build /out /app\nENTRYPOINT ["/app/Api"]\n',
    },
    {
      name: 'full node image that only runs a bundle',
      code: 'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM «node:22»\nCOPY --from=build /app/dist /app\nCMD ["node", "/app/main.js"]\n',
      fixes: [{ title: 'Switch to node:22-slim', preferred: false }],
      messages: [
        '`node:22` is the full Node.js image (≈ 408 MB to pull; node:22-slim ≈ 80 MB), with compilers and headers for native modules, but this stage installs and builds nothing: `node:22-slim` runs the same code.',
      ],
      output:
        'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:22-slim\nCOPY --from=build /app/dist /app\nCMD ["node", "/app/main.js"]\n',
    },
    {
      name: 'inherited through FROM <stage>: reported at the root image',
      code: 'FROM «golang:1.23-alpine» AS base\nWORKDIR /src\n\nFROM base AS build\nRUN go build -o /app .\n\nFROM base\nCOPY --from=build /app /app\nCMD ["/app"]\n',
      messages: ['`golang:1.23-alpine` is a Go build image'],
    },
  ],
});
