import { rule as addRemoteArchive } from '../add-remote-archive';
import { rule as aptInstallRecommends } from '../apt-install-recommends';
import { rule as chownAfterCopy } from '../chown-after-copy';
import { rule as packageCacheLeft } from '../package-cache-left';
import type { Rule } from '../types';

/** Layer waste: bytes that stay in the shipped image's layers. */
export const layerWasteRules: readonly Rule[] = [
  packageCacheLeft,
  aptInstallRecommends,
  chownAfterCopy,
  addRemoteArchive,
];
