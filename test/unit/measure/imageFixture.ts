import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A member to write: a file with content, a folder, a symlink or a hard link. */
export interface FixtureEntry {
  path: string;
  content?: string | Buffer;
  kind?: 'file' | 'directory' | 'symlink' | 'hardlink';
  linkTarget?: string;
}

function header(name: string, size: number, type: string, linkTarget: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('00000000000\0', 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write(linkTarget, 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

const pad = (length: number) => Buffer.alloc((512 - (length % 512)) % 512);

/** Writes a ustar archive; names over 100 bytes get a PAX `path` record, as Go's archive/tar writes them. */
export function makeTar(entries: FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const kind = entry.kind ?? 'file';
    const content = kind === 'file' ? Buffer.from(entry.content ?? '') : Buffer.alloc(0);
    const type = { file: '0', directory: '5', symlink: '2', hardlink: '1' }[kind];
    let name = kind === 'directory' ? `${entry.path}/` : entry.path;
    if (Buffer.byteLength(name) > 100) {
      const record = (body: string) => {
        // The length prefix counts itself.
        let length = body.length + 3;
        while (`${length} ${body}\n`.length !== length) length = `${length} ${body}\n`.length;
        return `${length} ${body}\n`;
      };
      const pax = Buffer.from(record(`path=${name}`));
      parts.push(header('PaxHeader', pax.length, 'x', ''), pax, pad(pax.length));
      name = name.slice(0, 99);
    }
    parts.push(header(name, content.length, type, entry.linkTarget ?? ''), content, pad(content.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface FixtureLayer {
  entries: FixtureEntry[];
  createdBy: string;
}

/**
 * Writes an OCI image layout (gzip layers, manifest sizes, config history) into a new temporary folder,
 * as `buildah push … oci:DIR` does; `emptyHistory` entries are interleaved after the layer at their index.
 */
export function makeOciLayout(
  layers: FixtureLayer[],
  emptyHistory: Array<{ after: number; createdBy: string }> = [],
): { dir: string; layerBlobs: Buffer[] } {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-oci-'));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const writeBlob = (bytes: Buffer) => {
    const digest = digestOf(bytes);
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const layerBlobs = layers.map((layer) => gzipSync(makeTar(layer.entries)));
  const history: Array<{ created_by: string; empty_layer?: boolean }> = [];
  for (const [index, layer] of layers.entries()) {
    history.push({ created_by: layer.createdBy });
    for (const empty of emptyHistory.filter((entry) => entry.after === index))
      history.push({ created_by: empty.createdBy, empty_layer: true });
  }
  const config = writeBlob(
    Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history }),
    ),
  );
  const manifest = writeBlob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layerBlobs.map((blob) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          ...writeBlob(blob),
        })),
      }),
    ),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
  return { dir, layerBlobs };
}

/** The same image as a `docker save` archive: manifest.json, the config, uncompressed layer tars. */
export function makeDockerArchive(layers: FixtureLayer[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-docker-'));
  const tars = layers.map((layer) => makeTar(layer.entries));
  const config = Buffer.from(JSON.stringify({ history: layers.map((layer) => ({ created_by: layer.createdBy })) }));
  const configName = `${digestOf(config).slice(7)}.json`;
  const layerNames = tars.map((tar) => `${digestOf(tar).slice(7)}/layer.tar`);
  const manifest = Buffer.from(
    JSON.stringify([{ Config: configName, RepoTags: ['fixture:latest'], Layers: layerNames }]),
  );
  const archive = makeTar([
    { path: 'manifest.json', content: manifest },
    { path: configName, content: config },
    ...tars.flatMap((tar, index) => [
      { path: layerNames[index].split('/')[0], kind: 'directory' as const },
      { path: layerNames[index], content: tar },
    ]),
  ]);
  const file = join(dir, 'image.tar');
  writeFileSync(file, archive);
  return file;
}
