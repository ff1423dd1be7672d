import type { ImageRef } from '../model/image';
import type { DockerfileModel } from '../model/model';
import { platformFlagOf } from '../model/model';
import type { KnownBaseSize } from '../size/estimate';
import { TokenCache } from './auth';
import { SizeCache } from './cache';
import { fetchImageSize } from './client';
import type { RemoteImageSize } from './client';
import { RegistryError } from './http';
import type { Fetch } from './http';
import { defaultPlatform, formatPlatform, parsePlatform } from './manifest';
import type { Platform } from './manifest';
import { registryImageOf } from './reference';
import type { RegistryImage } from './reference';

export interface RegistrySizesOptions {
  /** Where answers are kept across runs; memory only when absent. */
  cacheDir?: string;
  /** One lookup (token, index, manifest) ends after this long. */
  timeoutMs?: number;
  /** Cap for each response body. */
  maxBytes?: number;
  /** A failed lookup is not tried again for this long (offline, typing). */
  retryAfterMs?: number;
  /** Lookups running at once; a Dockerfile naming many images waits for the next estimate. */
  maxConcurrent?: number;
  /** Called whenever a lookup ends, with or without a size: estimates made before are stale. */
  onUpdate?: () => void;
  fetch?: Fetch;
  now?: () => number;
}

type Outcome = { size: RemoteImageSize } | { error: string; at: number };

export const defaultTimeoutMs = 3000;
/** All lookups of one CLI run together end after this long; images not answered by then use the bundled data. */
export const defaultOverallMs = 10_000;
/** The distribution spec's suggested manifest limit. */
const defaultMaxBytes = 4 * 1024 * 1024;

/**
 * Exact pull sizes of base images from their registries, for the estimator. `baseSizes` answers from
 * memory at once and starts a lookup on a miss (never waits); `onUpdate` says when answers arrive.
 */
export class RegistrySizes {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly tokens = new TokenCache();
  private readonly cache: SizeCache;
  private readonly now: () => number;

  constructor(private readonly options: RegistrySizesOptions = {}) {
    this.now = options.now ?? Date.now;
    this.cache = new SizeCache(options.cacheDir, this.now);
  }

  /** The estimator's `baseSizes`: a size, a note on why there is none (yet), or undefined for images no registry holds. */
  readonly baseSizes = (image: ImageRef, platformFlag: string | undefined): KnownBaseSize | undefined => {
    const target = registryImageOf(image);
    if (!target) return undefined;
    const { platform, note } = platformOf(platformFlag);
    const notes = note ? [note] : [];
    const key = `${target.name} ${formatPlatform(platform)}`;
    const outcome = this.outcomes.get(key);
    if (outcome && 'size' in outcome) {
      const { size } = outcome;
      const where = size.platform ? `, ${size.platform}` : '';
      return {
        compressedBytes: size.compressedBytes,
        notes: [...notes, `pull size from the registry: ${size.layers} layers of ${size.name}${where}`],
      };
    }
    const expired = !outcome || this.now() - outcome.at >= (this.options.retryAfterMs ?? 60_000);
    const started = expired && this.start(key, target, platform);
    if (outcome) return { compressedBytes: null, notes: [...notes, `registry lookup failed: ${outcome.error}`] };
    return {
      compressedBytes: null,
      notes: [
        ...notes,
        started || this.pending.has(key) ? 'registry lookup under way' : 'registry lookup waiting for others to finish',
      ],
    };
  };

