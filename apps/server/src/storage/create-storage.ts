import { LocalStorageDriver } from './local.driver.js';
import { S3StorageDriver, type S3StorageConfig } from './s3.driver.js';
import type { StorageDriver } from './storage.port.js';

export interface StorageConfig {
  storage: 'local' | 's3';
  /** Root folder of the local driver. */
  dataDir: string;
  s3: S3StorageConfig;
}

/** Builds the configured driver and makes it ready: data dir created, or bucket checked (created when `s3.createBucket`). */
export async function createStorage(cfg: StorageConfig): Promise<StorageDriver> {
  if (cfg.storage === 's3') {
    const driver = new S3StorageDriver(cfg.s3);
    await driver.init();
    return driver;
  }
  const driver = new LocalStorageDriver(cfg.dataDir);
  await driver.init();
  return driver;
}
