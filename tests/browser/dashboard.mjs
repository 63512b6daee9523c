// dashboard.mjs: the dashboard's must-shows in Chromium (issue 14), run by
// tests/dashboard.bats:
//
//   node dashboard.mjs flow|xss|roles
//
// The environment names the server and what the test made: BASE (the
// server's URL), PW (every user's password), USER, VIEWER, ALPHA, BETA
// (ids of two notes, Beta links to Alpha), EVIL (the note of payloads),
// TENANT2_IDS (ids of the other tenant's notes, space separated),
// ADMIN_TOKEN, ARTIFACTS (where screenshots go).  Exit status 0 when
// every check holds; else the first failure on stderr.
import { execFileSync } from 'node:child_process';
import { launch, watchedPage, check, curl, shot, signIn } from './lib.mjs';

const env = process.env;
const BASE = env.BASE;
const PW = env.PW;

async function waitNote(page, title) {
	await page.locator('#note[data-ready="1"]').waitFor({ timeout: 10000 });
	if (title !== undefined) {
		const t = await page.locator('#note-title').textContent();
		check(t === title, `note title '${t}', want '${title}'`);
	}
}

// The bearer token the page sends (read from its requests: the page
// keeps it in a closure, nowhere a script could read it).
function tokenSpy(page) {
	const seen = { token: null };
	page.on('request', (r) => {
		const a = r.headers()['authorization'];
		if (a && a.startsWith('Bearer '))
			seen.token = a.slice(7);
	});
	return seen;
}

async function focusedId(page) {
	return page.evaluate(() => document.activeElement &&
	    (document.activeElement.id || document.activeElement.tagName +
	    ':' + (document.activeElement.getAttribute('href') || '')));
}

// Press Tab until the focused element matches pred (at most n times).
async function tabTo(page, pred, n, what) {
	for (let i = 0; i < n; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(pred))
			return;
	}
	throw new Error(`Tab never reached ${what} (at ${await focusedId(page)})`);
}

