#!/usr/bin/env python3
"""watch.py BUILD_DIR: the latency of pake-vault watch (issue 9), from a
file saved in the vault to its note being committed and searchable.

On a fresh database (PAKE_DB, PAKE_VAULT from the environment, made with
pake-db init) with BENCH_WATCH_NOTES (default 200) notes, pake-vault watch
--json runs with its standard output on a pipe.  Then BENCH_WATCH_EDITS
(default 100) times, alternately: append a paragraph holding a new word to
a note's file (an edit, as an editor saves it), or write a new note file.
The latency of each is from just before the write to the watcher's line
for it, which it prints after the change is committed (the full-text index
included).  At the end every word is searched with pake-search: each must
find its note.  Prints one summary line.
"""
import json, os, subprocess, sys, time

b = sys.argv[1]
notes = int(os.environ.get("BENCH_WATCH_NOTES", "200"))
edits = int(os.environ.get("BENCH_WATCH_EDITS", "100"))
vault = os.environ["PAKE_VAULT"]
env = dict(os.environ)

ids = []
for i in range(notes):
    out = subprocess.run([b + "/bin/pake-note", "add", "--title", "Watch %d" % i],
                         input=b"body of note %d\n" % i, capture_output=True, check=True)
    ids.append(out.stdout.decode().strip())
paths = {}
for i in ids:
    out = subprocess.run([b + "/bin/pake-note", "get", "--json", i], capture_output=True, check=True)
    paths[i] = os.path.join(vault, json.loads(out.stdout)["file_path"])

w = subprocess.Popen([b + "/bin/pake-vault", "watch", "--json", "--no-catch-up"],
                     stdout=subprocess.PIPE, env=env)
line = json.loads(w.stdout.readline())
assert line["event"] == "watching", line

lat, words = [], []
for k in range(edits):
    word = "zqx%dword" % k
    if k % 2 == 0:
        i = ids[k % len(ids)]
        t0 = time.perf_counter()
        with open(paths[i], "a") as f:
            f.write("\nparagraph with %s\n" % word)
    else:
        t0 = time.perf_counter()
        with open(os.path.join(vault, "00-Inbox", "new-%d.md" % k), "w") as f:
            f.write("---\ntitle: New %d\n---\n%s\n" % (k, word))
    while True:
        ev = json.loads(w.stdout.readline())
        if ev.get("action") in ("updated", "created"):
            break
    lat.append((time.perf_counter() - t0) * 1000)
    words.append(word)
w.terminate()
w.wait()

missing = 0
for word in words:
    out = subprocess.run([b + "/bin/pake-search", "--ids", word], capture_output=True)
    if not out.stdout.strip():
        missing += 1
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("watch: %d saves (edits and new files) in a vault of %d notes: save to searchable p50 %.1f ms, "
      "p99 %.1f ms, max %.1f ms; %d of %d words not found afterwards"
      % (edits, notes, p(0.5), p(0.99), lat[-1], missing, len(words)))
sys.exit(1 if missing else 0)
