// memory.mjs: a benchmark of one MCP memory server (pake-mcp, or the
// official npm @modelcontextprotocol/server-memory) through its nine-tool
// API, driven over stdio by the official TypeScript SDK.
//
//   node bench/memory.mjs --label NAME --n N -- CMD [ARGS...]
//
// e.g. MEMORY_FILE_PATH=/tmp/m.jsonl node bench/memory.mjs --label server-memory \
//   --n 1000 -- node tests/mcp/node_modules/@modelcontextprotocol/server-memory/dist/index.js
//
// CMD is started once, with the environment inherited (which decides the
// store: give it a fresh one).  The SDK is loaded from tests/mcp/node_modules
// (npm ci --prefix tests/mcp), found from this file's place, so this runs
// from any directory.  The phases, one call at a time:
// - create: N entities e0..e<N-1>, entityType "thing", observations
//   "token-<i>" (i zero-padded to 6 digits or more, so that it matches one
//   entity only) and "thing number <i>", in create_entities calls of 100;
// - relations: e<i> -> e<(i+1)%N> "next" and e<i> -> e<(i*7+3)%N> "jumps",
//   in create_relations calls of 100;
// - search: 200 search_nodes for "token-<i>", i random (seed 1);
// - open: 200 open_nodes of 3 random names;
// - read: 20 read_graph with no arguments (pake answers the first page);
// - then the whole graph is read (pake's nextCursor followed) and the
//   entities e0..e<N-1> counted.
// Prints one JSON object: {label, n, create_ms, create_per_s, relations_ms,
// search_p50_ms, search_p99_ms, open_p50_ms, open_p99_ms, read_p50_ms,
// read_p99_ms, present, lost}; times are wall-clock milliseconds, p50/p99 of
// the calls' latencies.  A call answered with isError is told on stderr; a
// failed transport ends with status 1.
import { performance } from 'node:perf_hooks';

const sdk = new URL('../tests/mcp/node_modules/@modelcontextprotocol/sdk/dist/esm/', import.meta.url);
const { Client } = await import(new URL('client/index.js', sdk));
const { StdioClientTransport } = await import(new URL('client/stdio.js', sdk));

function usage() {
  console.error('usage: node bench/memory.mjs --label NAME --n N -- CMD [ARGS...]');
  process.exit(2);
}
let label, n;
const argv = process.argv.slice(2);
const dd = argv.indexOf('--');
if (dd < 0 || dd === argv.length - 1) usage();
for (let i = 0; i < dd; i++) {
  if (argv[i] === '--label' && i + 1 < dd) label = argv[++i];
  else if (argv[i] === '--n' && i + 1 < dd) n = Number(argv[++i]);
  else usage();
}
if (label === undefined || !Number.isInteger(n) || n < 1) usage();
const [cmd, ...args] = argv.slice(dd + 1);

// mulberry32: a small seeded PRNG, so that every run asks the same queries.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(1);
const pick = () => Math.floor(rand() * n);
const width = Math.max(6, String(n - 1).length);
const token = (i) => `token-${String(i).padStart(width, '0')}`;
const round = (x) => Math.round(x * 100) / 100;

const transport = new StdioClientTransport({
  command: cmd, args, env: { ...process.env }, stderr: 'inherit',
});
const client = new Client({ name: 'pake-bench-memory', version: '1.0.0' });
await client.connect(transport);

let errors = 0;
async function call(name, a) {
  const r = await client.callTool({ name, arguments: a });
  if (r.isError && errors++ < 5) console.error(`memory.mjs: ${name}: ${r.content?.[0]?.text}`);
  return r;
}

// latencies: each call of a phase timed; p50 and p99 in ms.
async function latencies(count, next) {
  const ms = [];
  for (let k = 0; k < count; k++) {
    const [name, a] = next(k);
    const t0 = performance.now();
    await call(name, a);
    ms.push(performance.now() - t0);
  }
  ms.sort((x, y) => x - y);
  const q = (p) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)];
  return [round(q(0.5)), round(q(0.99))];
}

const BATCH = 100;
let t0 = performance.now();
for (let s = 0; s < n; s += BATCH) {
  const entities = [];
  for (let i = s; i < Math.min(n, s + BATCH); i++)
    entities.push({ name: `e${i}`, entityType: 'thing', observations: [token(i), `thing number ${i}`] });
  await call('create_entities', { entities });
}
const createMs = performance.now() - t0;

const relations = [];
for (let i = 0; i < n; i++) {
  relations.push({ from: `e${i}`, to: `e${(i + 1) % n}`, relationType: 'next' });
  relations.push({ from: `e${i}`, to: `e${(i * 7 + 3) % n}`, relationType: 'jumps' });
}
t0 = performance.now();
for (let s = 0; s < relations.length; s += BATCH)
  await call('create_relations', { relations: relations.slice(s, s + BATCH) });
const relationsMs = performance.now() - t0;

const [searchP50, searchP99] = await latencies(200, () => ['search_nodes', { query: token(pick()) }]);
const [openP50, openP99] = await latencies(200, () =>
  ['open_nodes', { names: [`e${pick()}`, `e${pick()}`, `e${pick()}`] }]);
const [readP50, readP99] = await latencies(20, () => ['read_graph', {}]);

// Lost writes: the entities e0..e<N-1> not in the whole graph.
const have = new Set();
let cursor;
for (let pages = 0; pages < 1000000; pages++) {
  const r = await call('read_graph', cursor === undefined ? {} : { cursor });
  for (const e of r.structuredContent?.entities ?? []) have.add(e.name);
  const next = r.structuredContent?.nextCursor;
  if (typeof next !== 'string' || next === '' || next === cursor) break;
  cursor = next;
}
let present = 0;
for (let i = 0; i < n; i++) if (have.has(`e${i}`)) present++;
await client.close();
if (errors) console.error(`memory.mjs: ${errors} calls answered with isError`);

console.log(JSON.stringify({
  label, n,
  create_ms: round(createMs),
  create_per_s: round(n / (createMs / 1000)),
  relations_ms: round(relationsMs),
  search_p50_ms: searchP50, search_p99_ms: searchP99,
  open_p50_ms: openP50, open_p99_ms: openP99,
  read_p50_ms: readP50, read_p99_ms: readP99,
  present, lost: n - present,
}));
