import { Controller, Delete, Head, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import type { ResumableUploadDto } from '@genbox/contracts';
import type { Request, Response } from 'express';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import type { ResumableUploadRow } from './resumable-uploads.repository.js';
import { ResumableUploadService } from './resumable-upload.service.js';

const TUS = { 'Tus-Resumable': '1.0.0', 'Cache-Control': 'no-store' };

/**
 * tus 1.0 (core, creation, termination) under the API's own auth: a member's token, the editor
 * role, and only the user who started an upload may continue it. Clients such as tus-js-client
 * work against it as they are; the board uses its own small client (apps/web).
 */
@Controller()
export class ResumableUploadsController {
  constructor(private readonly uploads: ResumableUploadService) {}

  @Post('boxes/:id/uploads')
  async create(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ResumableUploadDto> {
    const row = await this.uploads.create(u.id, boxId, req.headers);
    res.set({ ...TUS, Location: `/api/uploads/${row.id}`, 'Upload-Offset': '0', 'Upload-Expires': row.expires_at.toUTCString() });
    return toDto(row);
  }

  @Head('uploads/:id')
  async offset(@CurrentUser() u: UserRow, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const row = await this.uploads.state(u.id, id);
    res.set({ ...TUS, 'Upload-Offset': String(row.received), 'Upload-Length': String(row.length), 'Upload-Expires': row.expires_at.toUTCString() });
    if (row.asset_id) res.set('Genbox-Asset-Id', row.asset_id);
    res.status(200).end();
  }

  @Patch('uploads/:id') @HttpCode(204)
  async append(@CurrentUser() u: UserRow, @Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    try {
      const { offset, assetId } = await this.uploads.patch(u.id, id, req);
      res.set({ ...TUS, 'Upload-Offset': String(offset) });
      if (assetId) res.set('Genbox-Asset-Id', assetId);
    } catch (e) {
      // a refused body is not read: close rather than leave the connection half-consumed
      if (!req.complete) res.setHeader('Connection', 'close');
      res.set(TUS);
      throw e;
    }
  }

  @Delete('uploads/:id') @HttpCode(204)
  async terminate(@CurrentUser() u: UserRow, @Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.uploads.terminate(u.id, id);
    res.set(TUS);
  }
}

function toDto(row: ResumableUploadRow): ResumableUploadDto {
  return { id: row.id, url: `/api/uploads/${row.id}`, length: row.length, offset: row.received, expires_at: row.expires_at.toISOString(), asset_id: row.asset_id };
}
