import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/env.js';
import type { Signer } from '../common/signer.js';
import { CONFIG, SIGNER } from '../common/tokens.js';

export type FileVariant = 'file' | 'thumbnail';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MAX_REMEMBERED = 25_000;

/** Expiry rounded up to the hour. */
const expiryOf = (ttlMs: number) => Math.ceil((Date.now() + ttlMs) / HOUR) * HOUR;

/** One asset's signed URLs for one expiry, each signed when first asked for. */
class Remembered {
  private fileUrl?: { url: string; quoted: string };
  private thumbnailUrl?: { url: string; quoted: string };
  constructor(readonly exp: number, private readonly sign: (variant: FileVariant) => string) {}
  get file() {
    return (this.fileUrl ??= both(this.sign('file')));
  }
  get thumbnail() {
    return (this.thumbnailUrl ??= both(this.sign('thumbnail')));
  }
}
const both = (url: string) => ({ url, quoted: JSON.stringify(url) });

/**
 * Signed, expiring URLs to an asset's bytes under PUBLIC_URL, so <img> tags and providers can
 * fetch them without a token. Expiry is rounded up to the hour so a card's URL stays the same
 * (and cacheable) across updates within that hour.
 */
@Injectable()
export class FileUrls {
  constructor(
    @Inject(SIGNER) private readonly signer: Signer,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  url(assetId: string, variant: FileVariant, ttlMs = DAY): string {
    const exp = expiryOf(ttlMs);
    return ttlMs === DAY ? this.remembered(assetId, exp)[variant].url : this.sign(assetId, variant, exp);
  }

  /** url() with the default lifetime as a JSON string literal, for JSON written as text (the list page). */
  quoted(assetId: string, variant: FileVariant): string {
    return this.remembered(assetId, expiryOf(DAY))[variant].quoted;
  }

  private sign(assetId: string, variant: FileVariant, exp: number): string {
    return `${this.config.publicUrl}/api/assets/${assetId}/${variant}?exp=${exp}&sig=${this.signer.sign('file', `${assetId}:${variant}:${exp}`)}`;
  }

  /**
   * A URL stays the same for an hour, and a board lists the same assets again and again: signing
   * each once per hour instead of on every page took a list page's HMAC work away, and keeping
   * them by asset (not by a payload string built per call) took most of what was left. Bounded:
   * the oldest entries go first.
   */
  private readonly byAsset = new Map<string, Remembered>();
  private remembered(assetId: string, exp: number): Remembered {
    const known = this.byAsset.get(assetId);
    if (known && known.exp === exp) return known;
    const made = new Remembered(exp, (variant) => this.sign(assetId, variant, exp));
    if (!known && this.byAsset.size >= MAX_REMEMBERED) this.byAsset.delete(this.byAsset.keys().next().value!);
    this.byAsset.set(assetId, made);
    return made;
  }

  verify(assetId: string, variant: FileVariant, exp: string | undefined, sig: string | undefined): boolean {
    if (!exp || !sig || !/^\d+$/.test(exp) || Number(exp) < Date.now()) return false;
    return this.signer.verify('file', `${assetId}:${variant}:${exp}`, sig);
  }
}
