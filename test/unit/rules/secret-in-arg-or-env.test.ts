import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/engine/analyze';
import { looksLikeSecretName } from '../../../server/src/knowledge/secrets';
import { buildModel } from '../../../server/src/model/model';
import { rule } from '../../../server/src/rules/secret-in-arg-or-env';
import { ruleTester } from '../ruleTester';

ruleTester(rule, {
  valid: [
    {
      name: 'secret mount instead of ARG',
      code: 'FROM node:22-slim\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n',
    },
    {
      name: 'GPG key fingerprints are public',
      code: 'FROM python:3.12-slim\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\nARG GPG_KEYS=177F4010FE56CA3336300305F1656F24C74CD1D8\n',
    },
    {
      name: 'names that point at a secret',
      code: 'FROM minio/minio:RELEASE.2024-01-01T00-00-00Z\nENV MINIO_ACCESS_KEY_FILE=access_key \\\n    MINIO_SECRET_KEY_FILE=secret_key \\\n    GITHUB_TOKEN_URL=https://example.com/token\n',
    },
    {
      name: 'switches about passwords',
      code: 'FROM mysql:8.4\nENV MYSQL_ALLOW_EMPTY_PASSWORD=yes MYSQL_RANDOM_ROOT_PASSWORD=1 POSTGRES_HOST_AUTH_METHOD=trust\n',
    },
    { name: 'a path to a key file', code: 'FROM nginx:1.27\nENV SSL_PRIVATE_KEY=/etc/ssl/private/server.key\n' },
    {
      name: 'words that only contain a secret word',
      code: 'FROM python:3.12\nENV TOKENIZERS_PARALLELISM=false KEYCLOAK_VERSION=25.0 PWD=/app PUBLIC_KEY=abc\n',
    },
    { name: 'an empty ENV holds nothing', code: 'FROM debian:12\nENV API_TOKEN=""\n' },
    {
      name: 'a global ARG only feeds FROM',
      code: 'ARG REGISTRY_TOKEN\nFROM debian:12\nRUN echo hi\n',
      variants: { multiStage: false },
    },
    { name: 'ARG with a switch default', code: 'FROM debian:12\nARG SKIP_SECRET=false\n' },
    {
      name: 'a signing key that is a public fingerprint or key ID',
      code: 'FROM debian:12\nENV NODE_SIGNING_KEY=4ED778F539E3634C779C87C6D7062848A1AB005C \\\n    RELEASE_SIGNING_KEY="C4F0 DFFF 4E8C 1A82 3640  9D08 E73B C641 CC11 F4C8" \\\n    APT_SIGNING_KEY=0x7638D0442B90D010\n',
    },
    {
      name: 'a URL, a version, a number, a placeholder',
      code: 'FROM debian:12\nARG SECRET_KEY=https://vault.example.com/v1/app\nENV API_TOKEN=v2.1.0 JWT_SECRET_KEY=3600 DB_PASSWORD=changeme AUTH_TOKEN=<your-token>\n',
    },
  ],
  invalid: [
    {
      name: 'a URL with a password in it',
      code: 'FROM debian:12\nENV «DATABASE_PASSWORD»=postgres://app:s3cr3tPa55@db:5432/app\n',
      messages: ['`ENV DATABASE_PASSWORD` looks like a secret'],
    },
    {
      name: 'a random-looking value under a secret name',
      code: 'FROM debian:12\nENV «SIGNING_KEY»=q8Zr2LmX0vT5nB7wK3pYc9Hd\n',
      messages: ['`ENV SIGNING_KEY` looks like a secret'],
    },
    {
      name: 'ARG NPM_TOKEN in the shipped stage',
      code: 'FROM node:22-slim\nARG «NPM_TOKEN»\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n',
      messages: ['`ARG NPM_TOKEN` looks like a secret. Build-arg values are recorded in the image history'],
      output: null,
    },
    {
      name: 'hard-coded password in ENV, legacy form',
      code: 'FROM mysql:8.4\nENV «MYSQL_PASSWORD» gordonpassword\n',
      messages: ["`ENV MYSQL_PASSWORD` looks like a secret. ENV values stay in the shipped image's config"],
    },
    {
      name: 'several ENV pairs on continuation lines',
      code: 'FROM python:3.12-slim\nENV APP_ENV=prod \\\n    «DJANGO_SECRET_KEY»="dev-only-change-me" \\\n    «awsSecretAccessKey»=$AWS_SECRET\n',
      messages: ['`ENV DJANGO_SECRET_KEY`', '`ENV awsSecretAccessKey`'],
    },
    {
      name: 'ENV copies an ARG into the config',
      code: 'FROM debian:12\nARG «GITHUB_TOKEN»\nENV «GITHUB_TOKEN»=${GITHUB_TOKEN}\n',
      messages: ['`ARG GITHUB_TOKEN`', '`ENV GITHUB_TOKEN`'],
    },
    {
      name: 'inherited through FROM <stage>',
      code: 'FROM node:22 AS base\nENV «API_KEY»=abc123\nFROM base\nCMD ["node"]\n',
      messages: ['`ENV API_KEY` looks like a secret. ENV values stay'],
    },
    {
      name: 'build stage: a hint that never repeats the value',
      code: 'FROM node:22 AS build\nARG «NPM_AUTH_TOKEN»=\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build /app /app\n',
      severity: 'hint',
      messages: ['`ARG NPM_AUTH_TOKEN` looks like a secret. This stage is not shipped'],
    },
    {
      name: 'a value that is an AWS key is reported in any stage, masked',
      code: 'FROM alpine:3.20 AS fetch\nENV AWS_ACCESS_KEY_ID=«AKIAIOSFODNN7EXAMPLE»\nFROM alpine:3.20\n',
      messages: [
        'The value of `AWS_ACCESS_KEY_ID` looks like an AWS access key ID (AKIA…), committed with this Dockerfile.',
      ],
    },
    {
      name: 'a GitHub token under an innocent name',
      code: 'FROM debian:12\nARG CONFIG=«ghp_0123456789abcdefghijABCDEFGHIJ012345»\n',
      messages: ['looks like a GitHub token (ghp_…)'],
    },
    {
      name: 'a global ARG with a token value',
      code: 'ARG BASE_TOKEN=«glpat-abcdefghij0123456789»\nFROM debian:12\n',
      messages: ['looks like a GitLab token'],
      variants: { multiStage: false },
    },
  ],
});

