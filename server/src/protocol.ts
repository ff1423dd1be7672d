// The custom LSP messages that the client and the server share. The client imports this file (only this
// file of the server; .dependency-cruiser.cjs checks that), so it imports nothing itself.

/** The shipped image's size for the status bar: request `{ textDocument: { uri } }` → SizeStatus | null. */
export const sizeStatusRequest = 'layerlens/sizeStatus';

export interface SizeStatusParams {
  textDocument: { uri: string };
}

export interface SizeStatus {
  /** The shipped stage's on-disk figure with its interval: `≈ 142 MB (130–150)`, `≥ 38 MB`, `unknown`. */
  text: string;
  /** Markdown: every stage's figures, and how sure they are. */
  tooltip: string;
  /** The shipped stage (its breakdown opens on a click) and the 0-based line of its FROM. */
  stage: number;
  fromLine: number;
}

/**
 * Sent by the server when the sizes it estimated may have changed without an edit (the build context was
 * read, a registry answered, settings changed, an image was measured): the client asks again.
 */
export const sizesChangedNotification = 'layerlens/sizesChanged';
