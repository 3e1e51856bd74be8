"""_records.py - topictag.to_records: flat rows from classify records, ready for pandas."""


def to_records(results):
    """Rows from classify records (an iterable of the dicts Ruleset.classify returns), for
    pandas.DataFrame(rows): one row per tagged sentence and topic ("row": "sentence", with
    sentence, start, end, topic, score, via, from, patterns, text), one per article and topic
    ("row": "article", with topic, role, sentences, score, headline, lead) and one per
    document error ("row": "error", with error, offset, message).  Every row has document,
    id and digest (None when the record has none).  Columns absent from a row are None, so
    every row has the same keys."""
    keys = ("row", "document", "id", "digest", "sentence", "start", "end", "topic", "score",
            "via", "from", "patterns", "text", "role", "sentences", "headline", "lead",
            "error", "offset", "message")
    blank = dict.fromkeys(keys)
    rows = []
    for rec in results:
        base = dict(blank, document=rec.get("document"), id=rec.get("id"),
                    digest=rec.get("digest"))
        for s in rec.get("sentences", ()):
            for t in s["topics"]:
                rows.append(dict(base, row="sentence", sentence=s["index"], start=s["start"],
                                 end=s["end"], topic=t["id"], score=t["score"],
                                 via=t.get("via", "direct"), **{"from": t.get("from")},
                                 patterns=" ".join(m["pattern"] for m in t.get("matches", ())),
                                 text=s["text"]))
        for t in rec.get("topics", ()):
            rows.append(dict(base, row="article", topic=t["id"], role=t["role"],
                             sentences=t["sentences"], score=t["score"],
                             headline=t["headline"], lead=t["lead"]))
        for e in rec.get("errors", ()):
            rows.append(dict(base, row="error", error=e["code"], offset=e.get("offset"),
                             message=e["message"]))
    return rows
