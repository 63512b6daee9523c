// dashboard.mjs: the web dashboard in Chromium (bench/run.sh, part
// dashboard), driven by playwright-core from tests/browser/node_modules.
//
//   node bench/dashboard.mjs
//
// The environment: BASE (pake-http), USER, PW, QUERY (a word with hits),
// WORDS (space separated: the searches), HUB (the root note of the big
// graph), NGINX_URL (optional: nginx serving the same files under
// /dashboard/), RUNS (first loads, default 5).  Prints one JSON object:
//
// - first load, each in a fresh browser context (empty cache): bytes on the
//   wire of every request (headers and bodies as received, so gzip counts
//   compressed) and of the page's own files; the time from navigation to
//   the sign-in form ready, and to the first search result (the page
//   opened at #/search?q=QUERY, signed in by typing, as a user would:
//   the login's password hashing counts);
// - the same page from nginx (its files only: no API there): bytes and
//   time to the sign-in form ready;
// - a search round trip from the page: the hash set to a new query to
//   the result count in the DOM, for each word of WORDS (p50, p90);
// - the graph of 2,000 nodes around HUB: time to drawn, then frame times
//   (requestAnimationFrame deltas) during a scripted drag and wheel zoom
//   with the mouse (p50, p95, the worst).
const { launch, pct } = await import(new URL('../tests/browser/lib.mjs', import.meta.url));

const env = process.env;
const RUNS = Number(env.RUNS || 5);
const median = (xs) => pct(xs, 50);

async function firstLoad(browser, url, signIn) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const sizes = [];
	page.on('requestfinished', async (r) => {
		try {
			const s = await r.sizes();
			sizes.push({ url: r.url(), bytes: s.responseBodySize + s.responseHeadersSize +
			    s.requestBodySize + s.requestHeadersSize });
		} catch (e) {
			/* the context closed */
		}
	});
	const t0 = Date.now();
	await page.goto(signIn ? `${url}#/search?q=${encodeURIComponent(env.QUERY)}` : url);
	await page.waitForFunction(() => document.activeElement &&
	    document.activeElement.id === 'username');
	const ready = Date.now() - t0;
	let first = null;
	if (signIn) {
		await page.locator('#username').fill(env.USER);
		await page.locator('#password').fill(env.PW);
		await page.locator('#password').press('Enter');
		await page.locator('#results ol.results li').first().waitFor({ timeout: 20000 });
		first = Date.now() - t0;
	}
	await page.waitForTimeout(100);	// the last requestfinished events
	await context.close();
	const total = sizes.reduce((a, s) => a + s.bytes, 0);
	const own = sizes.filter((s) => /\/dashboard/.test(s.url)).reduce((a, s) => a + s.bytes, 0);
	return { ready, first, total, own, requests: sizes.length };
}

async function searches(browser) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.goto(`${env.BASE}/dashboard`);
	await page.locator('#username').fill(env.USER);
	await page.locator('#password').fill(env.PW);
	await page.locator('#password').press('Enter');
	await page.locator('#nav:not([hidden])').waitFor();
	const words = env.WORDS.split(' ').filter(Boolean);
	const times = await page.evaluate(async (words) => {
		const out = [];
		for (const w of words) {
			const t0 = performance.now();
			const done = new Promise((ok) => {
				const mo = new MutationObserver(() => {
					if (document.getElementById('result-count')) {
						mo.disconnect();
						ok();
					}
				});
				mo.observe(document.getElementById('view'), { childList: true, subtree: true });
			});
			location.hash = '#/search?q=' + encodeURIComponent(w);
			await done;
			out.push(performance.now() - t0);
		}
		return out;
	}, words);
	await context.close();
	return { n: times.length, p50_ms: pct(times, 50), p90_ms: pct(times, 90), max_ms: Math.max(...times) };
}

async function graph(browser) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.goto(`${env.BASE}/dashboard`);
	await page.locator('#username').fill(env.USER);
	await page.locator('#password').fill(env.PW);
	await page.locator('#password').press('Enter');
	await page.locator('#nav:not([hidden])').waitFor();
	const t0 = Date.now();
	await page.evaluate((h) => { location.hash = '#/graph/' + h + '?depth=5&max=5000'; }, env.HUB);
	await page.locator('#graph[data-ready]').waitFor({ timeout: 60000 });
	const drawn = Date.now() - t0;
	const nodes = Number(await page.locator('#graph').getAttribute('data-ready'));
	const edges = await page.evaluate(() => window.pakeDashboard.graph().edges().length);
	await page.evaluate(() => {
		window.__frames = [];
		let last = performance.now();
		window.__recording = true;
		const tick = (t) => {
			window.__frames.push(t - last);
			last = t;
			if (window.__recording)
				requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	const box = await page.locator('#graph').boundingBox();
	const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
	for (let round = 0; round < 3; round++) {
		await page.mouse.move(cx - 100, cy - 50);
		await page.mouse.down();
		await page.mouse.move(cx + 150, cy + 80, { steps: 30 });
		await page.mouse.move(cx - 100, cy - 50, { steps: 30 });
		await page.mouse.up();
		for (let i = 0; i < 10; i++) {
			await page.mouse.wheel(0, round % 2 ? 120 : -120);
			await page.waitForTimeout(16);
		}
	}
	const frames = await page.evaluate(() => {
		window.__recording = false;
		return window.__frames.slice(1);
	});
	await context.close();
	return { nodes, edges, drawn_ms: drawn, frames: frames.length,
	    frame_p50_ms: pct(frames, 50), frame_p95_ms: pct(frames, 95),
	    frame_max_ms: Math.max(...frames) };
}

const browser = await launch();
const out = { chromium: browser.version() };
try {
	const loads = [];
	for (let i = 0; i < RUNS; i++)
		loads.push(await firstLoad(browser, `${env.BASE}/dashboard`, true));
	out.first_load = { runs: RUNS, total_bytes: median(loads.map((l) => l.total)),
	    page_bytes: median(loads.map((l) => l.own)), requests: median(loads.map((l) => l.requests)),
	    ready_ms: median(loads.map((l) => l.ready)), first_result_ms: median(loads.map((l) => l.first)) };
	if (env.NGINX_URL) {
		const ng = [], pk = [];
		for (let i = 0; i < RUNS; i++) {
			ng.push(await firstLoad(browser, `${env.NGINX_URL}/dashboard/index.html`, false));
			pk.push(await firstLoad(browser, `${env.BASE}/dashboard`, false));
		}
		out.page_only = {
			nginx: { bytes: median(ng.map((l) => l.own)), ready_ms: median(ng.map((l) => l.ready)) },
			pake: { bytes: median(pk.map((l) => l.own)), ready_ms: median(pk.map((l) => l.ready)) },
		};
	}
	out.search = await searches(browser);
	out.graph = await graph(browser);
} finally {
	await browser.close();
}
console.log(JSON.stringify(out));
