// memory-cases.mjs CMD [ARGS...]: one fixed scenario over the nine tools of
// the official MCP memory server (npm @modelcontextprotocol/server-memory)
// and its resource memory://knowledge-graph, driven through the official
// TypeScript SDK (@modelcontextprotocol/sdk) over stdio.  CMD is started with
// the environment inherited (MEMORY_FILE_PATH for server-memory, the store's
// variables for pake-mcp); give it a fresh, empty store.
//
// It prints one JSON line per step, for a diff between two servers:
//   {"step":..., "isError":..., "structured":..., "text":...}
// - structured: the result's structuredContent.  read_graph, search_nodes and
//   open_nodes are read to the end: pake pages them (optional arguments
//   limit and cursor, a nextCursor in structuredContent), so the pages'
//   entities are concatenated and their relations appended, a relation
//   (from|to|relationType) already seen on an earlier page dropped; nextCursor
//   is removed.  Those three steps print no text: pake's is of one page.
// - text: content[0].text, parsed as JSON when it is JSON written the way
//   server-memory writes it (JSON.stringify(x, null, 2)), else the raw string,
//   so compact or differently spaced JSON shows as a difference.  Key order
//   is kept as the server sent it, in structured and in text.
// - a tool error (add_observations on an unknown entity) prints only
//   {"step", "isError"}: the messages differ between servers.
// - a JSON-RPC error instead of a result prints {"step", "rpcError": code}.
// Exit status 0 unless the transport fails (the caller diffs the output).
//
// The steps follow what server-memory's README documents and what its
// dist/index.js does, including three places where that code keeps
// duplicates from within one call (it checks only against the stored graph):
// create_entities with one name twice stores both, create_relations with one
// triple twice stores both, add_observations with one content twice adds
// both.  Each of those is cleaned up by the next steps (delete_* removes
// every copy), so a server that differs there differs in those lines only.
//
// MEMORY_LIMIT=N (optional) passes limit N to every read, to make pake page
// the small results here; server-memory ignores the argument (its input
// schemas strip unknown keys), so the output must not change.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node memory-cases.mjs CMD [ARGS...]');
  process.exit(2);
}
const LIMIT = process.env.MEMORY_LIMIT ? Number(process.env.MEMORY_LIMIT) : undefined;

const transport = new StdioClientTransport({
  command: cmd, args, env: { ...process.env }, stderr: 'inherit',
});
const client = new Client({ name: 'pake-tests-memory-cases', version: '1.0.0' });
let closed = false;
client.onclose = () => { closed = true; };
await client.connect(transport);

const out = (o) => console.log(JSON.stringify(o));
// transportGone: after a failed call, end with status 1 if the server is gone.
function transportGone(step, e) {
  if (!closed) return false;
  console.error(`memory-cases: ${step}: transport closed: ${e?.message ?? e}`);
  process.exit(1);
}

// textOf: content[0].text, parsed when it is JSON.stringify(x, null, 2).
function textOf(r) {
  const t = r.content?.[0]?.text;
  if (typeof t !== 'string') return t ?? null;
  try {
    const v = JSON.parse(t);
    return JSON.stringify(v, null, 2) === t ? v : t;
  } catch {
    return t;
  }
}

// call: one tools/call; prints the step's line.
async function call(step, name, a, { error = false } = {}) {
  let r;
  try {
    r = await client.callTool({ name, arguments: a });
  } catch (e) {
    transportGone(step, e);
    out({ step, rpcError: e.code ?? String(e.message) });
    return;
  }
  const isError = r.isError === true;
  if (isError && error) return out({ step, isError });
  out({ step, isError, structured: r.structuredContent ?? null, text: textOf(r) });
}

