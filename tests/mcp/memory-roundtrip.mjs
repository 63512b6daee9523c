// memory-roundtrip.mjs CMD [ARGS...]: builds a varied knowledge graph
// through a memory server's tools, over stdio with the official TypeScript
// SDK (@modelcontextprotocol/sdk), and checks read_graph gives it back.
// Run against the official server (npm @modelcontextprotocol/server-memory,
// MEMORY_FILE_PATH=/abs/memory.jsonl in the environment, which is inherited)
// it leaves a memory.jsonl for pake to import; run against pake-mcp it checks
// the same graph comes back.  The store must be fresh (empty): the expected
// graph starts empty.
//
// The graph has unicode (accents, CJK, emoji, right-to-left, U+2028 inside a
// string), quotes, backslashes, tabs, newlines and CR in observations, an
// empty observation, entities with no observations, an observation repeated
// within one create (server-memory stores it twice), names that look like
// paths, relations to and between entities that do not exist, a self
// relation, added and deleted observations, a deleted entity (with the
// relations that touched it) and a deleted relation, and 60 plain entities
// in a ring.
//
// The expected graph is kept by this script with server-memory's semantics;
// read_graph (all pages, pake's nextCursor followed) must equal it, in
// order.  Prints "ok" and nothing else on success; any difference or failure
// throws (exit status 1).
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node memory-roundtrip.mjs CMD [ARGS...]');
  process.exit(2);
}
const transport = new StdioClientTransport({
  command: cmd, args, env: { ...process.env }, stderr: 'inherit',
});
const client = new Client({ name: 'pake-tests-memory-roundtrip', version: '1.0.0' });
await client.connect(transport);

// The expected graph, changed as server-memory changes its own.
const want = { entities: [], relations: [] };
const same = (a, b) => a.from === b.from && a.to === b.to && a.relationType === b.relationType;

async function tool(name, a) {
  const r = await client.callTool({ name, arguments: a });
  assert.notEqual(r.isError, true, `${name}: ${r.content?.[0]?.text}`);
  return r.structuredContent;
}

async function createEntities(entities) {
  const fresh = entities.filter((e) => !want.entities.some((x) => x.name === e.name));
  want.entities.push(...fresh.map((e) => ({ ...e, observations: [...e.observations] })));
  const got = await tool('create_entities', { entities });
  assert.deepEqual(got.entities, fresh, 'create_entities returns the new entities');
}

async function createRelations(relations) {
  const fresh = relations.filter((r) => !want.relations.some((x) => same(x, r)));
  want.relations.push(...fresh);
  const got = await tool('create_relations', { relations });
  assert.deepEqual(got.relations, fresh, 'create_relations returns the new relations');
}

async function addObservations(observations) {
  const results = observations.map((o) => {
    const e = want.entities.find((x) => x.name === o.entityName);
    const added = o.contents.filter((c) => !e.observations.includes(c));
    e.observations.push(...added);
    return { entityName: o.entityName, addedObservations: added };
  });
  const got = await tool('add_observations', { observations });
  assert.deepEqual(got.results, results, 'add_observations returns what it added');
}

async function deleteObservations(deletions) {
  for (const d of deletions) {
    const e = want.entities.find((x) => x.name === d.entityName);
    if (e) e.observations = e.observations.filter((o) => !d.observations.includes(o));
  }
  await tool('delete_observations', { deletions });
}

async function deleteEntities(entityNames) {
  want.entities = want.entities.filter((e) => !entityNames.includes(e.name));
  want.relations = want.relations.filter((r) => !entityNames.includes(r.from) && !entityNames.includes(r.to));
  await tool('delete_entities', { entityNames });
}

async function deleteRelations(relations) {
  want.relations = want.relations.filter((r) => !relations.some((d) => same(r, d)));
  await tool('delete_relations', { relations });
}

// readGraph: read_graph to the end (pake pages it), nextCursor removed,
// relations repeated on a later page dropped.
async function readGraph() {
  const g = { entities: [], relations: [] };
  const seen = new Set();
  const key = (x) => `${x.from}|${x.to}|${x.relationType}`;
  let cursor;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 100000, 'read_graph: too many pages');
    const sc = await tool('read_graph', cursor === undefined ? {} : { cursor });
    g.entities.push(...sc.entities);
    g.relations.push(...sc.relations.filter((x) => !seen.has(key(x))));
    for (const x of sc.relations) seen.add(key(x));
    if (typeof sc.nextCursor !== 'string' || sc.nextCursor === '') break;
    assert.notEqual(sc.nextCursor, cursor, 'read_graph: the cursor does not advance');
    cursor = sc.nextCursor;
  }
  return g;
}

