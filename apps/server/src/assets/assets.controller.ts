import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ListAssetsQuery } from '@genbox/contracts';
import type { Request, Response } from 'express';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser, Public } from '../auth/auth.guard.js';
import { sendJsonText } from '../common/send-json-text.js';
import { parseInput } from '../common/validate.js';
import { AssetsService } from './assets.service.js';
import { FileDeliveryService } from './file-delivery.service.js';

@Controller()
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly files: FileDeliveryService,
  ) {}

  /** An AssetPage; its JSON comes ready from the service (the cards are PostgreSQL's text). */
  @Get('boxes/:id/assets')
  async list(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Query() query: unknown, @Res() res: Response) {
    sendJsonText(res, await this.assets.listJson(u.id, boxId, parseInput(ListAssetsQuery, query), u.is_admin));
  }

  @Post('boxes/:id/upload')
  async upload(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    try {
      return await this.assets.upload(u.id, boxId, req);
    } catch (e) {
      // the rest of a refused body is not read: close rather than leave the connection half-consumed
      if (!req.complete) res.setHeader('Connection', 'close');
      throw e;
    }
  }

  @Get('assets/:id')
  get(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.assets.get(u.id, id, u.is_admin);
  }

  @Get('assets/:id/history')
  history(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.assets.history(u.id, id, u.is_admin);
  }

  @Get('assets/:id/children')
  children(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.assets.children(u.id, id, u.is_admin);
  }

  @Delete('assets/:id') @HttpCode(204)
  remove(@CurrentUser() u: UserRow, @Param('id') id: string) {
    return this.assets.delete(u.id, id);
  }

  /** Public: a signed URL or a member's token is checked inside. */
  @Public() @Get('assets/:id/file')
  file(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.files.send(id, 'file', req, res);
  }

  @Public() @Get('assets/:id/thumbnail')
  thumbnail(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.files.send(id, 'thumbnail', req, res);
  }
}
