import { describe, expect, it } from 'vitest';
import { readEventStream } from './sse.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({ start(c) { for (const ch of chunks) c.enqueue(enc.encode(ch)); c.close(); } });
}

describe('reading a box event stream', () => {
  it('yields each event with its name, id and data, however the bytes were split', async () => {
    const text = 'retry: 3000\n\n: keep-alive\n\nevent: box.joined\nid: 4\ndata: {"box_id":"b","seq":4}\n\nevent: asset.updated\r\nid: 5\r\ndata: {"seq":5,\r\ndata: "x":1}\r\n\r\n';
    for (const size of [1, 3, 7, text.length]) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const events = [];
      for await (const e of readEventStream(streamOf(chunks))) events.push(e);
      expect(events).toEqual([
        { event: 'box.joined', id: '4', data: '{"box_id":"b","seq":4}' },
        { event: 'asset.updated', id: '5', data: '{"seq":5,\n"x":1}' },
      ]);
    }
  });
});
