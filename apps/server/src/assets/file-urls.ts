import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/env.js';
import type { Signer } from '../common/signer.js';
import { CONFIG, SIGNER } from '../common/tokens.js';

export type FileVariant = 'file' | 'thumbnail';
const HOUR = 3600_000;
const MAX_REMEMBERED = 50_000;

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

  url(assetId: string, variant: FileVariant, ttlMs = 24 * HOUR): string {
    const exp = Math.ceil((Date.now() + ttlMs) / HOUR) * HOUR;
    const payload = `${assetId}:${variant}:${exp}`;
    return this.signed.get(payload) ?? this.remember(payload, `${this.config.publicUrl}/api/assets/${assetId}/${variant}?exp=${exp}&sig=${this.signer.sign('file', payload)}`);
  }

  /**
   * A URL stays the same for an hour, and a board lists the same assets again and again: signing
   * each once per hour instead of on every page took a list page's HMAC work away. Bounded: the
   * oldest entries go first.
   */
  private readonly signed = new Map<string, string>();
  private remember(payload: string, url: string): string {
    if (this.signed.size >= MAX_REMEMBERED) this.signed.delete(this.signed.keys().next().value!);
    this.signed.set(payload, url);
    return url;
  }

  verify(assetId: string, variant: FileVariant, exp: string | undefined, sig: string | undefined): boolean {
    if (!exp || !sig || !/^\d+$/.test(exp) || Number(exp) < Date.now()) return false;
    return this.signer.verify('file', `${assetId}:${variant}:${exp}`, sig);
  }
}