// readAll: a read tool followed through its pages; returns the merged
// structuredContent (without nextCursor) and whether a page was an error.
async function readAll(c, name, a, limit) {
  let cursor, pages = 0;
  let merged = null;
  const seen = new Set();
  for (;;) {
    const req = { ...a };
    if (limit !== undefined) req.limit = limit;
    if (cursor !== undefined) req.cursor = cursor;
    const r = await c.callTool({ name, arguments: req });
    if (r.isError) return { isError: true, structured: r.structuredContent ?? null };
    const sc = { ...(r.structuredContent ?? {}) };
    const next = sc.nextCursor;
    delete sc.nextCursor;
    const rels = sc.relations ?? [];
    const key = (x) => `${x.from}|${x.to}|${x.relationType}`;
    if (merged === null) {
      merged = sc;
    } else {
      merged.entities = [...(merged.entities ?? []), ...(sc.entities ?? [])];
      merged.relations = [...(merged.relations ?? []),
        ...rels.filter((x) => !seen.has(key(x)))];
    }
    for (const x of rels) seen.add(key(x));
    pages++;
    if (typeof next !== 'string' || next === '') break;
    if (next === cursor || pages > 100000) throw new Error(`${name}: the cursor does not advance`);
    cursor = next;
  }
  return { isError: false, structured: merged };
}

// read: a read step, all pages, structured only.
async function read(step, name, a) {
  let r;
  try {
    r = await readAll(client, name, a, LIMIT);
  } catch (e) {
    transportGone(step, e);
    out({ step, rpcError: e.code ?? String(e.message) });
    return;
  }
  out({ step, isError: r.isError, structured: r.structured });
}

// The nine tools are offered with server-memory's arguments and results
// (pake's extra limit, cursor and nextCursor are left out here).
const NINE = ['add_observations', 'create_entities', 'create_relations', 'delete_entities',
  'delete_observations', 'delete_relations', 'open_nodes', 'read_graph', 'search_nodes'];
{
  const { tools } = await client.listTools();
  const extra = new Set(['limit', 'cursor', 'nextCursor']);
  const keys = (s) => Object.keys(s?.properties ?? {}).filter((k) => !extra.has(k)).sort();
  const shown = NINE.map((n) => {
    const t = tools.find((x) => x.name === n);
    if (!t) return { name: n, missing: true };
    return {
      name: n,
      input: keys(t.inputSchema),
      required: [...(t.inputSchema?.required ?? [])].filter((k) => !extra.has(k)).sort(),
      output: keys(t.outputSchema),
      readOnly: t.annotations?.readOnlyHint ?? null,
      destructive: t.annotations?.destructiveHint ?? null,
    };
  });
  out({ step: 'tools/list', tools: shown });
}

// An empty store.
await read('read_graph on an empty store', 'read_graph', {});
await read('search_nodes on an empty store', 'search_nodes', { query: 'anything' });

// create_entities: unicode, quotes, a newline, no observations.
await call('create_entities', 'create_entities', {
  entities: [
    { name: 'John_Smith', entityType: 'person', observations: ['Speaks fluent Spanish', 'Graduated in 2019'] },
    { name: 'Anthropic', entityType: 'organization', observations: ['An AI safety company'] },
    { name: 'Zoë_Ölander', entityType: 'person', observations: ['Lives in Malmö', 'Likes crème brûlée'] },
    { name: '北京', entityType: 'city', observations: ['中国的首都'] },
    { name: 'Emoji 🐨', entityType: 'animal', observations: ['Says "hi"\nand then \\ leaves\t.'] },
    { name: 'Empty', entityType: 'placeholder', observations: [] },
  ],
});
// A name already present is skipped (its stored data is kept) and only the
// new entities come back.
await call('create_entities with a name already present', 'create_entities', {
  entities: [
    { name: 'John_Smith', entityType: 'robot', observations: ['Should not be stored'] },
    { name: 'Jane_Doe', entityType: 'person', observations: ['Prefers morning meetings'] },
  ],
});
await call('create_entities with only names already present', 'create_entities', {
  entities: [{ name: 'Anthropic', entityType: 'organization', observations: [] }],
});
await read('open_nodes: the first entity kept', 'open_nodes', { names: ['John_Smith'] });
// One name twice in one call: server-memory checks only the stored graph,
// so it returns and stores both; delete_entities then removes both.
await call('create_entities with one name twice in the call', 'create_entities', {
  entities: [
    { name: 'Twice', entityType: 'first', observations: ['one'] },
    { name: 'Twice', entityType: 'second', observations: ['two'] },
  ],
});
await read('open_nodes on the name created twice', 'open_nodes', { names: ['Twice'] });
await call('delete_entities on the name created twice', 'delete_entities', { entityNames: ['Twice'] });
// An entity whose observations repeat: stored as given.
await call('create_entities with a repeated observation', 'create_entities', {
  entities: [{ name: 'Echo', entityType: 'sound', observations: ['again', 'again', 'Again'] }],
});

