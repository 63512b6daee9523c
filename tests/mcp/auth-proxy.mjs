// auth-proxy.mjs PORT-FILE TARGET-URL: a loopback HTTP proxy that adds
// "Authorization: Bearer $PAKE_PROXY_TOKEN" to every request and passes
// everything else through untouched, for the MCP conformance suite, whose
// client has no option to send a token.  It listens on a free port of
// 127.0.0.1 and writes that port to PORT-FILE once it listens.  The token
// comes from the environment so that it never shows in ps.
import http from 'node:http';
import fs from 'node:fs';

const [portFile, target] = process.argv.slice(2);
const token = process.env.PAKE_PROXY_TOKEN;
if (!portFile || !target || !token) {
  console.error('usage: PAKE_PROXY_TOKEN=T node auth-proxy.mjs PORT-FILE TARGET-URL');
  process.exit(64);
}
const up = new URL(target);

const server = http.createServer((req, res) => {
  // The suite's own Host and Origin go through as sent: the DNS
  // rebinding scenario depends on them reaching pake-http.
  const headers = { ...req.headers, authorization: `Bearer ${token}` };
  const out = http.request({
    host: up.hostname, port: up.port, method: req.method, path: req.url, headers,
  }, (r) => {
    res.writeHead(r.statusCode, r.rawHeaders);
    r.pipe(res);
  });
  out.on('error', (e) => {
    console.error(`auth-proxy: ${e.message}`);
    if (!res.headersSent)
      res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, `${server.address().port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => server.close(() => process.exit(0)));
