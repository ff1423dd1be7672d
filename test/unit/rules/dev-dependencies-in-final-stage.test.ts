import { rule } from '../../../server/src/rules/dev-dependencies-in-final-stage';
import { ruleTester } from '../ruleTester';

const node = 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\n';
const start = 'CMD ["node", "server.js"]\n';

ruleTester(rule, {
  valid: [
    { name: 'npm ci --omit=dev', code: `${node}RUN npm ci --omit=dev\n${start}` },
    { name: 'npm ci --omit dev (separate value)', code: `${node}RUN npm ci --omit dev\n${start}` },
    { name: 'npm 6 style --only=production', code: `${node}RUN npm install --only=production\n${start}` },
    { name: 'NODE_ENV=production set before', code: `${node}ENV NODE_ENV=production\nRUN npm ci\n${start}` },
    { name: 'legacy ENV syntax', code: `${node}ENV NODE_ENV production\nRUN npm ci\n${start}` },
    { name: 'ARG with a production default', code: `${node}ARG NODE_ENV=production\nRUN npm ci\n${start}` },
    {
      name: 'NODE_ENV from an ARG LayerLens cannot know',
      code: `${node}ARG MODE\nENV NODE_ENV=$MODE\nRUN npm ci\n${start}`,
    },
    { name: 'inline NODE_ENV for the command', code: `${node}RUN NODE_ENV=production npm ci\n${start}` },
    {
      name: 'pruned in the same RUN after the build',
      code: `${node}COPY . .\nRUN npm ci \\\n    && npm run build \\\n    && npm prune --omit=dev\n${start}`,
    },
    {
      name: 'yarn reinstalls production only in the same RUN',
      code: `${node}COPY . .\nRUN yarn install --frozen-lockfile && yarn build && yarn install --production --ignore-scripts --prefer-offline\n${start}`,
    },
    { name: 'global tool install', code: `${node}RUN npm install -g pnpm@9\n${start}` },
    { name: 'installing named packages', code: `${node}RUN npm install express\n${start}` },
    { name: 'yarn --production', code: `${node}RUN yarn install --production --frozen-lockfile\n${start}` },
    { name: 'yarn --version prints a version', code: `${node}RUN yarn --version\n${start}` },
    { name: 'pnpm --prod', code: `${node}RUN pnpm install --prod --frozen-lockfile\n${start}` },
    {
      name: 'dev dependencies only in a build stage',
      code: 'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY --from=build /app/dist ./dist\nCMD ["node", "dist/main.js"]\n',
    },
    {
      name: 'runtime requirements',
      code: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'poetry main group only',
      code: 'FROM python:3.12-slim\nRUN poetry install --only main --no-root\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'poetry without dev',
      code: 'FROM python:3.12-slim\nRUN poetry install --without dev,test\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'uv sync --no-dev',
      code: 'FROM python:3.12-slim\nRUN uv sync --frozen --no-dev\nCMD ["python", "app.py"]\n',
    },
    {
      name: 'BUNDLE_WITHOUT set',
      code: 'FROM ruby:3.3-slim\nENV BUNDLE_WITHOUT="development:test"\nRUN bundle install\nCMD ["bundle", "exec", "puma"]\n',
    },
    {
      name: 'bundle config set without',
      code: 'FROM ruby:3.3-slim\nRUN bundle config set --local without \'development test\' && bundle install\nCMD ["bundle", "exec", "puma"]\n',
    },
    {
      name: 'composer --no-dev',
      code: 'FROM php:8.3-fpm\nRUN composer install --no-dev --optimize-autoloader\nCMD ["php-fpm"]\n',
    },
    { name: 'a dev-server image needs them', code: `${node}RUN npm install\nCMD ["npm", "run", "dev"]\n` },
    { name: 'a test image needs them', code: `${node}RUN npm ci\nENTRYPOINT ["npx", "playwright"]\nCMD ["test"]\n` },
    { name: 'an environment image without a program of its own', code: `${node}RUN npm ci\n` },
    {
      name: 'an ng serve dev server',
      code: `${node}RUN npm install\nCMD ["npx", "ng", "serve", "--host", "0.0.0.0"]\n`,
    },
    { name: 'a yarn serve dev server', code: `${node}RUN yarn install\nCMD yarn serve --port 8080\n` },
    { name: 'a dev server behind sh -c', code: `${node}RUN npm ci\nCMD ["sh", "-c", "npm run dev -- --host"]\n` },
    { name: 'NODE_ENV=development', code: `${node}ENV NODE_ENV=development\nRUN npm ci\n${start}` },
    {
      name: 'the package.json in the build context has no devDependencies',
      code: `${node}RUN npm ci\n${start}`,
      context: { packageJson: { devDependencies: false } },
    },
  ],
  invalid: [
    {
      name: 'the package.json in the build context has devDependencies',
      code: `${node}RUN «npm ci»\n${start}`,
      context: { packageJson: { devDependencies: true } },
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
    },
    {
      name: 'a package.json of a subfolder is not the one the context root says nothing about',
      code: 'FROM node:22-slim\nWORKDIR /app\nCOPY web/package.json ./\nRUN «npm ci»\nCMD ["node", "server.js"]\n',
      context: { packageJson: { devDependencies: false } },
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
    },
    {
      name: 'serve -s is a static file server, not a dev server',
      code: `${node}RUN «npm ci»\nCMD ["npx", "serve", "-s", "build"]\n`,
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
    },
    {
      name: 'npm ci: --omit=dev added',
      code: `${node}RUN «npm ci»\n${start}`,
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: [
        '`npm ci` installs devDependencies (test tools, bundlers, types) in the shipped image. Add --omit=dev',
      ],
      output: `${node}RUN npm ci --omit=dev\n${start}`,
    },
    {
      name: 'the flag goes right after the verb',
      code: `${node}RUN «npm ci --no-audit --no-fund» && npm cache clean --force\n${start}`,
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci --no-audit --no-fund` installs devDependencies'],
      output: `${node}RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force\n${start}`,
    },
    {
      name: 'Node older than 15 (npm 6): --only=production',
      code: 'FROM node:10-alpine\nWORKDIR /app\nCOPY . .\nRUN «npm install»\nCMD ["node", "server.js"]\n',
      fixes: [{ title: 'Add --only=production', preferred: true }],
      messages: ['`npm install` installs devDependencies'],
      output:
        'FROM node:10-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install --only=production\nCMD ["node", "server.js"]\n',
    },
    {
      name: 'NODE_ENV set only after the install',
      code: `${node}RUN «npm ci»\nENV NODE_ENV=production\n${start}`,
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
      output: `${node}RUN npm ci --omit=dev\nENV NODE_ENV=production\n${start}`,
    },
    {
      name: '--include=dev overrides NODE_ENV and gets no fix',
      code: `${node}ENV NODE_ENV=production\nRUN «npm ci --include=dev»\n${start}`,
      messages: ['`npm ci --include=dev` installs devDependencies'],
      output: null,
    },
    {
      name: 'a build in the same RUN needs them: no fix',
      code: `${node}COPY . .\nRUN «npm ci» && npm run build\n${start}`,
      messages: [
        '`npm ci` installs devDependencies (test tools, bundlers, types) for `npm run build` on line 5, and they ship with the image. Build in an earlier stage and install here with --omit=dev, or prune in this same RUN (`npm prune --omit=dev`).',
      ],
      output: null,
    },
    {
      name: 'a prune in a later RUN does not shrink the image',
      code: `${node}RUN «npm ci»\nCOPY . .\nRUN npx tsc -p .\nRUN npm prune --production\n${start}`,
      messages: ['for `npx tsc -p .` on line 6'],
      output: null,
    },
    {
      name: 'yarn install',
      code: `${node}RUN «yarn install --frozen-lockfile»\n${start}`,
      messages: ['Add --production (Yarn 1), or use `yarn workspaces focus --production` (Yarn 2+).'],
      output: null,
    },
    {
      name: 'a bare yarn installs',
      code: `${node}RUN «yarn»\n${start}`,
      messages: ['`yarn` installs devDependencies'],
    },
    {
      name: 'pnpm install',
      code: `${node}RUN «pnpm install --frozen-lockfile»\n${start}`,
      messages: ['Add --prod'],
    },
    {
      name: 'pip dev requirement files and extras',
      code: 'FROM python:3.12-slim\nRUN «pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt»\nRUN «python -m pip install -r requirements/test.txt»\nRUN «pip install -e ".[dev,docs]"»\nCMD ["python", "app.py"]\n',
      messages: [
        'the development requirements of `requirements-dev.txt`',
        'the development requirements of `requirements/test.txt`',
        'the development extras of `.[dev,docs]`',
      ],
    },
    {
      name: 'poetry install',
      code: 'FROM python:3.12-slim\nRUN «poetry install --no-root --no-interaction»\nCMD ["python", "app.py"]\n',
      messages: ['installs the dev dependency group in the shipped image. Add --only main (or --without dev).'],
    },
    {
      name: 'uv sync',
      code: 'FROM python:3.12-slim\nRUN «uv sync --frozen»\nCMD ["python", "app.py"]\n',
      messages: ['Add --no-dev.'],
    },
    {
      name: 'pipenv --dev',
      code: 'FROM python:3.12-slim\nRUN «pipenv install --system --deploy --dev»\nCMD ["python", "app.py"]\n',
      messages: ['the [dev-packages] of the Pipfile'],
    },
    {
      name: 'bundle install without BUNDLE_WITHOUT',
      code: 'FROM ruby:3.3-slim\nRUN «bundle install --jobs 4»\nCMD ["bundle", "exec", "puma"]\n',
      messages: [
        'the development and test gem groups in the shipped image. Set `ENV BUNDLE_WITHOUT="development:test"` before it.',
      ],
    },
    {
      name: 'composer install',
      code: 'FROM php:8.3-fpm\nRUN «composer install --no-interaction»\nCMD ["php-fpm"]\n',
      messages: ['the require-dev packages in the shipped image. Add --no-dev.'],
    },
    {
      name: 'exec form: reported, no fix inside the JSON array',
      code: `${node}RUN «["npm", "ci"]»\n${start}`,
      messages: ['`["npm", "ci"]` installs devDependencies'],
      output: null,
    },
    {
      name: 'heredoc RUN',
      code: `${node}RUN <<EOF\nset -e\n«npm ci»\nEOF\n${start}`,
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
      output: `${node}RUN <<EOF\nset -e\nnpm ci --omit=dev\nEOF\n${start}`,
    },
    {
      name: 'inherited from the stage the shipped one is built FROM',
      code: 'FROM node:22-slim AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN «npm ci»\n\nFROM deps\nCOPY . .\nCMD ["node", "server.js"]\n',
      fixes: [{ title: 'Add --omit=dev', preferred: true }],
      messages: ['`npm ci` installs devDependencies'],
      output:
        'FROM node:22-slim AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n\nFROM deps\nCOPY . .\nCMD ["node", "server.js"]\n',
    },
  ],
});
