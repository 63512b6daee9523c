#!/usr/bin/env python3
"""http_load.py: concurrent mixed reads and writes against pake-http.

Used by tests/http.bats (issue 5, must-show 3); standard library only.

    http_load.py --url http://127.0.0.1:PORT --tokens FILE
                 [--clients 64] [--seconds 20]

Each client is a thread with its own keep-alive connection and its own
token (the lines of FILE, reused round robin), so the per-token rate limit
of a plan is not what is measured.  Until the time is up a client picks,
at random:

    30%  POST  /notes            create a note with a unique title (201)
    30%  GET   /notes/{id}       one of its own notes, same title (200)
    10%  PATCH /notes/{id}       change the status of one of them (200)
    10%  GET   /notes?limit=20   a page of notes (200)
    10%  GET   /notes?q=...      full-text search (200)
    10%  GET   /tags             the tag counts (200)

Afterwards every note written is read back (GET /notes/{id}: 200 with
the same title).  The summary is one JSON object on stdout.  The exit
status is 0 only when no answer was 5xx, no answer had another status
than expected, no request failed at the connection level, and every
write was read back.
"""

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
import uuid

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                     r"[0-9a-f]{12}$")
WORDS = ["granite", "lumen", "orbit", "quill", "saffron", "tundra", "vector",
         "willow", "zephyr", "harbor"]
OPS = [("create", 30), ("read", 30), ("patch", 10), ("list", 10),
       ("search", 10), ("tags", 10)]


class Client(threading.Thread):
    """One simulated client: one connection, one token."""

    def __init__(self, n, host, port, token, deadline, shared):
        super().__init__(daemon=True)
        self.n = n
        self.host, self.port = host, port
        self.token = token
        self.deadline = deadline
        self.shared = shared
        self.rng = random.Random(n * 7919 + int(time.time()))
        self.conn = None
        self.mine = []          # (pake_id, title) written by this client
        self.lat = []

    def request(self, method, path, body=None):
        """One request; (status, parsed JSON or None) or raise."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port,
                                                   timeout=30)
        headers = {"Authorization": "Bearer " + self.token,
                   "X-Request-ID": "load-%d-%d" % (self.n, len(self.lat))}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        t0 = time.monotonic()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        self.lat.append((time.monotonic() - t0) * 1000.0)
        if resp.getheader("X-Request-ID") != headers["X-Request-ID"]:
            self.shared.unexpected("%s %s: X-Request-ID %r, sent %r" % (
                method, path, resp.getheader("X-Request-ID"),
                headers["X-Request-ID"]))
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return resp.status, doc

    def step(self):
        names = [o for o, _ in OPS]
        weights = [w for _, w in OPS]
        op = self.rng.choices(names, weights)[0]
        if op in ("read", "patch") and not self.mine:
            op = "create"
        if op == "create":
            title = "load %d %s %s" % (self.n, self.rng.choice(WORDS),
                                       uuid.uuid4().hex[:12])
            body = {"title": title, "type": "SourceNote",
                    "content": "written by client %d: %s" % (
                        self.n, " ".join(self.rng.choices(WORDS, k=8))),
                    "tags": ["load", "client-%d" % self.n]}
            try:
                st, doc = self.request("POST", "/notes", body)
            except Exception as ex:
                # The write may or may not have happened: a failure.
                self.shared.error("POST /notes: %r" % ex)
                return op, None
            if st == 201 and doc and UUID_RE.match(str(doc.get("pake_id"))) \
                    and doc.get("title") == title:
                self.mine.append((doc["pake_id"], title))
                self.shared.wrote()
            elif st == 201:
                self.shared.unexpected("POST /notes 201 without the note: %r"
                                       % doc)
            return op, (st, 201)
        if op == "read":
            pid, title = self.rng.choice(self.mine)
            st, doc = self.request("GET", "/notes/" + pid)
            if st == 200 and (doc or {}).get("title") != title:
                self.shared.unexpected("GET /notes/%s: title %r, wrote %r" % (
                    pid, (doc or {}).get("title"), title))
            return op, (st, 200)
        if op == "patch":
            pid, _ = self.rng.choice(self.mine)
            st, _ = self.request("PATCH", "/notes/" + pid, {
                "status": self.rng.choice(["Processed", "Verified", "Raw"])})
            return op, (st, 200)
        if op == "list":
            st, doc = self.request("GET", "/notes?limit=20")
            return op, (st, 200)
        if op == "search":
            q = urllib.parse.quote(self.rng.choice(WORDS))
            st, doc = self.request("GET", "/notes?q=" + q + "&limit=10")
            return op, (st, 200)
        st, doc = self.request("GET", "/tags")
        return op, (st, 200)

    def run(self):
        while time.monotonic() < self.deadline:
            try:
                op, res = self.step()
            except Exception as ex:
                self.shared.error("%r" % ex)
                continue
            if res is not None:
                self.shared.count(op, res[0], res[1])
        if self.conn is not None:
            self.conn.close()


class Shared:
    """Counters the clients share."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.by_op = {}
        self.errors = []
        self.nerrors = 0
        self.unexpected_list = []
        self.nunexpected = 0
        self.writes = 0

    def count(self, op, status, want):
        with self.lock:
            self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
            self.by_op[op] = self.by_op.get(op, 0) + 1
            if status != want:
                self.nunexpected += 1
                if len(self.unexpected_list) < 10:
                    self.unexpected_list.append("%s: %d, want %d" % (
                        op, status, want))

    def unexpected(self, msg):
        with self.lock:
            self.nunexpected += 1
            if len(self.unexpected_list) < 10:
                self.unexpected_list.append(msg)

    def error(self, msg):
        with self.lock:
            self.nerrors += 1
            if len(self.errors) < 10:
                self.errors.append(msg)

    def wrote(self):
        with self.lock:
            self.writes += 1


