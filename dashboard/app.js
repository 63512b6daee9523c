/*
 * app.js: the pake dashboard (issue 14, items 4 and 5), one page served
 * by pake-http at /dashboard under a strict Content-Security-Policy.
 *
 * - No framework, no bundler.  Views are built with DOM calls; every
 *   field of a note is put in the page as text (textContent).  The one
 *   HTML inserted is a note's markdown as the server renders it
 *   (GET /notes/{id}/html, libcmark with raw HTML and unsafe URLs left
 *   out), and even
 *   that goes through sanitize() first.
 * - The session's tokens live in this closure only: never in
 *   localStorage, sessionStorage or a cookie.  A reload signs out.  The
 *   access token is refreshed a minute before it expires; any 401 ends
 *   the session and shows the sign-in form.
 * - Hash routes: #/search, #/note/ID, #/graph, #/graph/ID, #/analytics,
 *   #/vault.  /dashboard/realtime and /dashboard/advanced open the
 *   analytics, /dashboard/obsidian the graph (the Python server's paths).
 * - cytoscape and chart.js (from npm, embedded at build time) are loaded
 *   only when the graph or the analytics are first opened.
 */
'use strict';

(function () {
	const ASSETS = '/dashboard/assets/';
	const state = {
		access: null,		/* the bearer token, in memory only */
		refresh: null,
		refreshTimer: 0,
		me: null,		/* {tenant, username, role, permissions} */
		gen: 0,			/* bumps at each view: late answers are dropped */
	};
	let cy = null;			/* the graph view's cytoscape, if any */
	const charts = [];		/* the analytics view's charts */


	/* --- DOM helpers ---------------------------------------------------- */

	function $(id) { return document.getElementById(id); }

	/* el('p', {class: 'x', href: '#/'}, 'text', child, ...): an element;
	 * strings become text nodes, never markup. */
	function el(tag, attrs) {
		const e = document.createElement(tag);
		if (attrs)
			for (const [k, v] of Object.entries(attrs)) {
				if (v === undefined || v === null || v === false)
					continue;
				if (k === 'class')
					e.className = v;
				else if (k === 'text')
					e.textContent = v;
				else if (k.startsWith('on'))
					e.addEventListener(k.slice(2), v);
				else
					e.setAttribute(k, v === true ? '' : String(v));
			}
		for (let i = 2; i < arguments.length; i++) {
			const c = arguments[i];
			if (c === undefined || c === null || c === false)
				continue;
			e.appendChild(typeof c === 'string' || typeof c === 'number' ?
				document.createTextNode(String(c)) : c);
		}
		return e;
	}

	function status(text) { $('status').textContent = text || ''; }

	function noData(reason) {
		return el('p', {class: 'nodata'}, 'no data' +
			(reason ? ' (' + reason + ')' : ''));
	}

	function fmt(v) {
		if (v === null || v === undefined)
			return '';
		if (Array.isArray(v))
			return v.map(fmt).join(', ');
		if (typeof v === 'object')
			return JSON.stringify(v);
		return String(v);
	}

	/* A number to show, or null when there is none. */
	function num(v) {
		return typeof v === 'number' && isFinite(v) ? v : null;
	}

	/* --- the API -------------------------------------------------------- */

	class ApiError extends Error {
		constructor(status, body) {
			const m = body && body.error ? body.error.message +
				(body.error.detail ? ': ' + body.error.detail : '') :
				'HTTP ' + status;
			super(m);
			this.status = status;
			this.code = body && body.error ? body.error.code : '';
		}
	}

	/* One request; the answer's JSON (and etag when asked).  A 401
	 * ends the session. */
	async function api(method, path, opts) {
		opts = opts || {};
		/* X-Pake-Client names the front in the search log. */
		const headers = {'Accept': 'application/json',
			'X-Pake-Client': 'dashboard'};
		if (state.access && !opts.anonymous)
			headers['Authorization'] = 'Bearer ' + state.access;
		if (opts.body !== undefined)
			headers['Content-Type'] = 'application/json';
		Object.assign(headers, opts.headers || {});
		let r;
		try {
			r = await fetch(path, {
				method: method,
				headers: headers,
				body: opts.body !== undefined ? JSON.stringify(opts.body) :
					undefined,
				cache: 'no-store',
				credentials: 'omit',
				referrerPolicy: 'no-referrer',
			});
		} catch (e) {
			throw new ApiError(0, {error: {message: 'The server cannot be ' +
				'reached'}});
		}
		let body = null;
		const text = await r.text();
		if (text) {
			try {
				body = JSON.parse(text);
			} catch (e) {
				body = null;
			}
		}
		if (r.status === 401 && !opts.anonymous && state.access) {
			endSession('Your session ended (signed out or revoked). ' +
				'Sign in again.');
			throw new ApiError(401, body);
		}
		if (!r.ok)
			throw new ApiError(r.status, body);
		if (opts.etag)
			return {body: body, etag: r.headers.get('ETag')};
		return body;
	}

	function qs(params) {
		const u = new URLSearchParams();
		for (const [k, v] of Object.entries(params))
			if (Array.isArray(v))
				v.forEach(function (x) { u.append(k, x); });
			else if (v !== undefined && v !== null && v !== '')
				u.append(k, v);
		const s = u.toString();
		return s ? '?' + s : '';
	}

	/* --- the session ---------------------------------------------------- */

	function can(perm) {
		return !!(state.me && Array.isArray(state.me.permissions) &&
			state.me.permissions.indexOf(perm) >= 0);
	}

	function setTokens(t) {
		state.access = t.access_token;
		state.refresh = t.refresh_token;
		clearTimeout(state.refreshTimer);
		const secs = typeof t.expires_in === 'number' ? t.expires_in : 1800;
		state.refreshTimer = setTimeout(refreshNow,
			Math.max(10, secs - 60) * 1000);
	}

	async function refreshNow() {
		if (!state.refresh)
			return;
		try {
			setTokens(await api('POST', '/api/v1/auth/refresh', {
				anonymous: true, body: {refresh_token: state.refresh}}));
		} catch (e) {
			endSession('Your session ended: ' + e.message);
		}
	}

	function endSession(message) {
		state.access = state.refresh = null;
		state.me = null;
		clearTimeout(state.refreshTimer);
		destroyViews();
		showSignin(message);
	}

	async function signIn(ev) {
		ev.preventDefault();
		const u = $('username').value, p = $('password').value;
		const tenant = $('tenant').value.trim() || 'default';
		const btn = $('signin-btn');
		btn.disabled = true;
		$('signin-msg').textContent = '';
		try {
			const t = await api('POST', '/api/v1/auth/login', {
				anonymous: true,
				body: {tenant: tenant, username: u, password: p}});
			setTokens(t);
			$('password').value = '';
			try {
				state.me = await api('GET', '/api/v1/auth/me');
			} catch (e) {
				if (!state.access)
					return;
				/* Who we are is unknown: no edit controls (the
				 * server refuses what the token may not do
				 * anyway). */
				state.me = {tenant: tenant, username: u, role: t.role,
					permissions: []};
			}
			showApp();
		} catch (e) {
			$('signin-msg').textContent = e.status === 401 ?
				'Wrong username, password or tenant.' : e.message;
			$('password').focus();
		} finally {
			btn.disabled = false;
		}
	}

	async function signOut() {
		const tok = state.refresh || state.access;
		try {
			if (tok)
				await api('POST', '/api/v1/auth/logout', {anonymous: true,
					body: {token: tok}});
		} catch (e) {
			/* the tokens are dropped anyway */
		}
		endSession('Signed out.');
	}

	function showSignin(message) {
		$('nav').hidden = true;
		$('view').textContent = '';
		$('signin').hidden = false;
		$('signin-msg').textContent = message || '';
		status('');
		$('username').focus();
	}

	function showApp() {
		$('signin').hidden = true;
		$('nav').hidden = false;
		$('who').textContent = state.me.username + ' @ ' + state.me.tenant +
			' (' + state.me.role + ')';
		route();
	}

	/* --- routing -------------------------------------------------------- */

	function initialHash() {
		const p = location.pathname.replace(/\/+$/, '');
		if (p.endsWith('/realtime') || p.endsWith('/advanced'))
			return '#/analytics';
		if (p.endsWith('/obsidian'))
			return '#/graph';
		return '#/search';
	}

	function destroyViews() {
		state.gen++;
		if (cy) {
			cy.destroy();
			cy = null;
		}
		while (charts.length)
			charts.pop().destroy();
	}

	function route() {
		if (!state.access)
			return;
		let h = location.hash;
		if (!h.startsWith('#/')) {
			if (h === '#main')
				return;		/* the skip link */
			history.replaceState(null, '', initialHash());
			h = location.hash;
		}
		const [path, query] = h.slice(1).split('?');
		const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
		const params = new URLSearchParams(query || '');
		destroyViews();
		const view = $('view');
		view.textContent = '';
		status('');
		for (const a of document.querySelectorAll('#nav a[data-view]'))
			if (a.dataset.view === (parts[0] === 'note' ? 'search' : parts[0]))
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		const gen = state.gen;
		let p;
		switch (parts[0]) {
		case 'note':
			p = noteView(view, parts[1], gen);
			break;
		case 'graph':
			p = graphView(view, parts[1], params, gen);
			break;
		case 'analytics':
			p = analyticsView(view, gen);
			break;
		case 'vault':
			p = vaultView(view, gen);
			break;
		default:
			p = searchView(view, params, gen);
		}
		Promise.resolve(p).catch(function (e) {
			if (gen === state.gen && state.access)
				view.appendChild(el('p', {class: 'msg', role: 'alert'},
					e.message));
		});
	}

	/* --- search --------------------------------------------------------- */

	function searchView(view, params, gen) {
		const q = params.get('q') || '';
		const form = el('form', {class: 'search', role: 'search',
			'aria-label': 'Search notes'},
		el('label', null, 'Search',
			el('input', {name: 'q', type: 'search', value: q, id: 'q',
				autocomplete: 'off'})),
		el('label', null, 'Mode', select('mode', params.get('mode'),
			[['text', 'Full text'], ['meaning', 'Meaning'],
				['hybrid', 'Hybrid']])),
		el('label', null, 'Type', el('input', {name: 'type', size: 12,
			value: params.get('type') || ''})),
		el('label', null, 'Tag', el('input', {name: 'tag', size: 10,
			value: params.get('tag') || ''})),
		el('label', null, 'Status', el('input', {name: 'status', size: 8,
			value: params.get('status') || ''})),
		el('label', null, 'Sources', select('sources',
			params.get('sources'), [['vault', 'My notes'],
				['research', 'Notes, arXiv, PubMed, web']])),
		el('button', {type: 'submit'}, 'Search'));
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			const f = new FormData(form), o = {};
			for (const [k, v] of f.entries())
				if (v && !(k === 'mode' && v === 'text') &&
				    !(k === 'sources' && v === 'vault'))
					o[k] = v;
			const h = '#/search' + qs(o);
			if (location.hash === h)
				route();
			else
				location.hash = h;
		});
		const out = el('div', {id: 'results', 'aria-live': 'polite'});
		view.append(el('h2', null, 'Search'), form, out);
		if (!params.has('q') && !params.has('tag') && !params.has('type') &&
		    !params.has('status')) {
			$('q').focus();
			return recent(out, gen);
		}
		return runSearch(out, params, gen);
	}

	function select(name, value, options) {
		const s = el('select', {name: name});
		for (const [v, label] of options)
			s.appendChild(el('option', {value: v, selected: v === value},
				label));
		return s;
	}

	async function recent(out, gen) {
		const r = await api('GET', '/notes' + qs({limit: 10}));
		if (gen !== state.gen)
			return;
		out.append(el('h3', null, 'Recent notes'), resultList(r.results ||
			r.notes || [], 'No notes yet.'));
	}

	async function runSearch(out, params, gen) {
		const q = params.get('q') || '';
		const mode = params.get('mode') || 'text';
		const research = params.get('sources') === 'research';
		const t0 = performance.now();
		let items, total;
		out.textContent = '';
		out.appendChild(el('p', {class: 'meta'}, 'Searching…'));
		if (research || mode !== 'text') {
			/* The research search takes a mode and the sources. */
			if (!q) {
				out.textContent = '';
				out.appendChild(el('p', {class: 'msg'},
					'This search needs words.'));
				return;
			}
			const r = await api('POST', '/search', {body: {query: q,
				mode: mode, sources: research ? ['vault', 'arxiv', 'pubmed',
					'web'] : ['vault']}});
			items = r.results || [];
			total = items.length;
		} else {
			const r = await api('GET', '/notes' + qs({q: q,
				type: params.get('type'), tag: params.get('tag'),
				status: params.get('status'), limit: 25}));
			items = r.results || r.notes || [];
			total = typeof r.count === 'number' ? r.count : items.length;
		}
		if (gen !== state.gen)
			return;
		const ms = Math.round(performance.now() - t0);
		out.textContent = '';
		out.append(el('p', {class: 'meta', id: 'result-count'},
			total + (total === 1 ? ' result' : ' results') + ' in ' + ms +
			' ms'), resultList(items, 'Nothing found.'));
		status(total + ' results');
	}

	function resultList(items, empty) {
		if (!items.length)
			return el('p', {class: 'nodata'}, empty);
		const ol = el('ol', {class: 'results'});
		for (const it of items) {
			const md = it.metadata || {};
			const id = it.pake_id || md.pake_id;
			const title = it.title || md.title || '(untitled)';
			let head;
			if (id)
				head = el('a', {class: 'title', href: '#/note/' +
					encodeURIComponent(id)}, title);
			else if (safeUrl(it.url))
				head = el('a', {class: 'title', href: it.url,
					rel: 'noopener noreferrer', target: '_blank'}, title);
			else
				head = el('span', {class: 'title'}, title);
			const li = el('li', null, head);
			const snip = it.snippet || it.summary || md.summary ||
				(it.ml_enhancements && it.ml_enhancements.content_summary);
			if (snip)
				li.appendChild(el('p', {class: 'snippet'}, fmt(snip)));
			const meta = el('div', {class: 'meta'});
			const tags = Array.isArray(md.tags) ? md.tags : [];
			for (const t of tags)
				meta.appendChild(el('span', {class: 'tag'}, '#' + t));
			const score = num(it.score) !== null ? it.score :
				it.ml_enhancements ? it.ml_enhancements.relevance_score : null;
			if (num(score) !== null)
				meta.appendChild(document.createTextNode(' score ' +
					score.toFixed(3)));
			if (md.type)
				meta.appendChild(document.createTextNode(' · ' + md.type));
			if (it.source && it.source !== 'vault')
				meta.appendChild(document.createTextNode(' · ' + it.source));
			li.appendChild(meta);
			ol.appendChild(li);
		}
		return ol;
	}

	/* http(s) or mailto only, for links leaving the page. */
	function safeUrl(u) {
		return typeof u === 'string' && /^(https?:|mailto:)/i.test(u);
	}

	/* --- a note --------------------------------------------------------- */

	/* The server's rendered markdown, cleaned again here (defence in
	 * depth): no script, frame, object, style, form or svg, no on*
	 * attribute, no style attribute (the CSP would refuse it), links only
	 * to http(s), mailto, or within the page; images become links (the
	 * page loads nothing a note names). */
	function sanitize(html) {
		const doc = new DOMParser().parseFromString(String(html),
			'text/html');
		const drop = 'script,iframe,frame,frameset,object,embed,applet,' +
			'style,link,meta,base,form,input,button,select,textarea,' +
			'svg,math,template,noscript,audio,video,source,track,portal';
		for (const x of doc.body.querySelectorAll(drop))
			x.remove();
		for (const img of doc.body.querySelectorAll('img')) {
			const src = img.getAttribute('src') || '';
			const alt = img.getAttribute('alt') || 'image';
			const a = doc.createElement('a');
			a.textContent = '[' + alt + ']';
			if (safeUrl(src))
				a.setAttribute('href', src);
			img.replaceWith(a);
		}
		for (const x of doc.body.querySelectorAll('*')) {
			for (const at of Array.from(x.attributes)) {
				const n = at.name.toLowerCase();
				if (n.startsWith('on') || n === 'style' || n === 'srcset' ||
				    n === 'formaction' || n === 'action' || n === 'src' ||
				    n === 'xlink:href' || n === 'background' ||
				    n === 'ping' || n === 'target')
					x.removeAttribute(at.name);
				else if (n === 'href') {
					const v = at.value.trim();
					if (!(safeUrl(v) || v.startsWith('#')))
						x.removeAttribute(at.name);
				}
			}
			if (x.tagName === 'A' && x.hasAttribute('href') &&
			    !x.getAttribute('href').startsWith('#')) {
				x.setAttribute('rel', 'noopener noreferrer');
				x.setAttribute('target', '_blank');
			}
		}
		const frag = document.createDocumentFragment();
		for (const n of Array.from(doc.body.childNodes))
			frag.appendChild(document.adoptNode(n));
		return frag;
	}

	async function noteView(view, id, gen) {
		if (!id)
			throw new Error('No note named');
		const {body: note, etag} = await api('GET', '/notes/' +
			encodeURIComponent(id), {etag: true});
		if (gen !== state.gen)
			return;
		const md = note.metadata || {};
		const version = note.version;
		const article = el('article', {class: 'note', id: 'note',
			'data-version': version});
		const h = el('h2', {id: 'note-title'}, note.title || '(untitled)');
		const tags = el('p', {class: 'tags', id: 'note-tags'});
		for (const t of Array.isArray(md.tags) ? md.tags : [])
			tags.appendChild(el('a', {class: 'tag', href: '#/search' +
				qs({tag: t})}, '#' + t));
		const tools = el('div', {class: 'toolbar'},
			el('a', {href: '#/graph/' + encodeURIComponent(id)},
				'Graph of this note'));
		const body = el('div', {class: 'note-body', id: 'note-body'});
		const side = el('aside', {class: 'side'});
		const editArea = el('div', {id: 'edit-area'});
		if (can('notes:write'))
			tools.appendChild(el('button', {type: 'button', id: 'edit',
				class: 'secondary', onclick: function () {
					editNote(editArea, note, etag, body);
				}}, 'Edit'));
		article.append(h, tags, tools, editArea, body);
		view.append(el('div', {class: 'note-grid'}, article, side));
		status('Version ' + version);

		/* the body: rendered markdown, or the text as it is */
		api('GET', '/notes/' + encodeURIComponent(id) + '/html')
			.then(function (r) {
				if (gen === state.gen)
					body.appendChild(sanitize(r.html || ''));
			}, function (e) {
				if (gen !== state.gen)
					return;
				body.append(el('p', {class: 'meta'}, 'Shown as text (' +
					e.message + ')'), el('pre', null, note.content || ''));
			});

		/* frontmatter as a text table */
		const fm = el('table', {class: 'fm', id: 'frontmatter'});
		for (const [k, v] of Object.entries(md))
			fm.appendChild(el('tr', null, el('th', {scope: 'row'}, k),
				el('td', null, fmt(v))));
		side.append(el('section', null, el('h3', null, 'Frontmatter'), fm));
		if (note.file_path)
			side.appendChild(el('p', {class: 'meta'}, note.file_path));

		const links = el('section', {id: 'links'}, el('h3', null, 'Links'));
		const back = el('section', {id: 'backlinks'},
			el('h3', null, 'Backlinks'));
		const related = el('section', {id: 'related'},
			el('h3', null, 'Related'));
		const versions = el('section', {id: 'versions'},
			el('h3', null, 'Versions'));
		side.append(links, back, related, versions);

		const lp = api('GET', '/graph/links' + qs({node: id,
			direction: 'both'})).then(function (g) {
			if (gen !== state.gen)
				return;
			links.appendChild(linkList(g.links || [], 'No links.'));
			back.appendChild(linkList(g.backlinks || [], 'No backlinks.'));
		}, function (e) {
			links.appendChild(noData(e.message));
		});
		const rp = api('GET', '/notes/' + encodeURIComponent(id) +
			'/related' + qs({limit: 5})).then(function (r) {
			if (gen !== state.gen)
				return;
			const items = r.results || r.related || r.notes || [];
			related.appendChild(items.length ? resultList(items, '') :
				noData('none'));
		}, function (e) {
			related.appendChild(noData(e.message));
		});
		const vp = api('GET', '/notes/' + encodeURIComponent(id) +
			'/versions').then(function (r) {
			if (gen !== state.gen)
				return;
			versions.appendChild(versionList(id, r.versions || []));
		}, function (e) {
			versions.appendChild(noData(e.message));
		});
		await Promise.all([lp, rp, vp]);
		if (gen === state.gen)
			article.dataset.ready = '1';
	}

	function linkList(items, empty) {
		if (!items.length)
			return el('p', {class: 'nodata'}, empty);
		const ul = el('ul');
		for (const l of items) {
			const n = l.node;
			const name = n ? n.name : l.to || l.from;
			let item;
			if (n && n.pake_id)
				item = el('a', {href: '#/note/' + encodeURIComponent(
					n.pake_id)}, name);
			else
				item = el('span', null, name + (n ? ' (' + n.type + ')' :
					' (no such note yet)'));
			ul.appendChild(el('li', null, item, l.type && l.type !==
				'links_to' ? el('span', {class: 'meta'}, ' ' + l.type) :
				null));
		}
		return ul;
	}

	function versionList(id, vs) {
		if (!vs.length)
			return noData('no versions');
		const ul = el('ul');
		const out = el('div');
		vs.slice().reverse().forEach(function (v) {
			const li = el('li', null, 'v' + v.version + ' ' + (v.op || '') +
				' ' + (v.time || '') + ' ' + (v.actor || '') +
				(v.front ? ' via ' + v.front : ''));
			if (v.version > 1)
				li.append(' ', el('button', {type: 'button',
					class: 'secondary', onclick: function () {
						showDiff(out, id, v.version - 1, v.version);
					}}, 'diff'));
			ul.appendChild(li);
		});
		const f = el('div', null, ul, out);
		return f;
	}

	async function showDiff(out, id, from, to) {
		const r = await api('GET', '/notes/' + encodeURIComponent(id) +
			'/diff' + qs({from: from, to: to}));
		const pre = el('pre', {class: 'diff', 'aria-label': 'Changes from v' +
			from + ' to v' + to});
		for (const line of String(r.diff || '').split('\n')) {
			const c = line.startsWith('@@') ? 'hunk' :
				line.startsWith('+') ? 'add' :
				line.startsWith('-') ? 'del' : 'ctx';
			pre.appendChild(el('span', {class: c}, line));
		}
		out.textContent = '';
		out.append(el('h4', null, 'v' + from + ' → v' + to), pre);
	}

	/* Edit and save with If-Match: the version read.  A note changed
	 * meanwhile is a conflict, never overwritten. */
	function editNote(area, note, etag, body) {
		const md = note.metadata || {};
		area.textContent = '';
		const title = el('input', {id: 'edit-title', value: note.title || '',
			'aria-label': 'Title'});
		const tags = el('input', {id: 'edit-tags', 'aria-label':
			'Tags, comma separated', value: (md.tags || []).join(', ')});
		const text = el('textarea', {id: 'edit-content', 'aria-label':
			'Content'});
		text.value = note.content || '';
		const msg = el('div', {id: 'edit-msg', role: 'alert'});
		const save = el('button', {type: 'submit', id: 'save'}, 'Save');
		const form = el('form', {class: 'editor', 'aria-label': 'Edit note'},
			el('label', {for: 'edit-title'}, 'Title'), title,
			el('label', {for: 'edit-tags'}, 'Tags (comma separated)'), tags,
			el('label', {for: 'edit-content'}, 'Content'), text,
			el('div', {class: 'toolbar'}, save, el('button', {type: 'button',
				class: 'secondary', onclick: function () {
					area.textContent = '';
				}}, 'Cancel')), msg);
		form.addEventListener('submit', async function (ev) {
			ev.preventDefault();
			save.disabled = true;
			msg.textContent = '';
			const change = {content: text.value, title: title.value,
				tags: tags.value.split(',').map(function (s) {
					return s.trim();
				}).filter(Boolean)};
			try {
				await api('PATCH', '/notes/' + encodeURIComponent(
					note.pake_id), {body: change, headers: {'If-Match':
					etag || '"' + note.version + '"'}});
				status('Saved.');
				route();
			} catch (e) {
				save.disabled = false;
				if (e.status === 412 || e.status === 409) {
					msg.className = 'conflict';
					msg.id = 'conflict';
					msg.append(el('h3', null, 'Conflict: not saved'),
						el('p', null, 'This note changed since you opened ' +
						'it (' + e.message + '). Nothing was overwritten. ' +
						'Reload to see the current version; your text ' +
						'stays in the editor until you do.'),
						el('button', {type: 'button', id: 'reload',
							onclick: route}, 'Reload'));
					msg.querySelector('button').focus();
				} else
					msg.append(el('p', {class: 'msg'}, e.message));
			}
		});
		area.appendChild(form);
		text.focus();
	}

	/* --- the graph ------------------------------------------------------ */

	const loaded = {};
	function loadScript(file) {
		if (!loaded[file])
			loaded[file] = new Promise(function (ok) {
				const s = document.createElement('script');
				s.src = ASSETS + file;
				s.onload = function () { ok(true); };
				s.onerror = function () { ok(false); };
				document.head.appendChild(s);
			});
		return loaded[file];
	}

	async function graphView(view, id, params, gen) {
		const box = el('div', {class: 'graph-box', id: 'graph'});
		const cyDiv = el('div', {class: 'cy', role: 'img',
			'aria-label': 'Graph of notes; the list below has the same nodes'});
		box.appendChild(cyDiv);
		const info = el('p', {class: 'meta', id: 'graph-info'}, 'Loading…');
		const list = el('details', {id: 'graph-list'},
			el('summary', null, 'Nodes as a list'));
		view.append(el('h2', null, id ? 'Graph around a note' :
			'Knowledge graph'), info, box, list);
		const depth = params.get('depth') || 2;
		const max = params.get('max') || (id ? 500 : 1000);
		const [hasLib, data] = await Promise.all([loadScript(
			'cytoscape.min.js'), id ? api('GET', '/graph/neighbors' + qs({
			node: id, depth: depth, max_nodes: max})) : api('GET',
			'/graph/visualize' + qs({max_nodes: Math.min(max, 1000)}))]);
		if (gen !== state.gen)
			return;
		let nodes, edges;
		if (id) {
			nodes = (data.nodes || []).map(function (n) {
				return {id: String(n.id), label: n.name, pake_id: n.pake_id,
					kind: n.kind, center: n.depth === 0};
			});
			edges = data.edges || [];
		} else {
			const g = data.graph_data || data;
			nodes = (g.nodes || []).map(function (n) {
				const p = n.properties || {};
				return {id: String(n.id), label: n.label || p.name,
					pake_id: p.pake_id, kind: p.pake_id ? 'note' : 'entity'};
			});
			edges = g.edges || [];
		}
		const ids = new Set(nodes.map(function (n) { return n.id; }));
		edges = edges.filter(function (e) {
			return e.source !== null && e.target !== null &&
				ids.has(String(e.source)) && ids.has(String(e.target));
		});
		info.textContent = nodes.length + ' nodes, ' + edges.length +
			' edges' + (data.truncated || (data.metadata &&
			data.metadata.truncated) ? ' (cut short: more exist)' : '') +
			'. Drag to pan, wheel to zoom, click a note to open it.';
		const ul = el('ul');
		for (const n of nodes)
			ul.appendChild(el('li', null, n.pake_id ? el('a', {href:
				'#/note/' + encodeURIComponent(n.pake_id)}, n.label) :
				n.label + ' (' + n.kind + ')'));
		list.appendChild(ul);
		if (!hasLib || typeof window.cytoscape !== 'function') {
			cyDiv.replaceWith(el('p', {class: 'nodata', id: 'no-cytoscape'},
				'This pake-http was built without cytoscape (npm was not ' +
				'available at build time): the graph is shown as a list ' +
				'only.'));
			list.open = true;
			return;
		}
		const big = nodes.length > 400;
		cy = window.cytoscape({
			container: cyDiv,
			elements: {
				nodes: nodes.map(function (n) {
					return {data: {id: n.id, label: n.label || '', pake_id:
						n.pake_id || '', kind: n.kind, center: n.center ?
						1 : 0}};
				}),
				edges: edges.map(function (e, i) {
					return {data: {id: 'e' + (e.id !== undefined ? e.id : i),
						source: String(e.source), target: String(e.target)}};
				}),
			},
			style: [
				{selector: 'node', style: {'background-color': '#1f5fbf',
					'label': big ? '' : 'data(label)', 'font-size': 10,
					'width': 14, 'height': 14, 'color': '#222',
					'text-valign': 'bottom', 'text-margin-y': 3}},
				{selector: 'node[kind = "entity"]', style: {
					'background-color': '#8a6d00', 'shape': 'diamond'}},
				{selector: 'node[center = 1]', style: {
					'background-color': '#a4161a', 'width': 22,
					'height': 22}},
				{selector: 'edge', style: {'width': 1, 'line-color': '#9aa',
					'curve-style': big ? 'haystack' : 'bezier',
					'target-arrow-shape': big ? 'none' : 'triangle',
					'target-arrow-color': '#9aa'}},
			],
			layout: big ? {name: 'grid', animate: false} :
				{name: 'cose', animate: false, randomize: false,
					numIter: 500},
			minZoom: 0.05,
			maxZoom: 4,
			textureOnViewport: big,
			hideEdgesOnViewport: big,
			pixelRatio: 1,
		});
		cy.on('tap', 'node', function (ev) {
			const pid = ev.target.data('pake_id');
			if (pid)
				location.hash = '#/note/' + encodeURIComponent(pid);
		});
		box.dataset.ready = String(nodes.length);
	}

	/* --- analytics ------------------------------------------------------ */

	async function tryApi(path) {
		try {
			return {ok: true, body: await api('GET', path)};
		} catch (e) {
			if (!state.access)
				throw e;
			return {ok: false, reason: e.status === 404 ?
				'this server has no ' + path.split('?')[0] : e.message};
		}
	}

	function series(r) {
		if (!r.ok)
			return {points: null, reason: r.reason};
		const ts = r.body && r.body.time_series;
		if (!Array.isArray(ts))
			return {points: null, reason: r.body && r.body.reason ||
				'none recorded'};
		return {points: ts.map(function (p) {
			return {t: p.timestamp, v: num(p.value)};
		})};
	}

	function hourLabel(t) {
		const d = new Date(t);
		return isNaN(d) ? String(t) : d.toISOString().slice(11, 16);
	}

	function chartBox(title, id, sets, hasLib) {
		const box = el('section', {class: 'chart', id: id},
			el('h3', null, title));
		const withData = sets.filter(function (s) { return s.points; });
		if (!withData.length) {
			box.appendChild(noData(sets.map(function (s) {
				return s.reason;
			}).filter(Boolean)[0]));
			return box;
		}
		const n = withData.reduce(function (a, s) {
			return a + s.points.filter(function (p) {
				return p.v !== null;
			}).length;
		}, 0);
		const table = el('table', {class: 'visually-hidden'});
		const labels = withData[0].points.map(function (p) {
			return hourLabel(p.t);
		});
		table.appendChild(el('tr', null, el('th', null, 'time'),
			...withData.map(function (s) { return el('th', null, s.label); })));
		labels.forEach(function (l, i) {
			table.appendChild(el('tr', null, el('td', null, l),
				...withData.map(function (s) {
					const p = s.points[i];
					return el('td', null, p && p.v !== null ? String(p.v) :
						'no data');
				})));
		});
		if (!hasLib || typeof window.Chart !== 'function') {
			box.appendChild(table);
			table.className = 'fm';
			return box;
		}
		const cbox = el('div', {class: 'canvas-box'});
		const canvas = el('canvas', {role: 'img', 'aria-label': title +
			' (the table after it has the figures)', 'data-points': n});
		cbox.appendChild(canvas);
		box.append(cbox, table);
		const colours = ['#1f5fbf', '#a4161a', '#1b7a3a', '#8a6d00'];
		charts.push(new window.Chart(canvas, {
			type: 'line',
			data: {labels: labels, datasets: withData.map(function (s, i) {
				return {label: s.label, data: s.points.map(function (p) {
					return p.v;
				}), borderColor: colours[i % 4], backgroundColor:
					colours[i % 4], spanGaps: false, pointRadius: 2};
			})},
			options: {animation: false, responsive: true,
				maintainAspectRatio: false, scales: {y: {beginAtZero: true}}},
		}));
		return box;
	}

	async function analyticsView(view, gen) {
		view.appendChild(el('h2', null, 'Analytics'));
		const tsq = function (m) {
			return tryApi('/analytics/time-series' + qs({metric: m,
				time_range: '24h', granularity: 'hour'}));
		};
		const [hasLib, searches, zero, reqs, lat, usage, ml, dash] =
			await Promise.all([loadScript('chart.umd.min.js'),
				tsq('search_queries'), tsq('zero_result_searches'),
				tsq('sessions'), tsq('response_time'),
				tryApi('/analytics/usage-patterns' + qs({time_range: '7d'})),
				tryApi('/ml/metrics'),
				tryApi('/analytics/enhanced-dashboard' + qs({time_range:
					'24h'}))]);
		if (gen !== state.gen)
			return;
		if (!hasLib || typeof window.Chart !== 'function')
			view.appendChild(el('p', {class: 'nodata', id: 'no-chartjs'},
				'This pake-http was built without chart.js (npm was not ' +
				'available at build time): figures are shown as tables.'));
		const s1 = Object.assign(series(searches), {label: 'searches'});
		const s2 = Object.assign(series(zero), {label: 'zero-result'});
		const s3 = Object.assign(series(reqs), {label: 'sessions'});
		const s4 = Object.assign(series(lat), {label: 'mean ms'});
		const grid = el('div', {class: 'charts'});
		view.appendChild(grid);
		grid.append(
			chartBox('Searches, last 24 h', 'chart-searches', [s1, s2], hasLib),
			chartBox('Search sessions begun, last 24 h', 'chart-sessions',
				[s3], hasLib),
			chartBox('Mean search time (ms), last 24 h', 'chart-latency',
				[s4], hasLib));
		view.appendChild(mlSection(ml));
		view.appendChild(queriesSection(dash));
		view.appendChild(usageSection(usage));
		view.dataset.ready = '1';
		$('view').dataset.ready = 'analytics';
	}

	function kv(pairs) {
		const dl = el('dl', {class: 'kv'});
		for (const [k, v] of pairs)
			dl.append(el('dt', null, k), el('dd', null, v === null ||
				v === undefined || v === '' ? 'no data' : fmt(v)));
		return dl;
	}

	function mlSection(r) {
		const s = el('section', {id: 'ml-metrics'},
			el('h3', null, 'Search metrics today'));
		const m = r.ok && r.body ? r.body.metrics : null;
		if (!m) {
			s.appendChild(noData(r.reason));
			return s;
		}
		s.appendChild(kv([
			['Searches today', num(m.total_searches_today)],
			['Mean response (ms)', num(m.avg_response_time_ms)],
			['Active sessions', num(m.active_research_sessions)],
		]));
		const tt = Array.isArray(m.trending_topics) ? m.trending_topics : [];
		s.appendChild(el('h4', null, 'Trending topics'));
		s.appendChild(tt.length ? el('ol', null, ...tt.map(function (t) {
			return el('li', null, Array.isArray(t) ? t[0] + ' (' + t[1] +
				')' : fmt(t));
		})) : noData());
		const kg = Array.isArray(m.knowledge_gaps) ? m.knowledge_gaps : [];
		s.appendChild(el('h4', null, 'Knowledge gaps'));
		s.appendChild(kg.length ? el('ul', null, ...kg.map(function (g) {
			return el('li', null, fmt(g));
		})) : noData());
		return s;
	}

	function queriesSection(r) {
		const s = el('section', {id: 'queries'},
			el('h3', null, 'Top and zero-result queries, last 24 h'));
		const d = r.ok && r.body ? r.body.dashboard_data : null;
		if (!d) {
			s.appendChild(noData(r.reason));
			return s;
		}
		const top = Array.isArray(d.top_queries) ? d.top_queries : [];
		s.appendChild(el('h4', null, 'Top queries'));
		if (top.length) {
			const t = el('table', {class: 'fm', id: 'top-queries'},
				el('tr', null, el('th', null, 'query'),
					el('th', null, 'count')));
			for (const q of top)
				t.appendChild(el('tr', null, el('td', null, fmt(q.query)),
					el('td', null, fmt(q.count))));
			s.appendChild(t);
		} else
			s.appendChild(noData());
		const ua = d.usage_analytics || {};
		const zq = Array.isArray(ua.zero_result_queries) ?
			ua.zero_result_queries : [];
		s.appendChild(el('h4', null, 'Queries that found nothing'));
		s.appendChild(zq.length ? el('ul', {id: 'zero-queries'},
			...zq.map(function (q) {
				return el('li', null, typeof q === 'object' && q ?
					fmt(q.query) + (q.count !== undefined ? ' (' + q.count +
					')' : '') : fmt(q));
			})) : noData());
		return s;
	}

	function usageSection(r) {
		const s = el('section', {id: 'usage'},
			el('h3', null, 'Searches by hour of the week (UTC), last 7 days'));
		const u = r.ok && r.body && r.body.usage_analysis ?
			r.body.usage_analysis.usage_patterns : null;
		const how = u && Array.isArray(u.hour_of_week) ? u.hour_of_week : null;
		if (!how) {
			s.appendChild(noData(r.ok ? 'none recorded' : r.reason));
			return s;
		}
		const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
		let max = 0;
		how.forEach(function (row) {
			(row || []).forEach(function (v) {
				if (num(v) !== null && v > max)
					max = v;
			});
		});
		const t = el('table', {class: 'how', id: 'hour-of-week'});
		const head = el('tr', null, el('th', null, ''));
		for (let h = 0; h < 24; h++)
			head.appendChild(el('th', {scope: 'col'}, String(h)));
		t.appendChild(head);
		how.slice(0, 7).forEach(function (row, d) {
			const tr = el('tr', null, el('th', {scope: 'row'}, days[d]));
			for (let h = 0; h < 24; h++) {
				const v = row ? row[h] : null;
				const lvl = num(v) === null || max === 0 ? 0 :
					Math.min(4, Math.ceil(4 * v / max));
				tr.appendChild(el('td', {class: 'l' + lvl}, num(v) === null ?
					'' : String(v)));
			}
			t.appendChild(tr);
		});
		s.appendChild(t);
		if (Array.isArray(u.peak_hours))
			s.appendChild(el('p', {class: 'meta'}, 'Peak hours: ' +
				(u.peak_hours.length ? u.peak_hours.join(', ') : 'none')));
		return s;
	}

	/* --- the vault ------------------------------------------------------ */

	async function vaultView(view, gen) {
		view.appendChild(el('h2', null, 'Vault'));
		const r = await tryApi('/vault/status');
		if (gen !== state.gen)
			return;
		const s = el('section', {id: 'vault-status'});
		view.appendChild(s);
		if (!r.ok || !r.body) {
			s.appendChild(noData(r.reason));
			return;
		}
		const v = r.body, w = v.watcher || {};
		const conflicts = Array.isArray(v.conflicts) ? v.conflicts :
			Array.isArray(v.recent_conflicts) ? v.recent_conflicts : [];
		s.appendChild(kv([
			['Vault', v.vault],
			['Changes waiting to be written', v.pending],
			['Of those, older than expected', v.pending_stale],
			['Conflicts', Array.isArray(v.conflicts) ? v.conflicts.length :
				v.conflicts],
			['Watcher', w.running === undefined ? null : w.running ?
				'running' + (w.pid ? ' (pid ' + w.pid + ')' : '') +
				(w.since ? ' since ' + w.since : '') : 'not running'],
			['Last import', v.last_import ? fmt(v.last_import) :
				'never'],
		]));
		if (conflicts.length)
			s.append(el('h3', null, 'Recent conflicts'),
				el('ul', {id: 'conflicts'}, ...conflicts.map(function (c) {
					return el('li', null, fmt(c));
				})));
	}

	/* --- start ---------------------------------------------------------- */

	document.addEventListener('DOMContentLoaded', function () {
		$('signin-form').addEventListener('submit', signIn);
		$('logout').addEventListener('click', signOut);
		$('skip').addEventListener('click', function (ev) {
			ev.preventDefault();
			$('main').focus();
		});
		window.addEventListener('hashchange', route);
		showSignin('');
	});

	/* For scripts and tests driving the page: the graph being drawn. */
	window.pakeDashboard = Object.freeze({
		graph: function () { return cy; },
	});
})();
