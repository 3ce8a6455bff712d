// s3rver as a process of its own, for outage tests: SIGKILL drops every connection at once, as a
// storage service that goes away does; started again on the same port and folder, it has every
// object it had. Prints "ready" once it listens.
import S3rver from 's3rver';

const [port, directory] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: true, directory, configureBuckets: [{ name: 'genbox', configs: [] }] });
await server.run();
process.stdout.write('ready\n');