  /**
   * Looks up every image the Dockerfile's stages start from and waits until each has an answer or
   * `overallMs` has passed (the CLI): many images against a slow registry cannot add up without bound.
   */
  async prefetch(model: DockerfileModel, overallMs = defaultOverallMs): Promise<void> {
    const images = model.stages.filter((stage) => !stage.baseStage);
    const deadline = performance.now() + overallMs;
    // Each round starts up to maxConcurrent lookups and every lookup ends by its own deadline.
    for (let round = 0; round <= images.length; round++) {
      for (const stage of images) this.baseSizes(stage.image, platformFlagOf(stage));
      if (this.pending.size === 0) return;
      const left = deadline - performance.now();
      if (left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((done) => (timer = setTimeout(done, left)));
      await Promise.race([Promise.all(this.pending.values()), timeUp]);
      clearTimeout(timer);
    }
  }

  private start(key: string, target: RegistryImage, platform: Platform): boolean {
    if (this.pending.has(key)) return false;
    if (this.pending.size >= (this.options.maxConcurrent ?? 4)) return false;
    const pinned = target.reference.includes(':');
    const lookup = (async () => {
      try {
        const cached = await this.cache.read(key, pinned);
        if (cached) {
          this.outcomes.set(key, { size: cached });
          return;
        }
        const size = await fetchImageSize(target, {
          platform,
          // The deadline covers the whole lookup: token, index and manifest requests together.
          signal: AbortSignal.timeout(this.options.timeoutMs ?? defaultTimeoutMs),
          maxBytes: this.options.maxBytes ?? defaultMaxBytes,
          tokens: this.tokens,
          fetch: this.options.fetch,
          now: this.now,
        });
        this.outcomes.set(key, { size });
        await this.cache.write(key, size);
      } catch (error) {
        this.outcomes.set(key, {
          error: error instanceof RegistryError ? error.message : String(error),
          at: this.now(),
        });
      }
    })().finally(() => {
      this.pending.delete(key);
      this.options.onUpdate?.();
    });
    this.pending.set(key, lookup);
    return true;
  }
}

/** The value of `FROM --platform=…`, as written. */
function platformOf(flag: string | undefined): { platform: Platform; note?: string } {
  if (flag === undefined || flag === '') return { platform: defaultPlatform };
  const parsed = flag.includes('$') ? undefined : parsePlatform(flag);
  if (parsed) return { platform: parsed };
  // $BUILDPLATFORM and friends depend on the builder: the common one is assumed.
  return { platform: defaultPlatform, note: `--platform=${flag} taken as ${formatPlatform(defaultPlatform)}` };
}

/** What the VS Code client sends in `initializationOptions` (other editors may send nothing). */
export interface RegistryInitializationOptions {
  /** The extension's global storage folder: the registry cache lives under it. */
  storagePath?: string;
  /** `vscode.workspace.isTrusted` when the server started. */
  workspaceTrusted?: boolean;
}

/** Sent by the client when the user trusts the workspace after the server started. */
export const workspaceTrustedNotification = 'layerlens/workspaceTrusted';

/**
 * The language server's side: lookups only when the setting is on and the workspace is trusted (a
 * Dockerfile from an untrusted folder must not make the editor contact hosts it names). Editors that
 * send no trust flag are taken as trusting: the setting is off by default and only a user turns it on.
 */
export class RegistryLookups {
  private trusted: boolean;
  private readonly sizes: RegistrySizes;

  constructor(
    initializationOptions: unknown,
    onUpdate: () => void,
    options: Omit<RegistrySizesOptions, 'cacheDir' | 'onUpdate'> = {},
  ) {
    const init =
      initializationOptions && typeof initializationOptions === 'object'
        ? (initializationOptions as RegistryInitializationOptions)
        : {};
    this.trusted = init.workspaceTrusted !== false;
    this.sizes = new RegistrySizes({
      ...options,
      cacheDir: typeof init.storagePath === 'string' && init.storagePath ? init.storagePath : undefined,
      onUpdate,
    });
  }

  /** The estimator input for a document whose `layerlens.registry.lookup` setting is `enabled`. */
  baseSizesFor(enabled: boolean): RegistrySizes['baseSizes'] | undefined {
    return enabled && this.trusted ? this.sizes.baseSizes : undefined;
  }

  grantTrust(): void {
    this.trusted = true;
  }
}
