#!/usr/bin/env python3
"""research_ref.py: the reference for bench/research.c's parse part.

    research_ref.py DIR [ROUNDS]

Parses DIR/arxiv.xml and DIR/pubmed.xml ROUNDS times (default 50) with
Python's xml.etree.ElementTree -- what the Python system's services used --
taking the same fields pake's parsers take (ids, title, authors, abstract,
dates, categories or MeSH, DOI, journal), and prints items per second.
"""
import sys
import time
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
X = "{http://arxiv.org/schemas/atom}"


def arxiv(data):
    out = []
    for e in ET.fromstring(data).iter(A + "entry"):
        r = {"id": e.findtext(A + "id").rsplit("/", 1)[-1],
             "title": " ".join(e.findtext(A + "title").split()),
             "abstract": e.findtext(A + "summary").strip(),
             "authors": [a.findtext(A + "name") for a in e.iter(A + "author")],
             "published": e.findtext(A + "published")[:10],
             "updated": e.findtext(A + "updated")[:10],
             "doi": e.findtext(X + "doi"),
             "journal": e.findtext(X + "journal_ref"),
             "categories": [c.get("term") for c in e.iter(A + "category")]}
        out.append(r)
    return out


def pubmed(data):
    out = []
    for a in ET.fromstring(data).iter("PubmedArticle"):
        m = a.find("MedlineCitation")
        art = m.find("Article")
        r = {"pmid": m.findtext("PMID"),
             "title": "".join(art.find("ArticleTitle").itertext()),
             "abstract": "\n\n".join(
                 (t.get("Label") + ": " if t.get("Label") else "") +
                 "".join(t.itertext()) for t in art.iter("AbstractText")),
             "authors": [(au.findtext("ForeName") or "") + " " +
                         (au.findtext("LastName") or "")
                         for au in art.iter("Author")],
             "journal": art.findtext("Journal/Title"),
             "mesh": [d.text for d in m.iter("DescriptorName")],
             "types": [p.text for p in art.iter("PublicationType")],
             "doi": next((i.text for i in a.iter("ArticleId")
                          if i.get("IdType") == "doi"), None)}
        out.append(r)
    return out


d = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 50
for name, fn in (("arxiv", arxiv), ("pubmed", pubmed)):
    data = open(d + "/" + name + ".xml", "rb").read()
    t0 = time.monotonic()
    for _ in range(rounds):
        n = len(fn(data))
    t = time.monotonic() - t0
    print("ref_%s_items=%d ref_%s_items_per_s=%.0f" % (name, n, name,
                                                       n * rounds / t))
