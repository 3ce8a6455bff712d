/** One Server-Sent Event: `event:` name (`message` when absent), `id:`, and the `data:` lines joined. */
export interface ServerSentEvent { event: string; id: string | null; data: string }

/** Reads a text/event-stream body event by event (comments and `retry:` are skipped). */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event: ServerSentEvent = { event: 'message', id: null, data: '' };
  let hasData = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === '\r' ? 2 : 1));
        if (line === '') {
          if (hasData) yield event;
          event = { event: 'message', id: null, data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = val;
        else if (field === 'id') event.id = val;
        else if (field === 'data') {
          event.data = hasData ? `${event.data}\n${val}` : val;
          hasData = true;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}
