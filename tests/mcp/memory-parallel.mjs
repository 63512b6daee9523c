// memory-parallel.mjs CMD ROUNDS: lost writes when two memory servers share
// one store.  Each round starts CMD twice over stdio (official TypeScript
// SDK, @modelcontextprotocol/sdk; the environment is inherited, so it decides
// the store: the same MEMORY_FILE_PATH for npm @modelcontextprotocol/server-
// memory, the same store variables for pake-mcp).  Once both are connected,
// each process gets 10 create_entities calls of one entity each, named
// r<round>-p<proc>-e<i>, all 20 issued at once.  Then a third process reads
// the whole graph (read_graph, following pake's nextCursor) and counts the
// round's entities.
//
// CMD is one word (the server's path, or a wrapper script); ROUNDS defaults
// to 3.  Prints one JSON line per round, {"round", "expected": 20,
// "present"}, and a last line {"rounds", "lost"} with the total missing.
// Calls that fail are told on stderr.  Exit status 0 whatever was lost: the
// caller judges (server-memory loses writes: each call reads the whole file,
// changes it and writes it back, with no lock).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const cmd = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (!cmd || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node memory-parallel.mjs CMD ROUNDS');
  process.exit(2);
}
const PROCS = 2, PER = 10;

async function connect(who) {
  const transport = new StdioClientTransport({
    command: cmd, args: [], env: { ...process.env }, stderr: 'inherit',
  });
  const client = new Client({ name: `pake-tests-memory-parallel-${who}`, version: '1.0.0' });
  await client.connect(transport);
  return client;
}

// readAll: every entity of the graph, pages followed.
async function readAll(client) {
  const entities = [];
  let cursor;
  for (let pages = 0; pages < 100000; pages++) {
    const r = await client.callTool({ name: 'read_graph', arguments: cursor === undefined ? {} : { cursor } });
    if (r.isError) throw new Error(`read_graph: ${r.content?.[0]?.text}`);
    entities.push(...(r.structuredContent?.entities ?? []));
    const next = r.structuredContent?.nextCursor;
    if (typeof next !== 'string' || next === '' || next === cursor) break;
    cursor = next;
  }
  return entities;
}

let lost = 0;
for (let round = 1; round <= rounds; round++) {
  const names = [];
  let present = 0;
  const clients = [];
  try {
    for (let p = 1; p <= PROCS; p++) clients.push(connect(`p${p}`));
    const ready = await Promise.all(clients);
    const calls = ready.flatMap((client, k) => Array.from({ length: PER }, (_, i) => {
      const name = `r${round}-p${k + 1}-e${i}`;
      names.push(name);
      return client.callTool({
        name: 'create_entities',
        arguments: { entities: [{ name, entityType: 'parallel', observations: [`round ${round}`] }] },
      }).then((r) => {
        if (r.isError) console.error(`memory-parallel: ${name}: ${r.content?.[0]?.text}`);
      }, (e) => console.error(`memory-parallel: ${name}: ${e.message}`));
    }));
    await Promise.all(calls);
  } catch (e) {
    console.error(`memory-parallel: round ${round}: ${e.message}`);
  }
  await Promise.all(clients.map((c) => c.then((x) => x.close(), () => {})));
  try {
    const reader = await connect('reader');
    const have = new Set((await readAll(reader)).map((e) => e.name));
    present = names.filter((n) => have.has(n)).length;
    await reader.close();
  } catch (e) {
    console.error(`memory-parallel: round ${round}: reading: ${e.message}`);
  }
  const expected = PROCS * PER;
  lost += expected - present;
  console.log(JSON.stringify({ round, expected, present }));
}
console.log(JSON.stringify({ rounds, lost }));
