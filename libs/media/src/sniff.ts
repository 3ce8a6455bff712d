export type MediaType = 'IMAGE' | 'VIDEO';

export interface SniffedMedia {
  mimeType: string;
  type: MediaType;
  /** File extension without the dot, for storage keys and downloads. */
  ext: string;
}

/** Bytes sniffMedia() wants to see; fewer is fine for short files. Matches what `file-type` reads. */
export const SNIFF_BYTES = 4100;

const PNG: SniffedMedia = { mimeType: 'image/png', type: 'IMAGE', ext: 'png' };
const JPEG: SniffedMedia = { mimeType: 'image/jpeg', type: 'IMAGE', ext: 'jpg' };
const WEBP: SniffedMedia = { mimeType: 'image/webp', type: 'IMAGE', ext: 'webp' };
const GIF: SniffedMedia = { mimeType: 'image/gif', type: 'IMAGE', ext: 'gif' };
const MP4: SniffedMedia = { mimeType: 'video/mp4', type: 'VIDEO', ext: 'mp4' };
const WEBM: SniffedMedia = { mimeType: 'video/webm', type: 'VIDEO', ext: 'webm' };
const MOV: SniffedMedia = { mimeType: 'video/quicktime', type: 'VIDEO', ext: 'mov' };

/** ISO-BMFF brands that mean an MP4 video (not HEIC/AVIF stills, not 3GP). */
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'iso8', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'M4VH', 'M4VP', 'mmp4', 'msnv', 'f4v ', 'XAVC', 'MSNV']);
/** Still-image brands: their compatible-brand lists may mention `iso8`/`mif1`, but they are not videos. */
const STILL_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis']);
/** Top-level atoms that open a QuickTime file written without an `ftyp` (older cameras and encoders). */
const QT_ATOMS = new Set(['moov', 'mdat', 'wide']);

/** What a file is from its first bytes (up to SNIFF_BYTES), or null when it is none of the media Genbox keeps. */
export function sniffMedia(head: Buffer): SniffedMedia | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return JPEG;
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return GIF;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return WEBP;
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ebmlDocType(head) === 'webm' ? WEBM : null;
  if (ascii(head, 4, 4) === 'ftyp') return isoBrand(head);
  if (head.length >= 8 && QT_ATOMS.has(ascii(head, 4, 4))) return MOV;
  return null;
}

function isoBrand(head: Buffer): SniffedMedia | null {
  const major = ascii(head, 8, 4);
  if (major === 'qt  ') return MOV;
  if (STILL_BRANDS.has(major)) return null;
  if (MP4_BRANDS.has(major)) return MP4;
  // Unknown major brand: fall back on the compatible brands listed after the minor version.
  const boxSize = Math.min(head.readUInt32BE(0), head.length);
  for (let at = 16; at + 4 <= boxSize; at += 4) {
    const brand = ascii(head, at, 4);
    if (STILL_BRANDS.has(brand)) return null;
    if (MP4_BRANDS.has(brand)) return MP4;
  }
  return null;
}

/** Reads the DocType ("webm", "matroska") from the EBML header that opens a Matroska file. */
function ebmlDocType(head: Buffer): string | null {
  const headerSize = vint(head, 4);
  if (!headerSize) return null;
  let at = 4 + headerSize.length;
  const end = Math.min(head.length, at + headerSize.value);
  while (at + 2 < end) {
    const id = head.readUInt16BE(at); // the header's child IDs are all two bytes long
    const size = vint(head, at + 2);
    if (!size) return null;
    const dataAt = at + 2 + size.length;
    if (id === 0x4282) return ascii(head, dataAt, size.value).replace(/\0+$/, '');
    at = dataAt + size.value;
  }
  return null;
}

/** An EBML variable-length integer: the count of leading zero bits in the first byte gives its length. */
function vint(buf: Buffer, at: number): { value: number; length: number } | null {
  if (at >= buf.length) return null;
  const first = buf[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8 || at + length > buf.length) return null;
  let value = first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + buf[at + i]!;
  return { value, length };
}

const startsWith = (buf: Buffer, bytes: number[]): boolean => buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
const ascii = (buf: Buffer, at: number, len: number): string => (buf.length >= at + len ? buf.toString('latin1', at, at + len) : '');
