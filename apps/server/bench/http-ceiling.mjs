// The peer of the pre-produced OCSP figures in `bench/load.mjs`: a Fastify route that answers a
// fixed buffer of SIZE bytes as application/ocsp-response — no parsing, no lookup, no signature —
// in a process of its own, so the same load generator against it measures what HTTP alone
// allows on this machine. Usage: node bench/http-ceiling.mjs SIZE  (prints "listening on URL")
import Fastify from 'fastify';

const size = Number(process.argv[2] ?? 500);
const body = Buffer.alloc(size, 0x30);
const app = Fastify({ logger: false });
app.post('/ocsp', async (_request, reply) => reply.type('application/ocsp-response').send(body));
app.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer' }, (_r, b, done) => done(null, b));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
