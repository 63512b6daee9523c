// legacy.mjs PAKE_MCP: the official TypeScript SDK (npm @modelcontextprotocol/sdk,
// a 2025-11-25 client) starts pake-mcp over stdio and uses every feature:
// tools, resources, templates, prompts, completion.  Prints "ok ..." per step
// and "all ok" at the end; any failure throws (exit status 1).
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const bin = process.argv[2];
assert.ok(bin, 'usage: node legacy.mjs PATH-TO-PAKE-MCP');

const transport = new StdioClientTransport({
  command: bin,
  args: [],
  env: { ...process.env },
  stderr: 'inherit',
});
const client = new Client({ name: 'pake-tests-legacy', version: '1.0.0' });
await client.connect(transport);
const step = (s) => console.log(`ok ${s}`);

// The handshake: 2025-11-25, our identity, what we offer.
assert.equal(client.getServerVersion().name, 'pake');
const caps = client.getServerCapabilities();
for (const c of ['tools', 'resources', 'prompts', 'completions'])
  assert.ok(caps[c], `capability ${c}`);
assert.match(client.getInstructions() ?? '', /search_notes/);
step('initialize');

// Tools come from the registry, with schemas and annotations.
const { tools } = await client.listTools();
const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
assert.deepEqual(Object.keys(byName).sort(), ['add_observations',
  'create_entities', 'create_relations', 'delete_entities', 'delete_note',
  'delete_observations', 'delete_relations', 'deleted_notes',
  'get_note_by_id', 'graph_context', 'graph_links', 'graph_neighbors',
  'graph_path', 'list_notes', 'list_tags', 'note_diff', 'note_history',
  'note_restore', 'notes_from_schema', 'open_nodes', 'read_graph',
  'related_notes',
  'search_nodes', 'search_notes', 'summarize_note', 'update_note']);
for (const t of tools) {
  assert.equal(t.inputSchema.type, 'object', `${t.name} inputSchema`);
  assert.equal(t.outputSchema?.type, 'object', `${t.name} outputSchema`);
  assert.equal(typeof t.description, 'string');
  assert.equal(typeof t.annotations?.readOnlyHint, 'boolean');
}
assert.equal(byName.search_notes.annotations.readOnlyHint, true);
assert.equal(byName.get_note_by_id.annotations.idempotentHint, true);
assert.equal(byName.delete_note.annotations.destructiveHint, true);
assert.equal(byName.notes_from_schema.annotations.readOnlyHint, false);
assert.equal(byName.notes_from_schema.annotations.openWorldHint, false);
assert.deepEqual(byName.get_note_by_id.inputSchema.required, ['pake_id']);
step('tools/list');

// Create a note with the Python server's tool and arguments.
const body = '# Quokkas\n\nThe quokka smiles; zebraquokka is the search word.\n';
const created = await client.callTool({
  name: 'notes_from_schema',
  arguments: {
    title: 'Quokka field notes', content: body, type: 'InsightNote',
    source_uri: 'https://example.org/quokka', tags: ['marsupials', 'rottnest'],
    summary: 'A small wallaby of Rottnest Island',
  },
});
assert.equal(created.isError, false);
const made = created.structuredContent;
assert.equal(made.status, 'created');
assert.match(made.pake_id, /^[0-9a-f-]{36}$/);
assert.equal(made.file_path, '02-Areas/Quokka-field-notes.md');
assert.deepEqual(JSON.parse(created.content[0].text), made, 'text = structured');
const id = made.pake_id;
// A second note that the filters and the query below must not find.
const other = await client.callTool({
  name: 'notes_from_schema',
  arguments: { title: 'Wombat burrows', content: 'Digging.', tags: 'marsupials' },
});
assert.equal(other.isError, false);
step('notes_from_schema');

// Found by filter (tags as a string, as the Python server took them) ...
const ids = (r) => r.structuredContent.results.map((n) => n.pake_id);
let r = await client.callTool({
  name: 'search_notes',
  arguments: { filters: { pake_type: 'InsightNote', tags: 'rottnest', min_confidence: 0.5 }, limit: 10 },
});
assert.equal(r.isError, false);
assert.deepEqual(ids(r), [id]);
assert.equal(r.structuredContent.count, 1);
assert.equal(r.structuredContent.filters_applied.pake_type, 'InsightNote');
// ... by a tag list and status ...
r = await client.callTool({
  name: 'search_notes', arguments: { filters: { tags: ['marsupials'], status: 'Raw' } },
});
assert.equal(r.structuredContent.count, 2);
// ... and by full-text query.
r = await client.callTool({ name: 'search_notes', arguments: { query: 'zebraquokka' } });
assert.deepEqual(ids(r), [id]);
assert.equal(r.structuredContent.results[0].summary, 'A small wallaby of Rottnest Island');
step('search_notes by filter and by query');

