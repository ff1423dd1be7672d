import { rule } from '../../../server/src/rules/missing-dockerignore';
import type { BuildContextFacts } from '../../../server/src/rules/types';
import { ruleTester } from '../ruleTester';

const none = (...rootEntries: string[]): BuildContextFacts => ({ dockerignore: null, rootEntries });

const header =
  '# Keeps VCS data, local secrets and host build output out of the build context (created by LayerLens).\n# https://docs.docker.com/build/concepts/context/#dockerignore-files\n';
const common = '.git\n.env\n.env.local\n.env.*.local\nDockerfile*\n.dockerignore\n';

const nodeApp =
  'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n«COPY . .»\nCMD ["node", "server.js"]\n';

ruleTester(rule, {
  valid: [
    { name: 'context unknown (unsaved or remote file): nothing claimed', code: 'FROM node:22-slim\nCOPY . .\n' },
    {
      name: 'a .dockerignore exists',
      code: 'FROM node:22-slim\nCOPY . .\n',
      context: { dockerignore: { path: '/p/.dockerignore', text: '' }, rootEntries: ['.dockerignore', 'package.json'] },
    },
    {
      name: 'named sources only',
      code: 'FROM node:22-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY src ./src\n',
      context: none('.git', 'package.json', 'src'),
    },
    {
      name: 'COPY --from a stage',
      code: 'FROM node:22 AS build\nCOPY package.json .\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build . .\n',
      context: none('.git', 'package.json'),
    },
    {
      name: 'COPY . . only in a stage the build never runs',
      code: 'FROM node:22 AS test\nCOPY . .\nRUN npm test\nFROM node:22-slim\nCOPY server.js .\n',
      context: none('.git', 'server.js'),
    },
    {
      name: 'bind mount of a single file',
      code: 'FROM node:22\nRUN --mount=type=bind,source=package.json,target=package.json npm ci\n',
      context: none('package.json'),
    },
    {
      name: 'cache mount is not the context',
      code: 'FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n',
      context: none('go.mod', 'go.sum'),
    },
  ],
  invalid: [
    {
      name: 'Node.js app that installs its dependencies: node_modules left out',
      code: nodeApp,
      context: none('.git', '.env', 'node_modules', 'package.json', 'package-lock.json', 'server.js'),
      fixes: [{ title: 'Create a .dockerignore (Node.js)', preferred: true }],
      messages: [
        'There is no .dockerignore, so `COPY . .` copies everything in the build context. That includes `.git`, `.env`, `node_modules`.',
      ],
      output: nodeApp,
      createdFiles: {
        '.dockerignore': `${header}${common}\n# Node.js\n**/node_modules\nnpm-debug.log*\nyarn-debug.log*\nyarn-error.log*\n`,
      },
    },
    {
      name: 'Node.js app that relies on the host node_modules: kept',
      code: 'FROM node:22-slim\nWORKDIR /app\n«COPY . .»\nCMD ["node", "server.js"]\n',
      context: none('node_modules', 'package.json', 'server.js'),
      fixes: [{ title: 'Create a .dockerignore (Node.js)', preferred: true }],
      messages: ['That includes `node_modules`.'],
      output: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
      createdFiles: {
        '.dockerignore': `${header}${common}\n# Node.js\nnpm-debug.log*\nyarn-debug.log*\nyarn-error.log*\n`,
      },
    },
    {
      name: 'Python, ecosystem seen in the COPY sources when the entries are unknown',
      code: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n«COPY . .»\n',
      context: { dockerignore: null },
      fixes: [{ title: 'Create a .dockerignore (Python)', preferred: true }],
      messages: ['so `COPY . .` copies everything in the build context. Add one'],
      output:
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n',
      createdFiles: { '.dockerignore': `${header}${common}\n# Python\n**/__pycache__\n**/*.pyc\n.venv\nvenv\n` },
    },
    {
      name: 'Node.js recognised from a copied glob (package*.json), entries unknown',
      code: 'FROM node:20-alpine AS builder\nCOPY package*.json ./\nRUN npm install --only=production\nFROM alpine:3.20\nCOPY --from=builder /node_modules ./node_modules\n«COPY . .»\n',
      context: { dockerignore: null },
      fixes: [{ title: 'Create a .dockerignore (Node.js)', preferred: true }],
      messages: ['so `COPY . .` copies everything in the build context. Add one'],
      output:
        'FROM node:20-alpine AS builder\nCOPY package*.json ./\nRUN npm install --only=production\nFROM alpine:3.20\nCOPY --from=builder /node_modules ./node_modules\nCOPY . .\n',
      createdFiles: {
        '.dockerignore': `${header}${common}\n# Node.js\n**/node_modules\nnpm-debug.log*\nyarn-debug.log*\nyarn-error.log*\n`,
      },
    },
    {
      name: 'a file the Dockerfile copies by name is never excluded',
      code: 'FROM node:22-slim\nCOPY .env ./\nCOPY Dockerfile.template /etc/\n«COPY . .»\n',
      context: none('.env', 'Dockerfile.template', 'index.js'),
      fixes: [{ title: 'Create a .dockerignore', preferred: true }],
      messages: ['That includes `.env`.'],
      output: 'FROM node:22-slim\nCOPY .env ./\nCOPY Dockerfile.template /etc/\nCOPY . .\n',
      createdFiles: { '.dockerignore': `${header}.git\n.env.local\n.env.*.local\n.dockerignore\n` },
    },
    {
      name: 'Maven build in a builder: target left out, first wide COPY reported once',
      code: 'FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /src\n«COPY . .»\nRUN mvn -B package -DskipTests\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\nCOPY . /unrelated\n',
      context: none('.git', 'pom.xml', 'src', 'target'),
      fixes: [{ title: 'Create a .dockerignore (Maven)', preferred: true }],
      messages: ['`COPY . .` copies everything in the build context. That includes `.git`.'],
      output:
        'FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package -DskipTests\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\nCOPY . /unrelated\n',
      createdFiles: { '.dockerignore': `${header}${common}\n# Maven\ntarget\n` },
    },
    {
      name: 'prebuilt jar copied from target: target kept',
      code: 'FROM eclipse-temurin:21-jre\n«COPY . /app»\nCOPY target/app.jar /app.jar\n',
      context: none('pom.xml', 'target'),
      fixes: [{ title: 'Create a .dockerignore', preferred: true }],
      messages: ['copies everything in the build context'],
      output: 'FROM eclipse-temurin:21-jre\nCOPY . /app\nCOPY target/app.jar /app.jar\n',
      createdFiles: { '.dockerignore': `${header}${common}` },
    },
    {
      name: 'Gradle wrapper build',
      code: 'FROM eclipse-temurin:21 AS build\n«COPY . .»\nRUN ./gradlew --no-daemon bootJar\n',
      context: none('build.gradle.kts', 'gradlew', 'src'),
      fixes: [{ title: 'Create a .dockerignore (Gradle)', preferred: true }],
      messages: ['copies everything in the build context'],
      output: 'FROM eclipse-temurin:21 AS build\nCOPY . .\nRUN ./gradlew --no-daemon bootJar\n',
      createdFiles: { '.dockerignore': `${header}${common}\n# Gradle\n.gradle\nbuild\n` },
    },
    {
      name: '.NET publish: bin and obj left out',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\n«COPY . .»\nRUN dotnet publish -c Release -o /out\n',
      context: none('Api.csproj', 'Program.cs', 'bin', 'obj'),
      fixes: [{ title: 'Create a .dockerignore (.NET)', preferred: true }],
      messages: ['copies everything in the build context'],
      output:
        'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n',
      createdFiles: { '.dockerignore': `${header}${common}\n# .NET\n**/bin\n**/obj\n` },
    },
    {
      name: 'Rust and Maven in one context: target once',
      code: 'FROM rust:1 AS build\n«COPY . .»\nRUN cargo build --release\nRUN mvn package\n',
      context: none('Cargo.toml', 'pom.xml'),
      fixes: [{ title: 'Create a .dockerignore (Maven)', preferred: true }],
      messages: ['copies everything in the build context'],
      output: 'FROM rust:1 AS build\nCOPY . .\nRUN cargo build --release\nRUN mvn package\n',
      createdFiles: { '.dockerignore': `${header}${common}\n# Maven\ntarget\n` },
    },
    {
      name: 'Go: nothing Go-specific, vendor/ kept; a RUN that uses git keeps .git',
      code: 'FROM golang:1.23 AS build\n«COPY . .»\nRUN go build -ldflags "-X main.version=$(git describe --tags)" -o /app\n',
      context: none('.git', 'go.mod', 'vendor'),
      fixes: [{ title: 'Create a .dockerignore', preferred: true }],
      messages: ['That includes `.git`.'],
      output:
        'FROM golang:1.23 AS build\nCOPY . .\nRUN go build -ldflags "-X main.version=$(git describe --tags)" -o /app\n',
      createdFiles: { '.dockerignore': `${header}.env\n.env.local\n.env.*.local\nDockerfile*\n.dockerignore\n` },
    },
    {
      name: 'bind mount of the whole context (docker init style)',
      code: 'FROM golang:1.23 AS build\nRUN «--mount=type=bind,target=.» \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    go build -o /bin/server .\n',
      context: none('.git', 'go.mod', 'main.go'),
      fixes: [{ title: 'Create a .dockerignore', preferred: true }],
      messages: ['so `RUN --mount=type=bind,target=.` mounts everything in the build context. That includes `.git`.'],
      output:
        'FROM golang:1.23 AS build\nRUN --mount=type=bind,target=. \\\n    --mount=type=cache,target=/go/pkg/mod \\\n    go build -o /bin/server .\n',
      createdFiles: { '.dockerignore': `${header}${common}` },
    },
    {
      name: 'ADD . in a single stage',
      code: 'FROM ubuntu:24.04\nRUN mkdir /sample\n«ADD . /sample»\n',
      context: none('entrypoint.sh'),
      fixes: [{ title: 'Create a .dockerignore', preferred: true }],
      messages: ['`ADD . /sample` copies everything in the build context. Add one'],
      output: 'FROM ubuntu:24.04\nRUN mkdir /sample\nADD . /sample\n',
      createdFiles: { '.dockerignore': `${header}${common}` },
    },
  ],
});
