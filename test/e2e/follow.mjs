// Streams lines appended to a file, like `tail -f`, so the suite's progress shows
// up while it runs (a hanging test is visible before the overall timeout hits).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const POLL_MS = 200;

export function followFile(file, onLine) {
  const fd = openSync(file, 'r');
  const seen = [];
  let position = 0;
  let partial = '';
  // Keeps a multi-byte character that straddles two reads intact.
  const decoder = new StringDecoder('utf8');

  const drain = () => {
    const size = fstatSync(fd).size;
    if (size <= position) return;
    const buffer = Buffer.alloc(size - position);
    position += readSync(fd, buffer, 0, buffer.length, position);
    const lines = (partial + decoder.write(buffer)).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      seen.push(line);
      onLine(line);
    }
  };
  const timer = setInterval(drain, POLL_MS);

  return {
    /** Prints whatever is still unread, including a last line without newline. */
    stop() {
      clearInterval(timer);
      drain();
      partial += decoder.end();
      if (partial) {
        seen.push(partial);
        onLine(partial);
        partial = '';
      }
      closeSync(fd);
    },
    sawLine: (predicate) => seen.some(predicate),
  };
}