async function flow(browser) {
	const { page, problems, statuses } = await watchedPage(browser);
	const spy = tokenSpy(page);

	// Keyboard only: skip link, sign-in form, search, open a result.
	await page.goto(`${BASE}/dashboard`);
	await page.locator('#signin:not([hidden])').waitFor();
	check(await focusedId(page) === 'username', `the page opens with focus on ${await focusedId(page)}`);
	// back to the skip link, through it to the content, on to the form
	for (let i = 0; i < 4 && await focusedId(page) !== 'skip'; i++)
		await page.keyboard.press('Shift+Tab');
	check(await focusedId(page) === 'skip', `Shift+Tab never reached the skip link (${await focusedId(page)})`);
	check(await page.locator('#skip').isVisible(), 'the focused skip link is not visible');
	await page.keyboard.press('Enter');
	check(await focusedId(page) === 'main', `the skip link leads to ${await focusedId(page)}`);
	await tabTo(page, () => document.activeElement.id === 'username', 6, 'the username');
	await page.keyboard.type(env.USER);
	await page.keyboard.press('Tab');
	check(await focusedId(page) === 'password', 'Tab after username');
	await page.keyboard.type(PW);
	await page.keyboard.press('Tab');
	check(await focusedId(page) === 'tenant', 'Tab after password');
	await page.keyboard.press('Tab');
	check(await focusedId(page) === 'signin-btn', 'Tab after tenant');
	await page.keyboard.press('Enter');
	await page.locator('#nav:not([hidden])').waitFor({ timeout: 10000 });
	await page.locator('#q').waitFor();
	check(await focusedId(page) === 'q', `after sign-in focus is on ${await focusedId(page)}, want the search box`);
	await shot(page, '01-signed-in');
	await page.keyboard.type('graphs');
	await page.keyboard.press('Enter');
	await page.locator('#results ol.results li a').first().waitFor({ timeout: 10000 });
	const count = await page.locator('#results ol.results li').count();
	check(count === 1, `search 'graphs': ${count} results, want 1`);
	await shot(page, '02-search');
	await tabTo(page, () => document.activeElement.matches('#results a'), 20, 'the first result');
	await page.keyboard.press('Enter');
	await waitNote(page, 'Alpha note');
	check(page.url().endsWith(`#/note/${env.ALPHA}`), `url ${page.url()}`);
	// frontmatter, tags, versions as text
	const fm = await page.locator('#frontmatter').textContent();
	check(fm.includes(env.ALPHA) && fm.includes('pake_id'), 'frontmatter table');
	check((await page.locator('#note-tags').textContent()).includes('#graphs'), 'tags');
	check(await page.locator('#versions li').count() >= 1, 'versions listed');
	await shot(page, '03-note');

	// Follow a backlink: Beta links to Alpha.
	await page.locator('#backlinks a', { hasText: 'Beta note' }).click();
	await waitNote(page, 'Beta note');
	check((await page.locator('#links').textContent()).includes('Alpha note'), 'Beta links to Alpha');

	// Edit with a stale version: the note changes behind the page's back.
	const v0 = Number(await page.locator('#note').getAttribute('data-version'));
	await page.locator('#edit').click();
	await page.locator('#edit-content').fill('Edited in the page. [[Alpha note]]');
	const changed = JSON.parse(curl('-X', 'PATCH', '-H', `Authorization: Bearer ${env.ADMIN_TOKEN}`,
	    '-H', 'Content-Type: application/json', '--data-binary',
	    '{"content":"Changed behind the page. [[Alpha note]]"}', `${BASE}/notes/${env.BETA}`));
	check(changed.version === v0 + 1, `curl PATCH: version ${changed.version}`);
	await page.locator('#save').click();
	await page.locator('#conflict').waitFor({ timeout: 10000 });
	const ctext = await page.locator('#conflict').textContent();
	check(/Conflict/.test(ctext) && /Nothing was overwritten/.test(ctext), `conflict text: ${ctext}`);
	check(await page.locator('#reload').count() === 1, 'a reload action');
	const now = JSON.parse(curl('-H', `Authorization: Bearer ${env.ADMIN_TOKEN}`, `${BASE}/notes/${env.BETA}`));
	check(now.content === 'Changed behind the page. [[Alpha note]]' && now.version === v0 + 1,
	    `the note was overwritten: ${JSON.stringify(now.content)} v${now.version}`);
	await shot(page, '04-conflict');
	await page.locator('#reload').click();
	await waitNote(page, 'Beta note');
	check(Number(await page.locator('#note').getAttribute('data-version')) === v0 + 1, 'reload shows the new version');

	// The versions and a diff.
	await page.locator('#versions button', { hasText: 'diff' }).first().click();
	await page.locator('pre.diff .add').first().waitFor();

	// The graph: pan, zoom, click a node to open its note.
	await page.locator('#nav a[data-view="graph"]').click();
	await page.locator('#graph[data-ready]').waitFor({ timeout: 15000 });
	const z0 = await page.evaluate(() => window.pakeDashboard.graph().zoom());
	const box = await page.locator('#graph').boundingBox();
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.wheel(0, 400);	// out: a small graph is fit at the largest zoom
	await page.waitForTimeout(200);
	const z1 = await page.evaluate(() => window.pakeDashboard.graph().zoom());
	check(z1 !== z0, `zoom did not change (${z0})`);
	const pan0 = await page.evaluate(() => window.pakeDashboard.graph().pan());
	// drag on an empty corner pans
	await page.mouse.move(box.x + 8, box.y + 8);
	await page.mouse.down();
	await page.mouse.move(box.x + 80, box.y + 60, { steps: 5 });
	await page.mouse.up();
	const pan1 = await page.evaluate(() => window.pakeDashboard.graph().pan());
	check(pan1.x !== pan0.x || pan1.y !== pan0.y, 'drag did not pan');
	await page.evaluate(() => window.pakeDashboard.graph().fit(undefined, 40));
	await shot(page, '05-graph');
	const at = await page.evaluate((id) => {
		const cy = window.pakeDashboard.graph();
		const n = cy.nodes().filter((x) => x.data('pake_id') === id)[0];
		if (!n)
			return null;
		const p = n.renderedPosition();
		const r = cy.container().getBoundingClientRect();
		return { x: r.left + p.x, y: r.top + p.y };
	}, env.ALPHA);
	check(at, 'Alpha is not in the graph');
	await page.mouse.click(at.x, at.y);
	await waitNote(page, 'Alpha note');

	// The graph around a note.
	await page.locator('a', { hasText: 'Graph of this note' }).click();
	await page.locator('#graph[data-ready]').waitFor({ timeout: 15000 });
	check(Number(await page.locator('#graph').getAttribute('data-ready')) >= 2, 'neighbourhood has Alpha and Beta');

	// The charts, after a scripted series of searches from the page:
	// N searches, Z of them finding nothing.
	const queries = ['alpha', 'beta', 'graphs', 'nothingmatchesthis', 'alpha',
	    'zzzznotfound', 'beta note'];
	for (const q of queries) {
		await page.goto(`${BASE}/dashboard#/search?q=${encodeURIComponent(q)}`);
		await page.locator('#result-count').waitFor({ timeout: 10000 });
	}
	await page.locator('#nav a[data-view="analytics"]').click();
	await page.locator('#view[data-ready="analytics"]').waitFor({ timeout: 15000 });
	const chart = await page.evaluate(() => {
		const c = document.querySelector('#chart-searches canvas');
		if (!c)
			return { why: document.querySelector('#chart-searches').textContent };
		const ch = window.Chart.getChart(c);
		const sum = (d) => d.data.reduce((a, v) => a + (v || 0), 0);
		const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let ink = 0;
		for (let i = 3; i < px.length; i += 4)
			if (px[i] > 0)
				ink++;
		return { searches: sum(ch.data.datasets[0]), zero: sum(ch.data.datasets[1]), ink };
	});
	check(!chart.why, `no searches chart: ${chart.why}`);
	check(chart.searches >= queries.length, `the chart counts ${chart.searches} searches, want >= ${queries.length}`);
	check(chart.zero >= 2, `the chart counts ${chart.zero} zero-result searches, want >= 2`);
	check(chart.ink > 500, `the canvas is blank (${chart.ink} pixels drawn)`);
	await shot(page, '06-analytics');

	// Vault status, and the Python paths.
	await page.locator('#nav a[data-view="vault"]').click();
	await page.locator('#vault-status').waitFor();
	await shot(page, '07-vault');
	await page.goto(`${BASE}/dashboard/realtime`);
	await page.locator('#signin:not([hidden])').waitFor();	// a reload signs out: tokens are in memory only
	check(await page.evaluate(() => localStorage.length + sessionStorage.length) === 0, 'web storage used');
	check((await page.context().cookies()).length === 0, 'cookies set');

	report(problems, statuses);
	void spy;
}