describe('secret-in-arg-or-env details', () => {
  it('never puts the value in a message', () => {
    const text = 'FROM debian:12\nENV DB_PASSWORD=hunter2hunter2 TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345\n';
    const findings = analyze(buildModel(text), {}, [rule]);
    assert.equal(findings.length, 2);
    for (const finding of findings) {
      assert.ok(!finding.message.includes('hunter2'), finding.message);
      assert.ok(!finding.message.includes('0123456789'), finding.message);
    }
  });

  it('is a hint in build stages and a warning in the shipped one', () => {
    const text = 'FROM node:22 AS build\nARG NPM_TOKEN\nFROM node:22-slim\nARG NPM_TOKEN\n';
    assert.deepEqual(
      analyze(buildModel(text), {}, [rule]).map((finding) => finding.severity),
      ['hint', 'warning'],
    );
  });

  it('tells secret names from names about secrets', () => {
    const secret = [
      'PASSWORD',
      'DB_PASSWD',
      'MYSQL_ROOT_PASSWORD',
      'API_KEY',
      'APIKEY',
      'apiKey',
      'AWS_SECRET_ACCESS_KEY',
      'PRIVATE_KEY',
      'GITHUB_PAT',
      'MYSQL_PWD',
      'NPM_CONFIG__AUTH',
      'SECRET_KEY_BASE',
      'CREDENTIALS',
      'client-secret',
    ];
    const notSecret = [
      'PWD',
      'PASSWORD_FILE',
      'TOKEN_URL',
      'SECRET_KEY_BASE_DUMMY',
      'AWS_ACCESS_KEY_ID',
      'GPG_KEY',
      'KEY_ID',
      'PUBLIC_KEY',
      'SSH_KEY_PATH',
      'AUTH_METHOD',
      'DOCKER_AUTH_VERSION',
      'TOKENIZERS_PARALLELISM',
      'KEYSERVER',
    ];
    assert.deepEqual(
      secret.filter((name) => !looksLikeSecretName(name)),
      [],
    );
    assert.deepEqual(notSecret.filter(looksLikeSecretName), []);
  });
});
