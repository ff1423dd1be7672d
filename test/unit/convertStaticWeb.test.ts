import assert from 'node:assert/strict';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertContext } from '../../server/src/fixes/convert';

const withBuild = (build: string, files: Record<string, string> = {}): ConvertContext => {
  const all = { 'package.json': JSON.stringify({ name: 'site', private: true, scripts: { build } }), ...files };
  return { rootEntries: ['src', 'index.html', ...Object.keys(all)], files: all };
};
const nginxCmd = 'CMD ["nginx", "-g", "daemon off;"]\n';

function serverBlock(port: number, fallback: string): string {
  return `COPY <<'EOF' /etc/nginx/conf.d/default.conf\nserver {\n    listen ${port};\n    root /usr/share/nginx/html;\n    location / {\n        try_files $uri $uri/ ${fallback};\n    }\n}\nEOF\n`;
}

function converted(text: string, context: ConvertContext): { text: string; messages: string[] } {
  const result = convertToMultiStage(text, context);
  if (!result.ok) assert.fail(`refused: ${result.reason}`);
  return result;
}

describe('convert static web (node build → nginx)', () => {
  it("serves vite preview's dist on its default port with the single-page fallback", () => {
    const input =
      'FROM node:20\nWORKDIR /site\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 4173\nCMD ["npx", "vite", "preview", "--host"]\n';
    assert.equal(
      converted(input, withBuild('vite build')).text,
      'FROM node:20 AS build\nWORKDIR /site\nCOPY . .\nRUN npm ci && npm run build\n\n' +
        `FROM nginxinc/nginx-unprivileged:stable-alpine\nWORKDIR /site\n${serverBlock(4173, '/index.html')}COPY --from=build /site/dist /usr/share/nginx/html\nEXPOSE 4173\n${nginxCmd}`,
    );
  });

  it('keeps a port below 1024 (from ENV PORT) on the root-started nginx image, without the single-page fallback http-server lacks', () => {
    const input =
      'FROM node:20\nENV PORT=80\nWORKDIR /site\nCOPY . .\nRUN npm ci && npm run build\nEXPOSE 80\nCMD ["npx", "http-server", "public-build"]\n';
    assert.equal(
      converted(input, withBuild('webpack --mode production')).text,
      'FROM node:20 AS build\nENV PORT=80\nWORKDIR /site\nCOPY . .\nRUN npm ci && npm run build\n\n' +
        `FROM nginx:stable-alpine\nENV PORT=80\nWORKDIR /site\n${serverBlock(80, '=404')}COPY --from=build /site/public-build /usr/share/nginx/html\nEXPOSE 80\n${nginxCmd}`,
    );
  });

  it('uses a whole nginx.conf from the context as the main config and its root as the site folder', () => {
    const conf =
      'events {}\nhttp {\n  include mime.types;\n  server {\n    listen 3000;\n    root /var/www/site;\n  }\n}\n';
    const input =
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npx", "serve", "-s", "build"]\n';
    assert.equal(
      converted(input, withBuild('react-scripts build', { 'nginx.conf': conf })).text,
      `FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM nginx:stable-alpine\nWORKDIR /app\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY --from=build /app/build /var/www/site\n${nginxCmd}`,
    );
  });

  it('keeps a wget HEALTHCHECK on the same port', () => {
    const input =
      'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nHEALTHCHECK CMD wget -qO- http://localhost:3000/ || exit 1\nCMD ["npx", "serve", "-s", "dist"]\n';
    assert.ok(
      converted(input, withBuild('vite build')).text.includes(
        'HEALTHCHECK CMD wget -qO- http://localhost:3000/ || exit 1\n',
      ),
    );
  });

  it('keeps a RUN after the build in the build stage: it may add to the site', () => {
    const input =
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN echo ok > dist/health\nCMD ["npx", "serve", "-s", "dist"]\n';
    assert.match(converted(input, withBuild('vite build')).text, /^RUN echo ok > dist\/health\n\nFROM nginxinc/m);
  });

  it('leaves servers that are not static to the Node converter', () => {
    const node = (cmd: string) => `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n${cmd}\n`;
    const results = [
      node('CMD ["npx", "next", "start"]'),
      node('CMD ["npm", "start"]'),
      node('CMD ["node", "dist/server.js"]'),
    ].map((text) => {
      const result = convertToMultiStage(text, withBuild('next build'));
      return result.ok ? result.text.includes('nginx') : result.reason.includes('nginx');
    });
    assert.deepEqual(results, [false, false, false]);
  });

  it('refuses what it cannot make safe', () => {
    const app = 'FROM node:20\nWORKDIR /app\nCOPY . .\n';
    const reasons: [string, ConvertContext, string][] = [
      [`${app}RUN npm ci\nCMD ["npx", "serve", "-s", "dist"]\n`, withBuild('vite build'), 'No front-end build'],
      [
        `${app}RUN npm ci && npm run build\nCMD ["npx", "serve", "-s", "dist"]\n`,
        withBuild('tsc -p .'),
        'is not a known front-end build',
      ],
      [
        `${app}RUN npm ci && npm run build\nCMD ["npx", "serve", "-s", "public"]\n`,
        withBuild('vite build', { public: '' }),
        'public/ comes from the build context',
      ],
      [
        `${app}RUN npm ci && npm run build\nCMD ["npx", "serve", "-s", "dist", "-l", "$PORT"]\n`,
        withBuild('vite build'),
        'not a number',
      ],
      [
        `${app}RUN npm ci && npm run build\nHEALTHCHECK CMD curl -f http://localhost:3000/\nCMD ["npx", "serve", "-s", "dist"]\n`,
        withBuild('vite build'),
        'needs a tool the nginx image does not have',
      ],
      [
        `${app}RUN npm ci && npm run build\nUSER node\nCMD ["npx", "serve", "-s", "dist", "-l", "80"]\n`,
        withBuild('vite build'),
        'nginx there starts as root',
      ],
      [
        `${app}RUN npm ci && npm run build\nCMD ["npx", "vite", "preview"]\n`,
        withBuild('vite build', { 'vite.config.ts': "export default { build: { outDir: 'www' } };\n" }),
        'sets build.outDir',
      ],
      [
        `${app}RUN npm ci && npm run build\nCMD ["npx", "serve", "--ssl-cert", "cert.pem", "dist"]\n`,
        withBuild('vite build'),
        '--ssl-cert',
      ],
    ];
    assert.deepEqual(
      reasons.map(([text, context, expected]) => {
        const result = convertToMultiStage(text, context);
        return !result.ok && result.reason.includes(expected) ? expected : result;
      }),
      reasons.map(([, , expected]) => expected),
    );
  });
});
