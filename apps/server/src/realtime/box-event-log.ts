import type { Redis } from 'ioredis';

/** Entries kept per box for resuming (Last-Event-ID); older ones are trimmed, and a resume from before them resyncs. */
export const EVENT_LOG_LENGTH = 2000;
/** How long a box's log outlives its last event, in seconds. */
const EVENT_LOG_TTL_S = 7 * 24 * 3600;
/** How long an event waits for its predecessor (published late by another process, or never), in ms. */
export const ORDER_HOLD_MS = 1000;

/** Redis keys of one box's event log; the hash tag keeps them on one cluster slot. */
export const boxEventKeys = (prefix: string, boxId: string) => ({
  stream: `${prefix}:box-events:{${boxId}}`,
  pending: `${prefix}:box-pending:{${boxId}}`,
  /** Pub/sub channel with every released event as JSON `[seq, name, data]`, for the SSE endpoint. */
  live: `${prefix}:box-live:{${boxId}}`,
});

/** One event ready to leave: the socket.io adapter message (already encoded) and the SSE form. */
export interface OutgoingEvent {
  seq: number;
  name: string;
  /** JSON of the payload */
  data: string;
  socketChannel: string;
  socketMessage: Buffer;
}

/**
 * Releases a box's events strictly in seq order, atomically, in Redis. Changes are committed by
 * any process and published after commit, so seq n+1 can reach Redis before n: it is then held
 * until n arrives, or until ORDER_HOLD_MS pass (n's publisher died, or a change bumped the seq
 * without an event; clients see the gap and refetch). An event older than one already released
 * is dropped: clients would ignore it anyway. Releasing one event = PUBLISH to the socket.io
 * adapter's channel, XADD to the box's log with id `<seq>-0`, PUBLISH to the live channel.
 *
 * KEYS: stream, pending. ARGV: seq (0 = only release what waited too long), hold ms, maxlen, ttl s,
 * live channel, then for seq > 0: name, data, socket channel, socket message.
 * Returns [how many events still wait, the seq already out when this one came too late (else 0),
 * how many seqs were given up on].
 */
const SCRIPT = `
local stream, pending = KEYS[1], KEYS[2]
local seq, hold, maxlen, ttl, live = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function top()
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if #last == 0 then return nil end
  return tonumber(string.match(last[1][1], '^(%d+)'))
end
local function release(s, e)
  redis.call('PUBLISH', e[3], e[4])
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, s .. '-0', 'name', e[1], 'data', e[2])
  redis.call('PUBLISH', live, cjson.encode({ s, e[1], e[2] }))
end

local last = top()
local dropped, skipped = 0, 0
if seq > 0 then
  local e = { ARGV[6], ARGV[7], ARGV[8], ARGV[9] }
  if last == nil or seq == last + 1 then
    release(seq, e)
    last = seq
  elseif seq > last then
    redis.call('HSET', pending, seq, cmsgpack.pack({ now, e }))
  else
    dropped = last
  end
end

while last ~= nil do
  local nxt = redis.call('HGET', pending, last + 1)
  if nxt then
    release(last + 1, cmsgpack.unpack(nxt)[2])
    redis.call('HDEL', pending, last + 1)
    last = last + 1
  else
    local min = nil
    for _, f in ipairs(redis.call('HKEYS', pending)) do
      local s = tonumber(f)
      if s <= last then redis.call('HDEL', pending, f)
      elseif min == nil or s < min then min = s end
    end
    if min == nil then break end
    local held = cmsgpack.unpack(redis.call('HGET', pending, min))
    if now - held[1] < hold then break end
    skipped = skipped + (min - last - 1)
    release(min, held[2])
    redis.call('HDEL', pending, min)
    last = min
  end
end

redis.call('EXPIRE', stream, ttl)
local waiting = redis.call('HLEN', pending)
if waiting > 0 then redis.call('EXPIRE', pending, ttl) end
return { waiting, dropped, skipped }
`;

type Publish = (stream: string, pending: string, ...args: (string | number | Buffer)[]) => Promise<[number, number, number]>;

/** The script above, bound to one Redis connection. */
export class OrderedBoxLog {
  private readonly run: Publish;
  private readonly flushTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly warn: (msg: string) => void) {
    if (!(redis as unknown as Record<string, unknown>).genboxPublishOrdered) redis.defineCommand('genboxPublishOrdered', { numberOfKeys: 2, lua: SCRIPT });
    const bound = (redis as unknown as Record<string, Publish>).genboxPublishOrdered!;
    this.run = bound.bind(redis);
  }

  publish(boxId: string, e: OutgoingEvent): void {
    const k = boxEventKeys(this.prefix, boxId);
    this.run(k.stream, k.pending, e.seq, ORDER_HOLD_MS, EVENT_LOG_LENGTH, EVENT_LOG_TTL_S, k.live, e.name, e.data, e.socketChannel, e.socketMessage)
      .then(([waiting, dropped, skipped]) => {
        if (dropped) this.warn(`box ${boxId}: event ${e.seq} (${e.name}) came after ${dropped} had gone out; dropped`);
        if (skipped) this.warn(`box ${boxId}: gave up waiting for ${skipped} event(s) before ${e.seq}`);
        this.scheduleFlush(boxId, waiting);
      }, (err: Error) => this.warn(`box ${boxId}: publishing event ${e.seq} failed: ${err.message}`));
  }

  /** Something waits for a predecessor: come back once it has waited long enough. */
  private scheduleFlush(boxId: string, waiting: number) {
    if (waiting === 0 || this.flushTimers.has(boxId)) return;
    const timer = setTimeout(() => {
      this.flushTimers.delete(boxId);
      const k = boxEventKeys(this.prefix, boxId);
      this.run(k.stream, k.pending, 0, ORDER_HOLD_MS, EVENT_LOG_LENGTH, EVENT_LOG_TTL_S, k.live).then(([waiting, , skipped]) => {
        if (skipped) this.warn(`box ${boxId}: gave up waiting for ${skipped} event(s)`);
        this.scheduleFlush(boxId, waiting);
      }, (err: Error) => this.warn(`box ${boxId}: releasing held events failed: ${err.message}`));
    }, ORDER_HOLD_MS + 50);
    timer.unref();
    this.flushTimers.set(boxId, timer);
  }

  close() {
    for (const t of this.flushTimers.values()) clearTimeout(t);
    this.flushTimers.clear();
  }
}