// create_relations: endpoints need not exist.
await call('create_relations', 'create_relations', {
  relations: [
    { from: 'John_Smith', to: 'Anthropic', relationType: 'works_at' },
    { from: 'Jane_Doe', to: 'Anthropic', relationType: 'works_at' },
    { from: 'John_Smith', to: 'Jane_Doe', relationType: 'knows' },
    { from: 'Zoë_Ölander', to: '北京', relationType: 'visited' },
    { from: 'John_Smith', to: 'Ghost', relationType: 'knows' },
    { from: 'Ghost2', to: 'Ghost3', relationType: 'haunts' },
    { from: 'Echo', to: 'Echo', relationType: 'repeats' },
  ],
});
// An exact triple already present is skipped; another type or the reverse
// direction is a new relation.
await call('create_relations with a triple already present', 'create_relations', {
  relations: [
    { from: 'John_Smith', to: 'Jane_Doe', relationType: 'knows' },
    { from: 'John_Smith', to: 'Jane_Doe', relationType: 'manages' },
    { from: 'Jane_Doe', to: 'John_Smith', relationType: 'knows' },
  ],
});
await call('create_relations with only triples already present', 'create_relations', {
  relations: [{ from: 'Ghost2', to: 'Ghost3', relationType: 'haunts' }],
});
// One triple twice in one call: both stored (as for entities above);
// delete_relations then removes both.
await call('create_relations with one triple twice in the call', 'create_relations', {
  relations: [
    { from: 'Jane_Doe', to: 'Echo', relationType: 'hears' },
    { from: 'Jane_Doe', to: 'Echo', relationType: 'hears' },
  ],
});
await read('open_nodes on the triple created twice', 'open_nodes', { names: ['Echo'] });
await call('delete_relations on the triple created twice', 'delete_relations', {
  relations: [{ from: 'Jane_Doe', to: 'Echo', relationType: 'hears' }],
});

// add_observations: contents already present are skipped.
await call('add_observations', 'add_observations', {
  observations: [
    { entityName: 'John_Smith', contents: ['Speaks fluent Spanish', 'Plays chess'] },
    { entityName: 'Empty', contents: ['No longer empty'] },
    { entityName: '北京', contents: [] },
  ],
});
// One entity twice in one call: the second sees the first's additions.
await call('add_observations to one entity twice in the call', 'add_observations', {
  observations: [
    { entityName: 'Jane_Doe', contents: ['Drinks tea'] },
    { entityName: 'Jane_Doe', contents: ['Drinks tea', 'Reads novels'] },
  ],
});
// One content twice in one contents array: server-memory adds both.
await call('add_observations with one content twice', 'add_observations', {
  observations: [{ entityName: 'Empty', contents: ['twice', 'twice'] }],
});
await read('open_nodes after the content added twice', 'open_nodes', { names: ['Empty'] });
await call('delete_observations of the content added twice', 'delete_observations', {
  deletions: [{ entityName: 'Empty', observations: ['twice'] }],
});
// An unknown entity is an error, and nothing of the call is saved (not even
// the part for a known entity that came first).
await call('add_observations on an unknown entity', 'add_observations', {
  observations: [
    { entityName: 'Jane_Doe', contents: ['Must not be saved'] },
    { entityName: 'Nobody', contents: ['Nor this'] },
  ],
}, { error: true });
await read('open_nodes after the failed add_observations', 'open_nodes', { names: ['Jane_Doe', 'Nobody'] });

