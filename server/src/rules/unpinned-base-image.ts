import { isOfficialImageName } from '../knowledge/images';
import type { Stage } from '../model/model';
import { rootStage } from '../model/model';
import type { Severity } from './types';

/**
 * Images that publish no version tags, so only a digest pins them: distroless (tags name a variant:
 * latest, nonroot, debug) and Chainguard's free images (latest, latest-dev).
 */
const digestOnlyImages = [
  {
    prefix: 'gcr.io/distroless/',
    source: 'https://github.com/GoogleContainerTools/distroless#how-do-i-use-distroless-images',
  },
  { prefix: 'cgr.dev/chainguard/', source: 'https://edu.chainguard.dev/chainguard/chainguard-images/overview/' },
];
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'unpinned-base-image',
    severity: 'warning',
    fixable: false,
    docs: {
      summary: 'A FROM names an image without a tag or with `latest`, so each build may start from a different image.',
      rationale:
        'An image without a tag means `latest`, and `latest` moves with every release of the image: a rebuild of ' +
        'the same Dockerfile can pick up a new major version, a different libc or a different default user, and the ' +
        'image you tested is not the one you ship. Pin a version tag, and a digest (`@sha256:…`) where builds must be ' +
        "repeatable. The shipped stage's base is a warning; a builder stage the shipped image depends on is info (it " +
        'decides what gets compiled, not what ships); a stage the build never reaches is a hint. Images that publish ' +
        'no version tags (distroless, Chainguard) can only be pinned by digest, and the message says so. `scratch`, ' +
        'stage names and ARG-resolved tags with a pinned default are fine; an image from an ARG without a default ' +
        'cannot be judged, and names no registry serves (template placeholders in capitals, Compose-built ' +
        '`project_service` images, and bare names that are not Docker Hub official images, such as a test ' +
        "harness's `bats-jenkins`: images built locally or passed with `--build-context`) are skipped.",
      bad: 'FROM python\nCOPY app.py /app/\nUSER nobody\nCMD ["python", "/app/app.py"]\n',
      good: 'FROM python:3.12-slim\nCOPY app.py /app/\nUSER nobody\nCMD ["python", "/app/app.py"]\n',
    },
    messages: {
      digestOnly:
        '`{{image}}`{{via}} publishes no version tags and is not pinned by digest. The build uses whatever `latest` is that day{{role}}. Pin a digest (`@sha256:…`) and let a bot (Renovate, Dependabot) move it.',
      noTag:
        '`{{image}}`{{via}} has no tag. The build uses whatever `latest` is that day{{role}}. Pin a version tag (and a digest for repeatable builds).',
      latest:
        '`{{image}}`{{via}} follows `latest`. It moves with every release{{role}}. Pin a version tag (and a digest for repeatable builds).',
    },
    compat: { hadolint: ['DL3006', 'DL3007'] },
  },
  check({ model, report }) {
    const shippedBase = model.shipped ? rootStage(model.shipped) : undefined;
    for (const stage of model.stages) {
      if (stage.baseStage || stage.image.isScratch) continue;
      const tag = tagOf(stage.image.resolved);
      if (tag === undefined || (tag !== null && tag.toLowerCase() !== 'latest')) continue;
      const word = stage.from.args[0];
      if (!word) continue;
      const image =
        tag === null ? stage.image.resolved : stage.image.resolved.slice(0, stage.image.resolved.lastIndexOf(':'));
      if (!looksPublished(image)) continue;
      const digestOnly = digestOnlyImages.some((entry) => image.toLowerCase().startsWith(entry.prefix));
      const placement = placementOf(stage, shippedBase);
      report({
        messageId: digestOnly ? 'digestOnly' : tag === null ? 'noTag' : 'latest',
        data: {
          image,
          via: stage.image.raw !== stage.image.resolved ? ' (the ARG default)' : '',
          role: placement.role,
        },
        range: word.range,
        severity: placement.severity,
      });
    }
  },
});

/**
 * The tag of a resolved reference: null for none, undefined when it cannot be told (a digest pins it; a
 * variable left in the last path segment may carry the tag).
 */
function tagOf(resolved: string): string | null | undefined {
  if (resolved.includes('@')) return undefined;
  const last = resolved.slice(resolved.lastIndexOf('/') + 1);
  if (last === '' || last.includes('$')) return undefined;
  const colon = last.indexOf(':');
  return colon < 0 ? null : last.slice(colon + 1);
}

/**
 * False for names no registry serves: template placeholders (`REPLACE-ME`, `cgr.dev/ORG/base`: references
 * are lower case), images a Compose project builds locally (`project_service`) and bare names that are not
 * official images (`bats-jenkins`).
 */
function looksPublished(image: string): boolean {
  const slash = image.indexOf('/');
  const first = slash > 0 ? image.slice(0, slash) : '';
  const written = first.includes('.') || first.includes(':') || first === 'localhost' ? image.slice(slash + 1) : image;
  const path = written.replace(/\$\{[^}]*\}|\$\w+/g, '');
  if (/[A-Z]/.test(path)) return false;
  // A bare name on Docker Hub is `library/<name>`, where only the official images live: any other bare name
  // is an image the build harness made locally (or a named build context), whatever its tag.
  if (written === image && !path.includes('/')) return isOfficialImageName(path);
  return path.includes('/') || !path.includes('_');
}

function placementOf(stage: Stage, shippedBase: Stage | undefined): { severity?: Severity; role: string } {
  if (stage === shippedBase) return { role: '' };
  if (stage.reachable)
    return { severity: 'info', role: '; this stage is not shipped, but the shipped image is built from its output' };
  return { severity: 'hint', role: '; the build of the shipped image does not use this stage' };
}
