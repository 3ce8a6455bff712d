// The floor under the list API: the least HTTP server that can answer the bench's page request.
// node:http and pg only — no framework, no token, no rate limit, no membership check, no signed
// URLs — running the raw keyset query and sending its rows as JSON.stringify makes them. What this
// costs above the raw query is what any Node server in front of that query pays on this machine.
import { createServer } from 'node:http';
import pg from 'pg';
import { RAW_PAGE } from './list-raw-page.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const server = createServer((req, res) => {
  const q = new URL(req.url!, 'http://floor').searchParams;
  pool.query({ name: 'raw-page', text: RAW_PAGE, values: [q.get('box'), q.get('at'), q.get('id'), 51] }).then(
    ({ rows }) => {
      const body = JSON.stringify({ items: rows.slice(0, 50), next_cursor: rows.length > 50 ? String(rows[49].id) : null });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    (e: Error) => res.writeHead(500).end(e.message),
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
