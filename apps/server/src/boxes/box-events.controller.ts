import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { UserRow } from '../auth/users.repository.js';
import { AllowQueryToken, CurrentUser } from '../auth/auth.guard.js';
import { BoxEventsService, type EventSink } from './box-events.service.js';

/** `GET /api/boxes/:id/events`: the box's realtime events as Server-Sent Events, for clients without socket.io. */
@Controller('boxes')
export class BoxEventsController {
  constructor(private readonly events: BoxEventsService) {}

  /** EventSource cannot set headers: the token may come as `?token=`, the resume point as `?last_event_id=`. */
  @Get(':id/events') @AllowQueryToken()
  stream(
    @CurrentUser() u: UserRow,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('last_event_id') lastEventIdQuery: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.events.stream(u.id, id, lastEventId ?? lastEventIdQuery, sseSink(req, res));
  }
}

function sseSink(req: Request, res: Response): EventSink {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
  };
  return {
    event(name, id, data) {
      start();
      res.write(`event: ${name}\nid: ${id}\ndata: ${data}\n\n`);
    },
    comment(text) {
      start();
      res.write(`: ${text}\n\n`);
    },
    end() {
      start();
      res.end();
    },
    onClose(fn) {
      req.on('close', fn);
    },
  };
}