async function xss(browser) {
	const { page, problems, statuses } = await watchedPage(browser);
	await signIn(page, BASE, env.USER, PW);
	// The search list shows the evil title and tags.
	await page.goto(`${BASE}/dashboard#/search?q=payload`);
	await page.locator('#results ol.results li').first().waitFor({ timeout: 10000 });
	await page.evaluate((id) => { location.hash = '#/note/' + id; }, env.EVIL);
	await waitNote(page);
	await page.waitForTimeout(300);
	const title = await page.locator('#note-title').textContent();
	const want = JSON.parse(curl('-H', `Authorization: Bearer ${env.ADMIN_TOKEN}`, `${BASE}/notes/${env.EVIL}`)).title;
	check(title === want, `the title is not shown as text: '${title}' vs '${want}'`);
	// Click every link of the body (a javascript: one would run).
	for (const a of await page.locator('#note-body a').all())
		await a.click({ modifiers: [], trial: false }).catch(() => {});
	await page.waitForTimeout(300);
	// the graph of the note draws its name on a canvas
	await page.evaluate((id) => { location.hash = '#/graph/' + id; }, env.EVIL);
	await page.locator('#graph[data-ready]').waitFor({ timeout: 15000 });
	await page.evaluate((id) => { location.hash = '#/note/' + id; }, env.EVIL);
	await waitNote(page);
	await shot(page, '10-xss-note');
	const dom = await page.evaluate(() => {
		const v = document.getElementById('view');
		const on = [...v.querySelectorAll('*')].filter((e) =>
		    [...e.attributes].some((a) => /^on/i.test(a.name)));
		return {
			pwned: window.__pwned,
			scripts: v.querySelectorAll('script, iframe, object, embed').length,
			on: on.map((e) => e.outerHTML.slice(0, 80)),
			js: [...document.querySelectorAll('[href], [src]')].filter((e) =>
			    /^\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src'))).length,
			style: v.querySelectorAll('[style]').length,
		};
	});
	check(dom.pwned === undefined, `a payload ran: window.__pwned = ${dom.pwned}`);
	check(dom.scripts === 0, `${dom.scripts} script/iframe/object elements in the note view`);
	check(dom.on.length === 0, `event handler attributes: ${dom.on.join(' | ')}`);
	check(dom.js === 0, `${dom.js} javascript: URLs in the page`);
	report(problems, statuses);
}

async function roles(browser) {
	// A viewer: no edit controls, and a write with its token is 403.
	{
		const { page, problems, statuses } = await watchedPage(browser);
		const spy = tokenSpy(page);
		await signIn(page, BASE, env.VIEWER, PW);
		await page.evaluate((id) => { location.hash = '#/note/' + id; }, env.ALPHA);
		await waitNote(page, 'Alpha note');
		check(await page.locator('#edit, #save, #edit-content').count() === 0, 'a viewer sees edit controls');
		const st = await page.evaluate(async ([id, tok]) => {
			const r = await fetch('/notes/' + id, { method: 'PATCH', headers: {
				'Authorization': 'Bearer ' + tok, 'Content-Type': 'application/json',
			}, body: JSON.stringify({ content: 'viewer was here' }) });
			return r.status;
		}, [env.ALPHA, spy.token]);
		check(st === 403, `a viewer's PATCH answered ${st}, want 403`);
		await shot(page, '20-viewer');
		// 403 above is the refusal under test
		report(problems, statuses.filter((s) => !/status of 403/.test(s)));
		await page.context().close();
	}
	// Another tenant's notes never appear; logout ends the session.
	{
		const { page, problems, statuses } = await watchedPage(browser);
		const spy = tokenSpy(page);
		await signIn(page, BASE, env.USER, PW);
		const theirs = (env.TENANT2_IDS || '').split(' ').filter(Boolean);
		check(theirs.length > 0, 'no notes of the other tenant');
		for (const q of ['shared', 'shared words', 'words']) {
			await page.evaluate((q) => { location.hash = '#/search?q=' + encodeURIComponent(q); }, q);
			await page.locator('#result-count').waitFor({ timeout: 10000 });
			const html = await page.locator('#view').innerHTML();
			for (const id of theirs)
				check(!html.includes(id), `the other tenant's note ${id} appears for '${q}'`);
			check(await page.locator('#results li').count() >= 1, `'${q}' finds our own note`);
			await page.evaluate(() => { location.hash = '#/vault'; });
			await page.locator('#vault-status').waitFor();
		}
		await page.evaluate(() => { location.hash = '#/graph'; });
		await page.locator('#graph[data-ready]').waitFor({ timeout: 15000 });
		const graphHtml = await page.locator('#graph-list').innerHTML();
		for (const id of theirs)
			check(!graphHtml.includes(id), `the other tenant's note ${id} is in the graph`);
		const tok = spy.token;
		check(tok, 'no token seen');
		await page.locator('#logout').click();
		await page.locator('#signin:not([hidden])').waitFor();
		check(/Signed out/.test(await page.locator('#signin-msg').textContent()), 'sign-out message');
		const st = curl('-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${tok}`, `${BASE}/notes`);
		check(st === '401', `the old token after logout: ${st}, want 401`);
		report(problems, statuses);
		await page.context().close();
	}
	// Revocation while the page is open: the next action shows sign-in.
	{
		const { page, problems, statuses } = await watchedPage(browser);
		await signIn(page, BASE, env.USER, PW);
		await page.evaluate((id) => { location.hash = '#/note/' + id; }, env.ALPHA);
		await waitNote(page, 'Alpha note');
		const list = JSON.parse(execFileSync('pake-tenant', ['token', 'list', '--json'], { encoding: 'utf8' }));
		let n = 0;
		for (const t of list.tokens)
			if (t.username === env.USER && t.revoked_at === null && t.kind === 'access') {
				execFileSync('pake-tenant', ['token', 'revoke', String(t.id)]);
				n++;
			}
		check(n >= 1, 'nothing to revoke');
		await page.locator('#nav a[data-view="search"]').click();
		await page.locator('#signin:not([hidden])').waitFor({ timeout: 10000 });
		const m = await page.locator('#signin-msg').textContent();
		check(/session ended/i.test(m), `sign-in message after revocation: '${m}'`);
		check(await page.locator('#nav').isHidden(), 'the views stay visible');
		await shot(page, '21-revoked');
		// the 401 that ended the session is expected
		report(problems, statuses.filter((s) => !/status of 401/.test(s)));
	}
}

function report(problems, statuses) {
	for (const s of statuses) {
		console.log(`api: ${s}`);
		if (/status of 5\d\d/.test(s))
			problems.push(`server error: ${s}`);
	}
	check(problems.length === 0, `console errors, page errors or CSP violations:\n  ${problems.join('\n  ')}`);
}

const scenarios = { flow, xss, roles };
const which = process.argv[2];
if (!scenarios[which]) {
	console.error('usage: node dashboard.mjs flow|xss|roles');
	process.exit(64);
}
const browser = await launch();
let rc = 0;
try {
	await scenarios[which](browser);
	console.log(`${which}: ok`);
} catch (e) {
	console.error(`${which}: ${e.message}`);
	rc = 1;
} finally {
	await browser.close();
}
process.exit(rc);
