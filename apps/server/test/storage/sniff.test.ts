import { describe, expect, it } from 'vitest';
import { sniffMedia } from '@genbox/media';
import { hex, image, VIDEO_HEADS } from './fixtures.js';

describe('sniffMedia', () => {
  it.each([
    ['png', 'image/png', 'IMAGE', 'png'],
    ['jpeg', 'image/jpeg', 'IMAGE', 'jpg'],
    ['webp', 'image/webp', 'IMAGE', 'webp'],
    ['gif', 'image/gif', 'IMAGE', 'gif'],
  ] as const)('recognises a real %s image', async (format, mimeType, type, ext) => {
    expect(sniffMedia(await image(format))).toEqual({ mimeType, type, ext });
  });

  it.each([
    ['ffmpeg mp4 (isom)', VIDEO_HEADS.mp4, { mimeType: 'video/mp4', type: 'VIDEO', ext: 'mp4' }],
    ['ffmpeg webm', VIDEO_HEADS.webm, { mimeType: 'video/webm', type: 'VIDEO', ext: 'webm' }],
    ['ffmpeg mov (qt brand)', VIDEO_HEADS.mov, { mimeType: 'video/quicktime', type: 'VIDEO', ext: 'mov' }],
    ['mp4 with mp42 major brand', '00000018 66747970 6d703432 00000000 69736f6d 6d703432', { mimeType: 'video/mp4', type: 'VIDEO', ext: 'mp4' }],
    ['mp4 with avc1 major brand', '00000014 66747970 61766331 00000000 69736f6d', { mimeType: 'video/mp4', type: 'VIDEO', ext: 'mp4' }],
    ['unknown major brand listing isom', '00000018 66747970 78797a31 00000000 78797a31 69736f6d', { mimeType: 'video/mp4', type: 'VIDEO', ext: 'mp4' }],
    ['old QuickTime opening with a wide atom', '00000008 77696465 00000308 6d646174', { mimeType: 'video/quicktime', type: 'VIDEO', ext: 'mov' }],
  ])('recognises %s', (_name, head, expected) => {
    expect(sniffMedia(hex(head))).toEqual(expected);
  });

  it.each([
    ['matroska (not webm)', VIDEO_HEADS.mkv],
    ['AVIF still image', '0000001c 66747970 61766966 00000000 61766966 6d696631 6d696166'],
    ['HEIC still image', '00000018 66747970 68656963 00000000 6d696631 68656963'],
    ['3GP video', '00000014 66747970 33677034 00000000 33677034'],
    ['HTML error page', Buffer.from('<!DOCTYPE html><html><body>Expired</body></html>').toString('hex')],
    ['JSON', Buffer.from('{"error":"not found"}').toString('hex')],
    ['PDF', Buffer.from('%PDF-1.7\n').toString('hex')],
    ['truncated PNG signature', '89504e47'],
    ['RIFF WAVE audio', '52494646 24000000 57415645 666d7420'],
    ['nothing at all', ''],
  ])('refuses %s', (_name, head) => {
    expect(sniffMedia(hex(head))).toBeNull();
  });
});
