import { compressedSize, formatSize, referenceOf, slimVariantOf } from '../knowledge/images';
import { imageName } from '../model/image';
import type { DockerfileModel, Stage } from '../model/model';
import { layersOf, rootStage } from '../model/model';
import { isEnvironmentImage } from '../knowledge/imagePurpose';
import { shippedSdkImage } from './sdk-image-in-final-stage';
import type { Fix } from './types';
import { defineRule } from './types';

export const rule = defineRule({
  meta: {
    name: 'heavy-base-image',
    // Info, not warning: the full image works, and a stage that compiles native extensions may need it;
    // the finding is an offer to save hundreds of megabytes, not a defect.
    severity: 'info',
    fixable: true,
    docs: {
      summary:
        'The shipped image is based on the full tag of debian, node, python, ruby, perl, pypy, erlang or elixir where a `-slim` variant exists.',
      rationale:
        'The full language images are built on buildpack-deps: they carry gcc, make, dozens of -dev packages, git and ' +
        'subversion that a running application does not use. python:3.12 is about 411 MB to pull for linux/amd64, python:3.12-slim ' +
        'about 43 MB; node:22 408 MB against 80 MB for node:22-slim (docker-library/repo-info, compressed). debian:<suite>-slim drops ' +
        'man pages, documentation and locales (bookworm: 48 MB → 28 MB). The quick fix switches to the slim tag; it is not the preferred ' +
        'fix, because a stage that compiles native extensions (pip packages without wheels, node-gyp) needs the compilers: build those in ' +
        'an earlier stage instead. With a pinned digest there is no quick fix, since the digest names the full image. ' +
        '`-alpine` variants are smaller still but use musl libc instead of glibc: prebuilt binaries, manylinux wheels and some native ' +
        'modules do not work there, so LayerLens does not suggest them. ubuntu has no slim variant and is not flagged; images without a ' +
        'program of their own (no CMD/ENTRYPOINT) and ONBUILD bases are build environments and are left alone.',
      bad: 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nUSER nobody\nCMD ["python", "app.py"]\n',
      good: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nUSER nobody\nCMD ["python", "app.py"]\n',
    },
    messages: {
      heavy:
        '`{{image}}` is the full variant{{sizes}}. `{{slim}}` has the same runtime without {{dropped}}. Use it {{unless}}.{{pinned}}',
    },
  },
  check({ model, report }) {
    const shipped = model.shipped;
    if (!shipped) return;
    const root = rootStage(shipped);
    const imageWord = root.from.args[0];
    const slim = slimVariantOf(root.image);
    if (!slim || !imageWord || isEnvironmentImage(layersOf(shipped))) return;
    // The full node image running only code built elsewhere is sdk-image-in-final-stage's finding.
    if (shippedSdkImage(model)) return;
    const image = root.image;
    const slimReference = `${imageName(image)}:${slim.tag}`;
    const size = compressedSize(referenceOf(image));
    const slimSize = compressedSize(slimReference);
    report({
      messageId: 'heavy',
      data: {
        image: image.resolved,
        slim: slimReference,
        dropped: slim.dropped,
        unless: slim.unless,
        sizes:
          size !== undefined && slimSize !== undefined
            ? ` (≈ ${formatSize(size)} to pull; the slim one ≈ ${formatSize(slimSize)})`
            : '',
        pinned: image.digest ? " The digest pins the full image: pin the slim variant's digest instead." : '',
      },
      range: imageWord.range,
      fix: slimFix(model, root, slim.tag),
    });
  },
});

/** Rewrites only the tag; none when a digest pins the image or variables hide where the tag is written. */
function slimFix(model: DockerfileModel, root: Stage, slimTag: string): Fix | undefined {
  const word = root.from.args[0];
  const image = root.image;
  if (!word || image.digest) return undefined;
  const written = model.text.slice(word.start, word.end);
  const colon = written.lastIndexOf(':');
  const hasTag = colon > written.lastIndexOf('/');
  const title = `Switch to the slim variant (${imageName(image)}:${slimTag})`;
  if (!written.includes('$')) {
    const range = hasTag ? model.lines.range(word.start + colon + 1, word.end) : model.lines.range(word.end, word.end);
    return { title, edits: [{ range, newText: hasTag ? slimTag : `:${slimTag}` }], preferred: false };
  }
  // `python:${PYTHON_VERSION}` → `python:${PYTHON_VERSION}-slim`: only when slim is a plain suffix of the tag.
  if (hasTag && image.tag !== undefined && slimTag === `${image.tag}-slim`) {
    return { title, edits: [{ range: model.lines.range(word.end, word.end), newText: '-slim' }], preferred: false };
  }
  return undefined;
}