def verify(host, port, tokens, written, nthreads=8):
    """Read every write back; return (verified, lost list)."""
    lost, ok = [], [0]
    lock = threading.Lock()
    chunks = [written[i::nthreads] for i in range(nthreads)]

    def work(k, part):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        for token, pid, title in part:
            try:
                conn.request("GET", "/notes/" + pid,
                             headers={"Authorization": "Bearer " + token})
                resp = conn.getresponse()
                raw = resp.read()
                doc = json.loads(raw) if resp.status == 200 else None
                good = doc is not None and doc.get("title") == title
            except Exception as ex:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                good, resp = False, None
            with lock:
                if good:
                    ok[0] += 1
                elif len(lost) < 10:
                    lost.append("%s %r: %s" % (
                        pid, title, resp.status if resp else "no answer"))
                else:
                    lost.append(pid)
        conn.close()

    ts = [threading.Thread(target=work, args=(k, c))
          for k, c in enumerate(chunks)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return ok[0], lost


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--tokens", required=True, help="file, one token a line")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or 80
    with open(a.tokens) as f:
        tokens = [t.strip() for t in f if t.strip()]
    if not tokens:
        sys.exit("http_load.py: no tokens in %s" % a.tokens)

    shared = Shared()
    t0 = time.monotonic()
    deadline = t0 + a.seconds
    clients = [Client(i, host, port, tokens[i % len(tokens)], deadline, shared)
               for i in range(a.clients)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(a.seconds + 120)
    elapsed = time.monotonic() - t0
    stuck = sum(1 for c in clients if c.is_alive())

    written = [(c.token, pid, title) for c in clients for pid, title in c.mine]
    verified, lost = verify(host, port, tokens, written)
    lat = sorted(x for c in clients for x in c.lat)

    def pct(p):
        return round(lat[min(len(lat) - 1, int(len(lat) * p))], 2) if lat \
            else None

    n5xx = sum(v for k, v in shared.by_status.items() if k.startswith("5"))
    out = {
        "clients": a.clients, "seconds": round(elapsed, 2),
        "requests": sum(shared.by_status.values()),
        "requests_per_second": round(sum(shared.by_status.values()) /
                                     elapsed, 1),
        "by_status": shared.by_status, "by_op": shared.by_op,
        "status_5xx": n5xx,
        "unexpected": shared.nunexpected,
        "unexpected_first": shared.unexpected_list,
        "connection_errors": shared.nerrors, "errors_first": shared.errors,
        "writes": shared.writes, "verified": verified,
        "lost": len(lost), "lost_first": lost[:10],
        "stuck_clients": stuck,
        "latency_ms": {"p50": pct(0.5), "p99": pct(0.99),
                       "max": round(lat[-1], 2) if lat else None},
    }
    print(json.dumps(out, indent=1))
    good = (n5xx == 0 and shared.nunexpected == 0 and shared.nerrors == 0
            and not lost and verified == shared.writes and shared.writes > 0
            and stuck == 0)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