// Read it back.
r = await client.callTool({ name: 'get_note_by_id', arguments: { pake_id: id } });
assert.equal(r.isError, false);
const note = r.structuredContent;
assert.equal(note.pake_id, id);
assert.equal(note.title, 'Quokka field notes');
assert.equal(note.content, body);
assert.equal(note.metadata.type, 'InsightNote');
assert.equal(note.metadata.source_uri, 'https://example.org/quokka');
assert.deepEqual(note.metadata.tags, ['marsupials', 'rottnest']);
step('get_note_by_id');

// ... and as a resource.
const uri = `pake://notes/${id}`;
const { resources } = await client.listResources();
const res = resources.find((x) => x.uri === uri);
assert.ok(res, 'the note is a listed resource');
assert.equal(res.mimeType, 'text/markdown');
assert.equal(res.name, 'Quokka field notes');
const read = await client.readResource({ uri });
assert.equal(read.contents.length, 1);
assert.equal(read.contents[0].uri, uri);
assert.equal(read.contents[0].mimeType, 'text/markdown');
assert.match(read.contents[0].text, new RegExp(`^---\\npake_id: ${id}\\n`));
assert.ok(read.contents[0].text.endsWith(`---\n${body}`), 'body after the frontmatter');
const { resourceTemplates } = await client.listResourceTemplates();
assert.equal(resourceTemplates[0].uriTemplate, 'pake://notes/{pake_id}');
await assert.rejects(client.readResource({ uri: 'pake://notes/00000000-0000-4000-8000-000000000000' }),
  (e) => e.code === -32002);
step('resources');

// Prompts: a research brief embeds the matching notes.
const { prompts } = await client.listPrompts();
assert.deepEqual(prompts.map((p) => p.name).sort(), ['research_brief', 'review_note']);
const brief = await client.getPrompt({ name: 'research_brief', arguments: { topic: 'quokka' } });
assert.equal(brief.messages[0].content.type, 'text');
assert.match(brief.messages[0].content.text, /research brief on "quokka"/);
const embedded = brief.messages.filter((m) => m.content.type === 'resource');
assert.deepEqual(embedded.map((m) => m.content.resource.uri), [uri]);
assert.ok(embedded[0].content.resource.text.includes('zebraquokka'));
const review = await client.getPrompt({ name: 'review_note', arguments: { pake_id: id } });
assert.equal(review.messages[1].content.resource.uri, uri);
await assert.rejects(client.getPrompt({ name: 'no_such_prompt', arguments: {} }),
  (e) => e.code === -32602);
step('prompts');

// Completion: note ids for the template, tags for a brief's topic.
let c = await client.complete({
  ref: { type: 'ref/resource', uri: 'pake://notes/{pake_id}' },
  argument: { name: 'pake_id', value: id.slice(0, 8) },
});
assert.deepEqual(c.completion.values, [id]);
c = await client.complete({
  ref: { type: 'ref/prompt', name: 'research_brief' },
  argument: { name: 'topic', value: 'ROT' },
});
assert.deepEqual(c.completion.values, ['rottnest']);
step('completion/complete');

// The new tools: update, tags, list, delete.
r = await client.callTool({ name: 'update_note', arguments: { pake_id: id, status: 'Verified' } });
assert.equal(r.structuredContent.metadata.status, 'Verified');
r = await client.callTool({ name: 'list_tags', arguments: {} });
assert.deepEqual(r.structuredContent.tags[0], { tag: 'marsupials', count: 2 });
r = await client.callTool({ name: 'list_notes', arguments: { limit: 1 } });
assert.equal(r.structuredContent.count, 1);
assert.equal(typeof r.structuredContent.next_cursor, 'string');
r = await client.callTool({ name: 'delete_note', arguments: { pake_id: id } });
assert.deepEqual(r.structuredContent, { pake_id: id, deleted: true });
r = await client.callTool({ name: 'get_note_by_id', arguments: { pake_id: id } });
assert.equal(r.isError, true);
assert.equal(r.structuredContent, undefined);
assert.deepEqual(JSON.parse(r.content[0].text),
  { error: { code: 'not_found', message: 'Note not found' } });
step('update, list, delete');

// Failures: bad arguments are a tool error, an unknown tool a protocol error.
r = await client.callTool({ name: 'search_notes', arguments: { limit: 1000 } });
assert.equal(r.isError, true);
assert.equal(JSON.parse(r.content[0].text).error.code, 'invalid_params');
await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }),
  (e) => e.code === -32602);
await assert.rejects(client.callTool({ name: 'tenant_create', arguments: { name: 'x' } }),
  (e) => e.code === -32602, 'only MCP tools are callable');
await client.ping();
await client.setLoggingLevel('warning');
step('errors');

await client.close();
console.log('all ok');
