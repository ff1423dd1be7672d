import { rule } from '../../../server/src/rules/chown-after-copy';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    { name: 'owner set in the COPY', code: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\n' },
    {
      name: 'chown of a directory nothing was copied into',
      code: 'FROM node:22-slim\nCOPY . /app\nRUN mkdir -p /var/log/app && chown -R node:node /var/log/app\n',
    },
    {
      name: 'non-recursive chown of the directory a COPY filled: only the directory entry changes',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN chown node:node /app\n',
    },
    {
      name: 'chown of a base-image directory next to a copied file',
      code: 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/\nRUN chown -R nginx:nginx /etc/nginx/conf.d /var/cache/nginx\n',
    },
    {
      name: 'a build stage that is not shipped',
      code: 'FROM node:22 AS build\nWORKDIR /src\nCOPY . .\nRUN chown -R node:node /src\nFROM node:22-slim\nCOPY --from=build /src/dist /app\n',
    },
    {
      name: 'the chown happens before the COPY',
      code: 'FROM node:22-slim\nRUN mkdir /app && chown -R node:node /app\nCOPY --chown=node:node . /app\n',
    },
    {
      name: 'Windows containers have no chown',
      code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app C:/app\nRUN chown -R app C:/app\n',
    },
    {
      name: 'a path that depends on a variable',
      code: 'FROM node:22-slim\nCOPY . /app\nRUN chown -R node:node $APP_DIR\n',
    },
  ],
  invalid: [
    {
      name: 'chown -R of the working directory after COPY . .: --chown on the COPY, the directory itself stays',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN «chown -R node:node /app»\nUSER node\n',
      fixes: [
        {
          title: 'Set --chown=node:node on the COPY on line 3 and change only the directory itself here',
          preferred: true,
        },
      ],
      messages: [
        '`chown -R node:node /app` rewrites the files the COPY on line 3 put in `/app`. The image stores them twice;',
      ],
      output: 'FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN chown node:node /app\nUSER node\n',
    },
    {
      name: 'chmod -R with an octal mode',
      code: 'FROM debian:12-slim\nCOPY dist/ /opt/app/\nRUN «chmod -R 755 /opt/app»\n',
      fixes: [
        { title: 'Set --chmod=755 on the COPY on line 2 and change only the directory itself here', preferred: true },
      ],
      messages: ['set the mode in the COPY (`--chmod=…`)'],
      output: 'FROM debian:12-slim\nCOPY --chmod=755 dist/ /opt/app/\nRUN chmod 755 /opt/app\n',
    },
    {
      name: 'bundled options keep the others',
      code: 'FROM debian:12-slim\nCOPY dist/ /opt/app/\nRUN «chown -Rv app:app /opt/app»\n',
      fixes: [
        {
          title: 'Set --chown=app:app on the COPY on line 2 and change only the directory itself here',
          preferred: true,
        },
      ],
      messages: ['rewrites the files'],
      output: 'FROM debian:12-slim\nCOPY --chown=app:app dist/ /opt/app/\nRUN chown -v app:app /opt/app\n',
    },
    {
      name: 'one copied file: the RUN goes away',
      code: 'FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app/app.jar\nRUN «chown app:app /app/app.jar»\nUSER app\n',
      severity: 'info',
      fixes: [{ title: 'Set --chown=app:app on the COPY on line 2 and drop this RUN', preferred: true }],
      messages: ['`chown app:app /app/app.jar` stores `/app/app.jar` a second time just to change its owner.'],
      output: 'FROM eclipse-temurin:21-jre\nCOPY --chown=app:app target/app.jar /app/app.jar\nUSER app\n',
    },
    {
      name: 'chmod +x of a copied script: octal only, so no fix without a recent syntax',
      code: 'FROM debian:12-slim\nCOPY entrypoint.sh /usr/local/bin/\nRUN «chmod +x /usr/local/bin/entrypoint.sh»\n',
      severity: 'info',
      messages: ['stores `/usr/local/bin/entrypoint.sh` a second time just to change its mode'],
      output: null,
    },
    {
      name: 'chmod +x with Dockerfile syntax 1.14 or newer: --chmod=+x',
      code: '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nCOPY entrypoint.sh /usr/local/bin/\nRUN «chmod +x /usr/local/bin/entrypoint.sh»\n',
      severity: 'info',
      fixes: [{ title: 'Set --chmod=+x on the COPY on line 3 and drop this RUN', preferred: true }],
      messages: ['a second time just to change its mode'],
      output: '# syntax=docker/dockerfile:1\nFROM debian:12-slim\nCOPY --chmod=+x entrypoint.sh /usr/local/bin/\n',
      // A `# syntax` directive counts only at the top of the file, where a stage put in front would push it from.
      variants: { multiStage: false },
    },
    {
      name: 'two COPYs into the directory both get the flag',
      code: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt ./\nCOPY src/ ./src/\nRUN «chown -R app:app /srv»\n',
      fixes: [{ title: 'Set --chown=app:app on the COPYs and change only the directory itself here', preferred: true }],
      messages: ['the COPY on line 4 put in `/srv`'],
      output:
        'FROM python:3.12-slim\nWORKDIR /srv\nCOPY --chown=app:app requirements.txt ./\nCOPY --chown=app:app src/ ./src/\nRUN chown app:app /srv\n',
    },
    {
      name: 'the COPY already sets the owner: only the recursion goes',
      code: 'FROM debian:12-slim\nCOPY --chown=app:app config /etc/app\nRUN «chown -R app:app /etc/app»\n',
      fixes: [
        {
          title: 'Set --chown=app:app on the COPY on line 2 and change only the directory itself here',
          preferred: true,
        },
      ],
      messages: ['rewrites the files the COPY on line 2 put in `/etc/app`'],
      output: 'FROM debian:12-slim\nCOPY --chown=app:app config /etc/app\nRUN chown app:app /etc/app\n',
    },
    {
      name: 'npm ci wrote into the directory too: reported, no fix',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nRUN «chown -R node:node /app»\n',
      messages: ['the COPY on line 5'],
      output: null,
    },
    {
      name: 'other commands in the RUN: no fix',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN «chown -R node:node /app» && npm run build\n',
      messages: ['rewrites the files'],
      output: null,
    },
    {
      name: 'owner in a variable: no fix',
      code: 'FROM nixpkgs/nix-flakes\nRUN mkdir -p /workspace\nCOPY ./ /workspace\nRUN «chown -R $USER:$USER /workspace»\n',
      messages: ['the COPY on line 3 put in `/workspace`'],
      output: null,
    },
    {
      name: 'a part of a copied tree: no fix (the COPY flag would change all of it)',
      code: 'FROM node:22-slim\nCOPY . /app\nRUN «chown -R node:node /app/data»\n',
      messages: ['put in `/app/data`'],
      output: null,
    },
    {
      name: 'copied in a parent stage: reported, no fix',
      code: 'FROM node:22-slim AS base\nWORKDIR /app\nCOPY . .\nFROM base\nRUN «chown -R node:node /app»\n',
      messages: ['the COPY on line 3'],
      output: null,
    },
  ],
});
