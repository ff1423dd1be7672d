import { createGzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readTarStream } from './tar';
import type { TarEntry } from './tar';
import type { ExportedImage } from './image';

/** What one layer of a built image really holds. */
export interface MeasuredLayer {
  digest: string;
  /** Bytes to pull: the compressed blob (gzip-compressed here at level 6 when the archive stored plain tar). */
  compressedBytes: number;
  compressedBy: 'archive' | 'gzip-6';
  /** Bytes of the regular files the layer writes (what it adds to the disk). */
  diskBytes: number;
  filesAdded: number;
  filesChanged: number;
  filesRemoved: number;
}

/** Bytes a layer added that a later layer deleted or overwrote: shipped, but never seen at run time. */
export interface WastedBytes {
  /** The path removed or overwritten (a folder when a whole folder was removed). */
  path: string;
  bytes: number;
  /** Index of the layer that added the bytes. */
  addedLayer: number;
  /** Index of the layer that removed or overwrote them. */
  removedLayer: number;
  how: 'removed' | 'overwritten';
}

export interface LayerAnalysis {
  layers: MeasuredLayer[];
  /** Biggest first. */
  waste: WastedBytes[];
  wastedBytes: number;
  /** Sum of the layers' on-disk bytes (each copy of an overwritten file counted). */
  totalDiskBytes: number;
  /** Share of the layers' bytes still visible in the final filesystem: 1 − wasted / total (dive's score). */
  efficiency: number;
}

interface FileState {
  bytes: number;
  layer: number;
}

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/** The merged filesystem of the layers read so far: files with their size and layer, folders as a tree. */
class MergedFilesystem {
  readonly files = new Map<string, FileState>();
  private readonly children = new Map<string, Set<string>>();

  private link(path: string): void {
    for (let child = path; child !== '';) {
      const slash = child.lastIndexOf('/');
      const parent = slash === -1 ? '' : child.slice(0, slash);
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      if (set.has(child)) return;
      set.add(child);
      child = parent;
    }
  }

  has(path: string): boolean {
    return this.files.has(path) || this.children.has(path);
  }

  set(path: string, state: FileState): void {
    this.files.set(path, state);
    this.link(path);
  }

  /** Removes a path and everything below it; returns the files removed. */
  remove(path: string, removeSelf = true): Array<[string, FileState]> {
    const removed: Array<[string, FileState]> = [];
    const stack = removeSelf ? [path] : [...(this.children.get(path) ?? [])];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      const file = this.files.get(current);
      if (file) {
        removed.push([current, file]);
        this.files.delete(current);
      }
      const below = this.children.get(current);
      if (below) {
        stack.push(...below);
        this.children.delete(current);
      }
      const slash = current.lastIndexOf('/');
      this.children.get(slash === -1 ? '' : current.slice(0, slash))?.delete(current);
    }
    if (!removeSelf) this.children.delete(path);
    return removed;
  }
}

async function countGzipBytes(stream: Readable): Promise<number> {
  let bytes = 0;
  const gzip = createGzip({ level: 6 });
  await new Promise<void>((resolvePromise, reject) => {
    stream.on('error', reject);
    gzip.on('error', reject);
    gzip.on('data', (chunk: Buffer) => (bytes += chunk.length));
    gzip.on('end', () => resolvePromise());
    stream.pipe(gzip);
  });
  return bytes;
}

/**
 * Reads every layer of an exported image, base first, and computes what each adds, changes and
 * removes (OCI whiteouts: `.wh.<name>` removes a path, `.wh..wh..opq` empties a folder of what lower
 * layers put there), and the bytes added by one layer and removed or overwritten by a later one.
 */
export async function analyzeLayers(image: ExportedImage): Promise<LayerAnalysis> {
  const filesystem = new MergedFilesystem();
  const layers: MeasuredLayer[] = [];
  const wasteByKey = new Map<string, WastedBytes>();
  const addWaste = (path: string, state: FileState, removedLayer: number, how: WastedBytes['how']) => {
    if (state.bytes === 0) return;
    const key = `${path}\0${state.layer}\0${removedLayer}`;
    const entry = wasteByKey.get(key);
    if (entry) entry.bytes += state.bytes;
    else wasteByKey.set(key, { path, bytes: state.bytes, addedLayer: state.layer, removedLayer, how });
  };

  for (const [index, blob] of image.layers.entries()) {
    if (blob.compression === 'zstd')
      throw new Error(`layer ${blob.digest} is zstd-compressed, which LayerLens cannot read yet; export with gzip`);
    const entries: TarEntry[] = [];
    const counting = blob.compression === 'none' ? countGzipBytes(blob.open()) : Promise.resolve(blob.storedBytes);
    await readTarStream(blob.open(), (entry) => entries.push(entry), { gzip: blob.compression === 'gzip' });
    const compressedBytes = await counting;

    // Whiteouts apply to the layers below, so they go first; the layer's own files then land on top.
    let filesRemoved = 0;
    for (const entry of entries) {
      const slash = entry.path.lastIndexOf('/');
      const dir = slash === -1 ? '' : entry.path.slice(0, slash);
      const name = entry.path.slice(slash + 1);
      if (!name.startsWith(whiteoutPrefix)) continue;
      const opaque = name === opaqueMarker;
      const target = opaque ? dir : `${dir === '' ? '' : `${dir}/`}${name.slice(whiteoutPrefix.length)}`;
      const removed = filesystem.remove(target, !opaque);
      filesRemoved += removed.length;
      for (const [, state] of removed) addWaste(target, state, index, 'removed');
    }
    let diskBytes = 0;
    let filesAdded = 0;
    let filesChanged = 0;
    for (const entry of entries) {
      if (entry.path.slice(entry.path.lastIndexOf('/') + 1).startsWith(whiteoutPrefix)) continue;
      if (entry.kind === 'directory') {
        // A folder replacing a file removes the file; a folder over a folder merges.
        const existing = filesystem.files.get(entry.path);
        if (existing) {
          addWaste(entry.path, existing, index, 'overwritten');
          filesystem.remove(entry.path);
        }
        continue;
      }
      const bytes = entry.kind === 'file' ? entry.size : 0;
      diskBytes += bytes;
      const existing = filesystem.files.get(entry.path);
      if (existing) {
        filesChanged++;
        addWaste(entry.path, existing, index, 'overwritten');
      } else if (filesystem.has(entry.path)) {
        // A file replacing a folder removes the folder and what it held.
        for (const [, state] of filesystem.remove(entry.path)) addWaste(entry.path, state, index, 'overwritten');
        filesChanged++;
      } else filesAdded++;
      filesystem.set(entry.path, { bytes, layer: index });
    }
    layers.push({
      digest: blob.digest,
      compressedBytes,
      compressedBy: blob.compression === 'none' ? 'gzip-6' : 'archive',
      diskBytes,
      filesAdded,
      filesChanged,
      filesRemoved,
    });
  }
  const waste = [...wasteByKey.values()].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const wastedBytes = waste.reduce((sum, entry) => sum + entry.bytes, 0);
  const totalDiskBytes = layers.reduce((sum, layer) => sum + layer.diskBytes, 0);
  return {
    layers,
    waste,
    wastedBytes,
    totalDiskBytes,
    efficiency: totalDiskBytes === 0 ? 1 : 1 - wastedBytes / totalDiskBytes,
  };
}
