/// <reference path="../../apps/server/test/storage/s3rver.d.ts" />
// s3rver in a process of its own for the big-file bench: in the bench's process it would share one
// event loop with the simulator serving the result, and the ingest (which needs both at once) would
// measure that loop rather than Genbox. Sends its endpoint over IPC; SIGTERM closes it and removes its files.
import { startS3 } from '../../apps/server/test/storage/fixtures.js';

const s3 = await startS3();
process.send!({ endpoint: s3.endpoint });
process.on('SIGTERM', () => void s3.close().finally(() => process.exit(0)));
