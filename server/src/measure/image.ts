import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { indexTarFile, readTarMember, streamTarMember } from './tar';
import type { TarIndexEntry } from './tar';

/** One entry of an image config's history: what made the layer (or the empty layer). */
export interface HistoryEntry {
  createdBy: string;
  emptyLayer: boolean;
}

/** A layer blob as an exported image holds it. */
export interface ImageLayerBlob {
  digest: string;
  /** Bytes of the blob as stored: compressed for OCI layouts, usually plain tar in `docker save` archives. */
  storedBytes: number;
  /** From the manifest's media type or the blob's first bytes. */
  compression: 'gzip' | 'none' | 'zstd';
  open(): Readable;
}

/** What the layer analysis needs from an exported image, whatever the format. */
export interface ExportedImage {
  format: 'oci-layout' | 'oci-archive' | 'docker-archive';
  /** Layer blobs, base first. */
  layers: ImageLayerBlob[];
  history: HistoryEntry[];
  /** The layer sizes the manifest states, when it has them (OCI); the tests compare with these. */
  manifestLayerSizes: number[] | undefined;
}

/** Reads blobs and small JSON files from a folder or from a tar archive, by path. */
interface BlobStore {
  has(path: string): boolean;
  read(path: string): Buffer;
  size(path: string): number;
  /** The first bytes of a blob, to tell its compression. */
  head(path: string): Buffer;
  open(path: string): Readable;
}

function folderStore(dir: string): BlobStore {
  return {
    has: (path) => existsSync(join(dir, path)),
    read: (path) => readFileSync(join(dir, path)),
    size: (path) => statSync(join(dir, path)).size,
    head: (path) => {
      const descriptor = openSync(join(dir, path), 'r');
      try {
        const bytes = Buffer.alloc(4);
        return bytes.subarray(0, readSync(descriptor, bytes, 0, 4, 0));
      } finally {
        closeSync(descriptor);
      }
    },
    open: (path) => createReadStream(join(dir, path)),
  };
}

function tarStore(file: string): BlobStore {
  const index = indexTarFile(file);
  const member = (path: string): TarIndexEntry => {
    let entry = index.get(path);
    // Some writers store symlinks to shared layer files (docker save's legacy layout).
    for (let hops = 0; entry?.kind === 'symlink' && hops < 8; hops++) {
      const target = entry.linkTarget.startsWith('../')
        ? join(path, '..', entry.linkTarget).replace(/^\/+/, '')
        : entry.linkTarget;
      entry = index.get(target);
    }
    if (!entry) throw new Error(`the archive has no ${path}`);
    return entry;
  };
  return {
    has: (path) => index.has(path),
    read: (path) => readTarMember(file, member(path)),
    size: (path) => member(path).size,
    head: (path) => {
      const entry = member(path);
      return readTarMember(file, { ...entry, size: Math.min(4, entry.size) });
    },
    open: (path) => streamTarMember(file, member(path)),
  };
}

const blobPath = (digest: string) => `blobs/${digest.replace(':', '/')}`;

function parseHistory(config: unknown): HistoryEntry[] {
  const history = (config as { history?: Array<{ created_by?: string; empty_layer?: boolean }> }).history ?? [];
  return history.map((entry) => ({ createdBy: entry.created_by ?? '', emptyLayer: entry.empty_layer === true }));
}

function compressionOf(mediaType: string): ImageLayerBlob['compression'] {
  if (/zstd/.test(mediaType)) return 'zstd';
  if (/gzip/.test(mediaType)) return 'gzip';
  return 'none';
}

interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

function readOci(store: BlobStore, format: 'oci-layout' | 'oci-archive'): ExportedImage {
  const index = JSON.parse(store.read('index.json').toString('utf8')) as { manifests?: OciDescriptor[] };
  let descriptor = index.manifests?.[0];
  if (!descriptor) throw new Error('the OCI index lists no image');
  let manifest = JSON.parse(store.read(blobPath(descriptor.digest)).toString('utf8')) as {
    manifests?: OciDescriptor[];
    config?: OciDescriptor;
    layers?: OciDescriptor[];
  };
  // A nested index (multi-platform): take its first manifest.
  if (manifest.manifests && !manifest.layers) {
    descriptor = manifest.manifests[0];
    manifest = JSON.parse(store.read(blobPath(descriptor.digest)).toString('utf8')) as typeof manifest;
  }
  if (!manifest.config || !manifest.layers) throw new Error('the OCI manifest has no config or layers');
  const config = JSON.parse(store.read(blobPath(manifest.config.digest)).toString('utf8')) as unknown;
  return {
    format,
    layers: manifest.layers.map((layer) => ({
      digest: layer.digest,
      storedBytes: store.size(blobPath(layer.digest)),
      compression: compressionOf(layer.mediaType ?? ''),
      open: () => store.open(blobPath(layer.digest)),
    })),
    history: parseHistory(config),
    manifestLayerSizes: manifest.layers.map((layer) => layer.size),
  };
}

function readDockerArchive(store: BlobStore): ExportedImage {
  const manifest = JSON.parse(store.read('manifest.json').toString('utf8')) as Array<{
    Config: string;
    Layers: string[];
  }>;
  const image = manifest[0];
  if (!image) throw new Error('the archive manifest lists no image');
  const config = JSON.parse(store.read(image.Config).toString('utf8')) as unknown;
  return {
    format: 'docker-archive',
    layers: image.Layers.map((path) => {
      const head = store.head(path);
      return {
        digest: path,
        storedBytes: store.size(path),
        compression:
          head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : head[0] === 0x28 && head[1] === 0xb5 ? 'zstd' : 'none',
        open: () => store.open(path),
      } satisfies ImageLayerBlob;
    }),
    history: parseHistory(config),
    manifestLayerSizes: undefined,
  };
}

/**
 * Opens an exported image: an OCI layout folder (`buildah push … oci:DIR`), an OCI archive
 * (`podman save --format oci-archive`, `buildah push … oci-archive:FILE`) or a `docker save` archive
 * (`docker save`, `podman save`, `buildah push … docker-archive:FILE`). Reads only metadata now;
 * layers are streamed later.
 */
export function openExportedImage(path: string): ExportedImage {
  if (statSync(path).isDirectory()) {
    const store = folderStore(path);
    if (store.has('index.json')) return readOci(store, 'oci-layout');
    if (store.has('manifest.json')) return readDockerArchive(store);
    throw new Error(`${path} holds neither an OCI layout (index.json) nor a docker save archive (manifest.json)`);
  }
  const store = tarStore(path);
  // docker save from Docker 25 on writes both files; manifest.json names the layers in order either way.
  if (store.has('manifest.json')) return readDockerArchive(store);
  if (store.has('index.json')) return readOci(store, 'oci-archive');
  throw new Error(`${path} is neither an OCI archive nor a docker save archive`);
}
