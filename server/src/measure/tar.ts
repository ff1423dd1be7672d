import { closeSync, openSync, readSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

/** One member of a tar archive, as the layer analysis needs it: name, kind, size, link target. */
export interface TarEntry {
  /** Path without a leading `./` or `/` and without a trailing `/`. */
  path: string;
  kind: 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';
  /** Bytes of content (0 for everything but regular files). */
  size: number;
  linkTarget: string;
  mode: number;
}

const block = 512;

/** Normalises a member name the way image layers are compared: no `./`, no leading or trailing `/`. */
export function normalizeTarPath(name: string): string {
  let path = name.replace(/\/+$/, '');
  while (path.startsWith('./')) path = path.slice(2);
  path = path.replace(/^\/+/, '');
  return path === '.' ? '' : path;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function numeric(header: Buffer, start: number, length: number): number {
  // Sizes over 8 GiB use the GNU base-256 form: high bit set, big-endian binary.
  if (header[start] & 0x80) {
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i];
    return value;
  }
  const text = field(header, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(body.subarray(offset, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = body.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

const kinds: Record<string, TarEntry['kind']> = {
  '0': 'file',
  '\0': 'file',
  '': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '5': 'directory',
};

/**
 * A streaming tar reader: feed it chunks, it calls back with each member's header (and, when asked
 * for, its content). Handles ustar prefixes, PAX extended headers and GNU long names and links.
 */
export class TarParser {
  private buffered: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private current:
    | { entry: TarEntry; chunks: Buffer[] | undefined; internal?: 'pax' | 'globalPax' | 'longName' | 'longLink' }
    | undefined;
  private pax = new Map<string, string>();
  private longName: string | undefined;
  private longLink: string | undefined;
  private ended = false;

  constructor(
    private readonly onEntry: (entry: TarEntry) => void,
    /** Members whose content is wanted (small metadata files); the rest is skipped. */
    private readonly wantContent: (entry: TarEntry) => boolean = () => false,
    private readonly onContent: (entry: TarEntry, content: Buffer) => void = () => undefined,
  ) {}

  write(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let offset = 0;
    while (!this.ended) {
      if (this.current) {
        const take = Math.min(this.remaining, this.buffered.length - offset);
        if (this.current.chunks && take > 0) this.current.chunks.push(this.buffered.subarray(offset, offset + take));
        offset += take;
        this.remaining -= take;
        if (this.remaining > 0) break;
        const skip = Math.min(this.padding, this.buffered.length - offset);
        offset += skip;
        this.padding -= skip;
        if (this.padding > 0) break;
        this.finishMember();
        continue;
      }
      if (this.buffered.length - offset < block) break;
      const header = this.buffered.subarray(offset, offset + block);
      offset += block;
      if (header.every((byte) => byte === 0)) {
        // Two zero blocks end the archive; one is enough to stop reading.
        this.ended = true;
        break;
      }
      this.startMember(header);
    }
    this.buffered = this.buffered.subarray(offset);
  }

  private startMember(header: Buffer): void {
    const type = String.fromCharCode(header[156]);
    const size = numeric(header, 124, 12);
    const prefix = field(header, 345, 155);
    const rawName = field(header, 0, 100);
    const name = header.subarray(257, 262).toString('ascii') === 'ustar' && prefix ? `${prefix}/${rawName}` : rawName;
    const entry: TarEntry = {
      path: normalizeTarPath(this.pax.get('path') ?? this.longName ?? name),
      kind: kinds[type] ?? 'other',
      size: Number(this.pax.get('size') ?? size),
      linkTarget: this.pax.get('linkpath') ?? this.longLink ?? field(header, 157, 100),
      mode: numeric(header, 100, 8),
    };
    const internal =
      type === 'x'
        ? 'pax'
        : type === 'g'
          ? 'globalPax'
          : type === 'L'
            ? 'longName'
            : type === 'K'
              ? 'longLink'
              : undefined;
    if (!internal) {
      this.pax = new Map();
      this.longName = undefined;
      this.longLink = undefined;
      if (entry.kind !== 'file') entry.size = entry.kind === 'other' ? 0 : entry.size;
      this.onEntry(entry);
    }
    // The content length in the archive is the header's, even when a PAX record overrides it for the member.
    const stored = internal ? size : entry.kind === 'file' ? entry.size : size;
    this.remaining = stored;
    this.padding = (block - (stored % block)) % block;
    const keep = internal !== undefined || this.wantContent(entry);
    this.current = { entry, chunks: keep ? [] : undefined, internal };
    if (stored === 0 && this.padding === 0) {
      this.finishMember();
    }
  }

  private finishMember(): void {
    const current = this.current;
    this.current = undefined;
    if (!current?.chunks) return;
    const content = Buffer.concat(current.chunks);
    if (current.internal === 'pax') this.pax = parsePax(content);
    else if (current.internal === 'longName') this.longName = content.toString('utf8').replace(/\0+$/, '');
    else if (current.internal === 'longLink') this.longLink = content.toString('utf8').replace(/\0+$/, '');
    else if (current.internal === undefined) this.onContent(current.entry, content);
  }

  /** True when the end-of-archive marker was read. */
  get done(): boolean {
    return this.ended;
  }
}

/** Gzip's magic number: the layer is compressed. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Reads every member header of a (possibly gzip-compressed) tar stream. */
export async function readTarStream(
  stream: Readable,
  onEntry: (entry: TarEntry) => void,
  options: {
    gzip: boolean;
    wantContent?: (entry: TarEntry) => boolean;
    onContent?: (entry: TarEntry, content: Buffer) => void;
  } = {
    gzip: false,
  },
): Promise<{ uncompressedBytes: number }> {
  const parser = new TarParser(onEntry, options.wantContent, options.onContent);
  const source = options.gzip ? stream.pipe(createGunzip()) : stream;
  let uncompressedBytes = 0;
  await new Promise<void>((resolvePromise, reject) => {
    stream.on('error', reject);
    source.on('error', reject);
    source.on('data', (chunk: Buffer) => {
      uncompressedBytes += chunk.length;
      try {
        parser.write(chunk);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    source.on('end', () => resolvePromise());
  });
  return { uncompressedBytes };
}

/** Where each member of an uncompressed tar file lies, for reading members without unpacking. */
export interface TarIndexEntry {
  path: string;
  offset: number;
  size: number;
  kind: TarEntry['kind'];
  linkTarget: string;
}

/**
 * Indexes an uncompressed tar file (`docker save`, `podman save`, an oci-archive) by reading only its
 * headers, so layers of gigabyte archives are streamed from their offsets instead of held in memory.
 */
export function indexTarFile(file: string): Map<string, TarIndexEntry> {
  const index = new Map<string, TarIndexEntry>();
  const descriptor = openSync(file, 'r');
  try {
    const header = Buffer.alloc(block);
    let offset = 0;
    let pax = new Map<string, string>();
    let longName: string | undefined;
    for (;;) {
      if (readSync(descriptor, header, 0, block, offset) < block) break;
      if (header.every((byte) => byte === 0)) break;
      const type = String.fromCharCode(header[156]);
      const size = numeric(header, 124, 12);
      const dataOffset = offset + block;
      offset = dataOffset + Math.ceil(size / block) * block;
      if (type === 'x' || type === 'L') {
        const body = Buffer.alloc(size);
        readSync(descriptor, body, 0, size, dataOffset);
        if (type === 'x') pax = parsePax(body);
        else longName = body.toString('utf8').replace(/\0+$/, '');
        continue;
      }
      if (type === 'g' || type === 'K') continue;
      const prefix = field(header, 345, 155);
      const rawName = field(header, 0, 100);
      const name = header.subarray(257, 262).toString('ascii') === 'ustar' && prefix ? `${prefix}/${rawName}` : rawName;
      const path = normalizeTarPath(pax.get('path') ?? longName ?? name);
      index.set(path, {
        path,
        offset: dataOffset,
        size: Number(pax.get('size') ?? size),
        kind: kinds[type] ?? 'other',
        linkTarget: pax.get('linkpath') ?? field(header, 157, 100),
      });
      pax = new Map();
      longName = undefined;
    }
  } finally {
    closeSync(descriptor);
  }
  return index;
}

/** The bytes of one member of an indexed tar file. */
export function readTarMember(file: string, entry: TarIndexEntry): Buffer {
  const descriptor = openSync(file, 'r');
  try {
    const body = Buffer.alloc(entry.size);
    readSync(descriptor, body, 0, entry.size, entry.offset);
    return body;
  } finally {
    closeSync(descriptor);
  }
}

/** A stream of one member of an indexed tar file. */
export function streamTarMember(file: string, entry: TarIndexEntry): Readable {
  if (entry.size === 0) return Readable.from([]);
  return createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
}