await createEntities([
  { name: 'John_Smith', entityType: 'person', observations: ['Speaks fluent Spanish', 'Graduated in 2019'] },
  { name: 'Anthropic', entityType: 'organization', observations: ['An AI safety company'] },
  { name: 'Zoë Ölander', entityType: 'person', observations: ['Lives in Malmö', 'Ärger über Öl', 'crème brûlée'] },
  { name: '北京', entityType: '城市', observations: ['中国的首都', '人口约2100万'] },
  { name: 'שלום', entityType: 'word', observations: ['Hebrew, written right to left: שלום עולם'] },
  { name: 'Koala 🐨', entityType: 'animal 🐾', observations: ['Eats 🌿 eucalyptus', '👩‍👩‍👧 is one grapheme'] },
  { name: 'Quote "Q" O\'Brien', entityType: 'person', observations: ['He said "hello" and \'bye\''] },
  {
    name: 'Multi line', entityType: 'note', observations: [
      'first line\nsecond line\n\nfourth line',
      'windows\r\nline end',
      'tab\there, backslash \\ and \\n literally',
      'line\u2028separator and paragraph\u2029separator',
      'control \u0001\u001f chars',
      '{"looks": ["like", "json"]}',
      '',
    ],
  },
  { name: 'No observations', entityType: 'placeholder', observations: [] },
  { name: 'Also empty', entityType: '', observations: [] },
  { name: 'Repeats', entityType: 'test', observations: ['same', 'same', 'different', 'same'] },
  { name: 'a/b/../c', entityType: 'path-like', observations: ['a name with slashes'] },
  { name: '.hidden name', entityType: 'path-like', observations: ['starts with a dot'] },
  { name: '  spaced  ', entityType: 'test', observations: ['leading and trailing spaces in the name'] },
  { name: 'Long', entityType: 'test', observations: ['x'.repeat(20000), 'ünïcödé '.repeat(500)] },
  { name: 'Doomed', entityType: 'test', observations: ['will be deleted'] },
]);
// A second create with a name already present (skipped) and a new one.
await createEntities([
  { name: 'John_Smith', entityType: 'robot', observations: ['must not replace'] },
  { name: 'Jane_Doe', entityType: 'person', observations: ['Prefers morning meetings'] },
]);
// Sixty plain entities, in two calls.
const ring = Array.from({ length: 60 }, (_, i) => ({
  name: `node-${String(i).padStart(3, '0')}`, entityType: i % 2 ? 'odd' : 'even',
  observations: [`position ${i}`, `square ${i * i}`],
}));
await createEntities(ring.slice(0, 30));
await createEntities(ring.slice(30));

await createRelations([
  { from: 'John_Smith', to: 'Anthropic', relationType: 'works_at' },
  { from: 'Jane_Doe', to: 'Anthropic', relationType: 'works_at' },
  { from: 'John_Smith', to: 'Jane_Doe', relationType: 'knows' },
  { from: 'Zoë Ölander', to: '北京', relationType: 'visited' },
  { from: 'Koala 🐨', to: 'שלום', relationType: 'greets 👋' },
  { from: 'Quote "Q" O\'Brien', to: 'Multi line', relationType: 'wrote "this"' },
  { from: 'John_Smith', to: 'Ghost', relationType: 'knows' },
  { from: 'Ghost', to: 'Jane_Doe', relationType: 'haunts' },
  { from: 'Phantom A', to: 'Phantom B', relationType: 'linked\nto' },
  { from: 'Repeats', to: 'Repeats', relationType: 'self' },
  { from: 'Doomed', to: 'Anthropic', relationType: 'works_at' },
  { from: 'Jane_Doe', to: 'Doomed', relationType: 'mentors' },
  { from: 'a/b/../c', to: '.hidden name', relationType: 'path' },
]);
// Triples already present are skipped.
await createRelations([
  { from: 'John_Smith', to: 'Jane_Doe', relationType: 'knows' },
  { from: 'Jane_Doe', to: 'John_Smith', relationType: 'knows' },
  { from: 'John_Smith', to: 'Jane_Doe', relationType: 'manages' },
]);
await createRelations(ring.flatMap((e, i) => [
  { from: e.name, to: ring[(i + 1) % ring.length].name, relationType: 'next' },
  { from: e.name, to: ring[(i * 7 + 3) % ring.length].name, relationType: 'jumps' },
]));

await addObservations([
  { entityName: 'John_Smith', contents: ['Speaks fluent Spanish', 'Plays chess', 'Likes "quotes"\n'] },
  { entityName: 'No observations', contents: ['now one'] },
  { entityName: '北京', contents: ['故宫'] },
]);
await deleteObservations([
  { entityName: 'John_Smith', observations: ['Graduated in 2019'] },
  { entityName: 'No observations', observations: ['now one'] },
  { entityName: 'Nobody', observations: ['ignored'] },
]);
await deleteEntities(['Doomed']);
await deleteRelations([{ from: 'John_Smith', to: 'Jane_Doe', relationType: 'manages' }]);

const got = await readGraph();
assert.deepEqual(got, want, 'read_graph gives back the graph built');
await client.close();
console.log('ok');
