/** One Server-Sent Event as a client receives it. */
export interface SseMessage { event: string; id: string | null; data: any }

/** A Server-Sent Events client over fetch (Node has no EventSource): records messages and comments. */
export class SseReader {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType: string | null = null;
  /** The error body when the answer was not a stream. */
  error: any = null;
  ended = false;
  private readonly abort = new AbortController();
  private done!: Promise<void>;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const r = new SseReader();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: r.abort.signal });
    r.status = res.status;
    r.contentType = res.headers.get('content-type');
    if (res.status !== 200) {
      r.error = await res.json().catch(() => null);
      r.ended = true;
      r.done = Promise.resolve();
      return r;
    }
    r.done = r.read(res.body!);
    return r;
  }

  /** The sequenced (and control) events, without comments. */
  get events() { return this.messages; }

  close() {
    this.abort.abort();
  }

  /** Resolves when the server ends the stream. */
  finished(): Promise<void> {
    return this.done;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          this.parse(buf.slice(0, i));
          buf = buf.slice(i + 2);
        }
      }
    } catch { /* aborted */ }
    this.ended = true;
  }

  private parse(block: string) {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) this.messages.push({ event, id, data: JSON.parse(data.join('\n')) });
  }
}
