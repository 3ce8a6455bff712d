// The raw baseline of the big-file bench, in a process of its own so that it pays for nothing of
// the bench's (whose heap made every copy in it collect garbage far more often than a plain
// process does): the plainest write of the same bytes to the same store. Prints the seconds it took.
//   node raw-write.mjs local <file> <target path>
//   node raw-write.mjs s3 <file> <endpoint> <key>
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const [kind, file, target, key] = process.argv.slice(2);
const t0 = performance.now();
if (kind === 'local') {
  await pipeline(createReadStream(file), createWriteStream(target));
} else {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { Upload } = await import('@aws-sdk/lib-storage');
  const client = new S3Client({ endpoint: target, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  await new Upload({ client, params: { Bucket: 'genbox', Key: key, Body: createReadStream(file), ContentType: 'video/mp4' } }).done();
  client.destroy();
}
process.stdout.write(`${(performance.now() - t0) / 1000}\n`);
