// Reads the figures scripts/data-images.ts needs from a docker-library/repo-info record
// (repos/<image>/remote/<tag>.md): the amd64 section's total pull size, or the sum of its first layers,
// and when the image was built.

export interface RepoInfoFigure {
  compressedBytes: number;
  /** `Fri, 31 Jul 2026`: the last history entry's date, or the last counted layer's Last Modified date. */
  built: string;
}

/**
 * The figure of the record's first amd64 section (`### \`name:tag\` - linux; amd64` or a Windows
 * `- windows version …; amd64`). `layers`: `all` for the section's Total Size, `1-N` for the sum of its
 * first N layers (a base image under an image built FROM it). Throws when the record has no such section.
 */
export function parseRepoInfoRecord(text: string, layers = 'all'): RepoInfoFigure {
  const sections = text.split(/^### /m).slice(1);
  const section = sections.find((candidate) => /^`[^`]+` - (linux|windows[^;\n]*); amd64\s*$/m.test(candidate));
  if (!section) throw new Error('no amd64 section in the record');
  const dates = [...section.matchAll(/^# (\w{3}, \d\d \w{3} \d{4}) \d\d:\d\d:\d\d GMT$/gm)].map((match) => match[1]);
  if (layers === 'all') {
    const total = /Total Size: \*\*[^(]*\((\d+) bytes\)\*\*/.exec(section);
    if (!total) throw new Error('no Total Size in the amd64 section');
    return { compressedBytes: Number(total[1]), built: dates.at(-1) ?? '' };
  }
  const range = /^1-(\d+)$/.exec(layers);
  if (!range) throw new Error(`layers must be "all" or "1-N", not ${layers}`);
  const count = Number(range[1]);
  const layerEntries = [
    ...section.matchAll(
      /Last Modified: (\w{3}, \d\d \w{3} \d{4}) [^\n]*\n\s*Size: [^\n(]*?(?:\((\d+) bytes\)|([\d.]+) B)/g,
    ),
  ].map((match) => ({ modified: match[1], bytes: Number(match[2] ?? match[3]) }));
  if (layerEntries.length < count)
    throw new Error(`the amd64 section lists ${layerEntries.length} layers, not ${count}`);
  const counted = layerEntries.slice(0, count);
  return {
    compressedBytes: counted.reduce((sum, layer) => sum + layer.bytes, 0),
    built: counted.at(-1)?.modified ?? '',
  };
}
