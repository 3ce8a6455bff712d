import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BoxesModule } from '../boxes/boxes.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AssetMapper } from './asset.mapper.js';
import { AssetNotifier } from './asset.notifier.js';
import { AssetStatusWriter } from './asset-status.writer.js';
import { AssetsController } from './assets.controller.js';
import { AssetListRepository } from './asset-list.repository.js';
import { BatchesRepository } from './batches.repository.js';
import { AssetsRepository } from './assets.repository.js';
import { AssetsService } from './assets.service.js';
import { FileDeliveryService } from './file-delivery.service.js';
import { FileUrls } from './file-urls.js';
import { ResumableUploadService } from './resumable-upload.service.js';
import { ResumableUploadSweeper } from './resumable-upload.sweeper.js';
import { ResumableUploadsController } from './resumable-uploads.controller.js';
import { ResumableUploadsRepository } from './resumable-uploads.repository.js';

/** Assets: rows, uploads, their files and signed URLs, and the events their changes send. */
@Module({
  imports: [AuthModule, BoxesModule, RealtimeModule],
  providers: [AssetsRepository, AssetListRepository, AssetMapper, AssetNotifier, AssetStatusWriter, FileUrls, AssetsService, FileDeliveryService, ResumableUploadsRepository, ResumableUploadService, BatchesRepository],
  exports: [AssetsRepository, BatchesRepository, AssetStatusWriter, FileUrls, AssetsService, FileDeliveryService, ResumableUploadService, ResumableUploadsRepository],
})
export class AssetsModule {}

/** What workers do for assets: the sweep of expired resumable uploads (ROLE=worker|all). */
@Module({
  imports: [AssetsModule],
  providers: [ResumableUploadSweeper],
})
export class AssetsWorkerModule {}

/** Asset routes: list, upload (plain and resumable), read, delete, file bytes (ROLE=api|all). */
@Module({
  imports: [AssetsModule],
  controllers: [AssetsController, ResumableUploadsController],
})
export class AssetsApiModule {}
