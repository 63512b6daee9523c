// modern.mjs PAKE_MCP: the 2026-07-28 era through the official client
// (npm @modelcontextprotocol/client 2.x), pinned to 2026-07-28 so that it
// probes with server/discover and sends _meta on every request, with no
// initialize.  Prints "ok ..." per step and "all ok" at the end.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const bin = process.argv[2];
assert.ok(bin, 'usage: node modern.mjs PATH-TO-PAKE-MCP');
const step = (s) => console.log(`ok ${s}`);

async function connect(mode) {
  const transport = new StdioClientTransport({
    command: bin, args: [], env: { ...process.env }, stderr: 'inherit',
  });
  const client = new Client({ name: 'pake-tests-modern', version: '2.0.0' },
    { versionNegotiation: { mode } });
  await client.connect(transport);
  return client;
}

const client = await connect({ pin: '2026-07-28' });
assert.equal(client.getProtocolEra(), 'modern');
assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
const d = client.getDiscoverResult();
assert.ok(d.supportedVersions.includes('2026-07-28'));
assert.ok(d.supportedVersions.includes('2025-11-25'), 'dual-era');
assert.ok(d.capabilities.tools && d.capabilities.resources && d.capabilities.prompts);
assert.equal(d._meta['io.modelcontextprotocol/serverInfo'].name, 'pake');
assert.equal(client.getServerVersion()?.name, 'pake');
const again = await client.discover();
assert.deepEqual(again.supportedVersions, d.supportedVersions);
step('server/discover');

const tl = await client.listTools();
assert.equal(tl.tools.length, 26);
assert.ok(tl.tools.every((t) => t.inputSchema.type === 'object' && t.annotations));
step('tools/list');

const created = await client.callTool({
  name: 'notes_from_schema',
  arguments: { title: 'Numbat diet', content: 'Termites, mostly. zebranumbat', tags: ['marsupials'], type: 'SourceNote' },
});
assert.equal(created.isError, false);
const id = created.structuredContent.pake_id;
assert.equal(created.structuredContent.status, 'created');
step('notes_from_schema');

let r = await client.callTool({ name: 'search_notes', arguments: { filters: { tags: 'marsupials', pake_type: 'SourceNote' } } });
assert.deepEqual(r.structuredContent.results.map((n) => n.pake_id), [id]);
r = await client.callTool({ name: 'search_notes', arguments: { query: 'zebranumbat' } });
assert.deepEqual(r.structuredContent.results.map((n) => n.pake_id), [id]);
step('search_notes by filter and by query');

r = await client.callTool({ name: 'get_note_by_id', arguments: { pake_id: id } });
assert.equal(r.structuredContent.content, 'Termites, mostly. zebranumbat');
const uri = `pake://notes/${id}`;
const list = await client.listResources();
assert.ok(list.resources.some((x) => x.uri === uri));
const read = await client.readResource({ uri });
assert.ok(read.contents[0].text.endsWith('---\nTermites, mostly. zebranumbat'));
await assert.rejects(client.readResource({ uri: 'pake://notes/00000000-0000-4000-8000-000000000000' }),
  (e) => e.code === -32602, 'resource not found is -32602 from 2026-07-28 on');
const tpl = await client.listResourceTemplates();
assert.equal(tpl.resourceTemplates[0].uriTemplate, 'pake://notes/{pake_id}');
step('get_note_by_id and resources');

const pl = await client.listPrompts();
assert.equal(pl.prompts.length, 2);
const brief = await client.getPrompt({ name: 'research_brief', arguments: { topic: 'termites', max_notes: '3' } });
assert.ok(brief.messages.some((m) => m.content.type === 'resource' && m.content.resource.uri === uri));
const c = await client.complete({
  ref: { type: 'ref/prompt', name: 'review_note' },
  argument: { name: 'pake_id', value: id.slice(0, 6) },
});
assert.deepEqual(c.completion.values, [id]);
step('prompts and completion');

await client.close();

// 'auto' negotiation (probe, then modern) lands on the same era.
const auto = await connect('auto');
assert.equal(auto.getProtocolEra(), 'modern');
await auto.close();
// 'legacy' (the 2025 initialize handshake) still works on the same binary.
const legacy = await connect('legacy');
assert.equal(legacy.getProtocolEra(), 'legacy');
assert.equal((await legacy.listTools()).tools.length, 26);
await legacy.close();
step('auto and legacy negotiation');

console.log('all ok');
