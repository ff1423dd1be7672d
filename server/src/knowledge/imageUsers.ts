import data from '../data/base-image-users.json';
import type { ImageRef } from '../model/image';
import { imageName } from '../model/image';
import { wildcardMatch } from './glob';

export interface ImageUser {
  user: string;
  /** The image already runs as this non-root user (or drops root in its entrypoint). */
  default: boolean;
  source: string;
}

interface ImageUserEntry extends ImageUser {
  match: string;
  tags?: string[];
}

const entries = data.images as ImageUserEntry[];

/** What the data files know about the users of a base image; the first matching entry wins. */
export function knownImageUser(image: ImageRef): ImageUser | undefined {
  const name = imageName(image);
  const tag = image.tag ?? 'latest';
  const entry = entries.find(
    (candidate) =>
      wildcardMatch(candidate.match, name) &&
      (!candidate.tags || candidate.tags.some((pattern) => wildcardMatch(pattern, tag))),
  );
  return entry ? { user: entry.user, default: entry.default, source: entry.source } : undefined;
}
