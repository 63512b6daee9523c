// lib.mjs: what the dashboard's browser scripts share (tests/dashboard.bats
// runs dashboard.mjs; bench/run.sh dashboard runs bench.mjs): Debian's
// Chromium driven by playwright-core, every console error, uncaught
// exception and CSP violation of the page collected, and small checks.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
	const args = ['--disable-gpu', '--disable-dev-shm-usage'];
	if (process.getuid && process.getuid() === 0)
		args.push('--no-sandbox');	// Chromium refuses root otherwise
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

// A page that records what must never happen: console errors, page
// errors, CSP violations.  Answers of the API that the page handles (a
// 401 after a revocation, a 404 of a route this server lacks, a 412 of a
// stale write) make Chromium log "Failed to load resource"; those are kept
// apart in `statuses` with their URL, and one for a page asset is an
// error.
export async function watchedPage(browser, opts = {}) {
	const context = await browser.newContext({
		viewport: { width: 1280, height: 900 },
		...opts,
	});
	const page = await context.newPage();
	const problems = [];
	const statuses = [];
	page.on('console', (m) => {
		if (m.type() !== 'error' && m.type() !== 'warning')
			return;
		const text = m.text();
		const url = (m.location() && m.location().url) || '';
		if (m.type() === 'error' &&
		    /^Failed to load resource: the server responded with a status of/.test(text) &&
		    !url.includes('/dashboard')) {
			statuses.push(`${text} (${url})`);
			return;
		}
		if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(text))
			problems.push(`console ${m.type()}: ${text} (${url})`);
	});
	page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
	await page.exposeFunction('__pakeCspViolation', (s) =>
		problems.push(`CSP violation: ${s}`));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__pakeCspViolation(`${e.violatedDirective} blocked ` +
			    `${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
		});
	});
	return { context, page, problems, statuses };
}

export function fail(msg) {
	throw new Error(msg);
}

export function check(cond, msg) {
	if (!cond)
		fail(msg);
}

// curl ARGS...: run curl (the test changes things behind the page's
// back with it); its stdout.
export function curl(...args) {
	return execFileSync('curl', ['-sS', '--max-time', '30', ...args],
	    { encoding: 'utf8' });
}

export function artifacts() {
	const dir = process.env.ARTIFACTS;
	if (dir)
		mkdirSync(dir, { recursive: true });
	return dir;
}

export async function shot(page, name) {
	const dir = artifacts();
	if (dir)
		await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

// Sign in through the form (mouse-free: fill and press Enter).
export async function signIn(page, base, user, pw, tenant) {
	await page.goto(`${base}/dashboard`);
	await page.locator('#username').fill(user);
	await page.locator('#password').fill(pw);
	if (tenant)
		await page.locator('#tenant').fill(tenant);
	await page.locator('#password').press('Enter');
	await page.locator('#nav:not([hidden])').waitFor({ timeout: 10000 });
}

export function pct(xs, p) {
	const s = [...xs].sort((a, b) => a - b);
	if (!s.length)
		return NaN;
	return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
}
