/** Why a registry lookup gave no size; the message ends up in the estimate's notes. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface CappedResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export type Fetch = typeof fetch;

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Aborts the request (the lookup's deadline). */
  signal: AbortSignal;
  /** Bodies larger than this are refused: a manifest is a few KB, an index tens of KB. */
  maxBytes: number;
  fetch?: Fetch;
}

/** GET with a size cap on the body; network failures and aborts become RegistryErrors. */
export async function getCapped(url: string, options: RequestOptions): Promise<CappedResponse> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, { headers: options.headers, signal: options.signal, redirect: 'follow' });
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      throw new RegistryError(`${describe(url)} answered ${declared} bytes, more than the ${options.maxBytes} allowed`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (response.body) {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        // Chunked responses carry no length: count while reading and stop at the cap.
        if (total > options.maxBytes) {
          await reader.cancel();
          throw new RegistryError(`${describe(url)} answered more than the ${options.maxBytes} bytes allowed`);
        }
        chunks.push(Buffer.from(value));
      }
    }
    return { status: response.status, headers: response.headers, body: Buffer.concat(chunks) };
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    if (options.signal.aborted) throw new RegistryError(`${describe(url)} did not answer in time`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RegistryError(
      `cannot reach ${describe(url)}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
}

/** The host of a URL, for messages that must not echo query strings (tokens, scopes). */
export function describe(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the registry';
  }
}