// delete_observations: a missing observation or entity is ignored.
await call('delete_observations', 'delete_observations', {
  deletions: [
    { entityName: 'John_Smith', observations: ['Plays chess', 'Not an observation'] },
    { entityName: 'Nobody', observations: ['Whatever'] },
    { entityName: 'Echo', observations: ['again'] },
  ],
});
await read('open_nodes after delete_observations', 'open_nodes', { names: ['John_Smith', 'Echo'] });

// delete_relations: the exact triple only; a missing one is ignored.
await call('delete_relations', 'delete_relations', {
  relations: [
    { from: 'John_Smith', to: 'Jane_Doe', relationType: 'manages' },
    { from: 'John_Smith', to: 'Anthropic', relationType: 'founded' },
    { from: 'Nobody', to: 'Nowhere', relationType: 'none' },
  ],
});
await read('read_graph after delete_relations', 'read_graph', {});

// search_nodes: case-insensitive substring of name, entityType or an
// observation; relations with at least one endpoint among the matches.
await read('search_nodes on a name, other case', 'search_nodes', { query: 'anthROPIC' });
await read('search_nodes on an entityType', 'search_nodes', { query: 'PERSON' });
await read('search_nodes on an observation', 'search_nodes', { query: 'spanish' });
await read('search_nodes on part of a word', 'search_nodes', { query: 'ohn_Sm' });
await read('search_nodes on a unicode name', 'search_nodes', { query: '北京' });
await read('search_nodes on unicode, other case', 'search_nodes', { query: 'MALMÖ' });
await read('search_nodes on an emoji', 'search_nodes', { query: '🐨' });
await read('search_nodes on quotes and a newline', 'search_nodes', { query: '"hi"\nand' });
await read('search_nodes on a relation type', 'search_nodes', { query: 'works_at' });
await read('search_nodes matching nothing', 'search_nodes', { query: 'zzz-no-match' });
await read('search_nodes on the empty query', 'search_nodes', { query: '' });

// open_nodes: graph order, unknown and repeated names skipped, relations with
// at least one endpoint among the entities found.
await read('open_nodes', 'open_nodes', { names: ['Jane_Doe', 'Nobody', '北京', 'Jane_Doe'] });
await read('open_nodes on unknown names', 'open_nodes', { names: ['Ghost', 'Ghost2'] });
await read('open_nodes on no names', 'open_nodes', { names: [] });

// delete_entities: removes the relations that touch a deleted name, even a
// name that is no entity; an unknown name is ignored.
await call('delete_entities', 'delete_entities', { entityNames: ['Jane_Doe', 'Nobody', 'Ghost3'] });
await read('read_graph after delete_entities', 'read_graph', {});

// Empty arrays everywhere.
await call('create_entities with no entities', 'create_entities', { entities: [] });
await call('create_relations with no relations', 'create_relations', { relations: [] });
await call('add_observations with no observations', 'add_observations', { observations: [] });
await call('delete_observations with no deletions', 'delete_observations', { deletions: [] });
await call('delete_relations with no relations', 'delete_relations', { relations: [] });
await call('delete_entities with no names', 'delete_entities', { entityNames: [] });

// The final graph, by the tool and as the resource.
await read('read_graph', 'read_graph', {});
try {
  const { resources } = await client.listResources();
  const r = resources.find((x) => x.uri === 'memory://knowledge-graph');
  out({ step: 'resources/list', resource: r ? { uri: r.uri, name: r.name, mimeType: r.mimeType ?? null } : null });
  const got = await client.readResource({ uri: 'memory://knowledge-graph' });
  out({
    step: 'resources/read',
    contents: got.contents.map((c) => ({
      uri: c.uri, mimeType: c.mimeType ?? null, text: textOf({ content: [c] }),
    })),
  });
} catch (e) {
  transportGone('resources', e);
  out({ step: 'resources', rpcError: e.code ?? String(e.message) });
}

await client.close();
