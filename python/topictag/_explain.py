"""_explain.py - Ruleset.explain: the object `topictag explain -f json` writes per document,
built from the library's traces (tt_result_traces) the way src/cli/explain.c builds it."""
import ctypes

from . import _lib

_L = _lib.load()


def _g(x):
    """A number as the CLI prints it (%g): six significant digits."""
    return float(f"{x:g}")


def _cond(rs, topic, when, m, n):
    buf = ctypes.create_string_buffer(2048)
    v = _L.tt_ruleset_render_condition(rs._handle.rs, topic, when, m, n, buf, len(buf))
    return {"value": v == 1, "clauses": buf.value.decode("utf-8", "surrogateescape")}


def _why_not(t, ti):
    if t.match_count == 0:
        return ["no pattern of the topic matched"]
    out = []
    if t.vetoed:
        out.append("vetoed by an exclusion")
    if not t.condition:
        out.append("condition false")
    if t.score < t.threshold:
        out.append(f"score {t.score:g} < threshold {t.threshold:g}")
    if ti.has_context and not t.vetoed and len(out) < 4:
        if t.context_source == 0:
            out.append(f"no context: no sentence within {ti.context_window} before it in its "
                       "paragraph carries the topic directly")
        elif not t.when:
            out.append("no context: context.when false")
    return out


def _trace(rs, data, t, tm):
    ti = rs.topic_info(t.topic)
    m = ctypes.cast(tm + t.match_first * ctypes.sizeof(_lib.Match),
                    ctypes.POINTER(_lib.Match)) if t.match_count else None
    o = {"id": ti.id.decode(), "tagged": bool(t.tagged)}
    if t.via_context:
        o["via"] = "article" if t.via == _lib.TT_VIA_ARTICLE else "context"
        o["from"] = t.from_
    if t.via == _lib.TT_VIA_CONTEXT and t.context_link >= 0:
        o["link"] = t.context_link
    o.update(score=_g(t.score), threshold=_g(t.threshold), vetoed=bool(t.vetoed),
             condition=_cond(rs, t.topic, 0, m, t.match_count))
    if ti.has_context:
        c = {"window": ti.context_window,
             "source": t.context_from if t.context_from >= 0 else None,
             "when": _cond(rs, t.topic, 1, m, t.match_count)}
        if ti.has_article:
            c["article"] = {"from": t.article_from if t.article_from >= 0 else None,
                            "when": _cond(rs, t.topic, 2, m, t.match_count)}
        c["breaks"] = bool(t.breaks)
        c["stop"] = ({"at": t.stop_at, "why": _L.tt_stop_name(t.stop).decode()}
                     if t.stop else None)
        o["context"] = c
    o["matches"] = []
    for i in range(t.match_count):
        pi = rs.pattern(m[i].pattern)
        o["matches"].append({"pattern": pi.id.decode(), "exclusion": bool(pi.exclude),
                             "weight": _g(pi.weight), "start": m[i].start, "end": m[i].end,
                             "text": data[m[i].start:m[i].end].decode("utf-8")})
    o["why_not"] = [] if t.tagged else _why_not(t, ti)
    return o


def explain(rs, text, topic, name):
    from . import _as_bytes
    data = _as_bytes(text)
    tix = -1
    if topic is not None:
        tix = _L.tt_ruleset_find_topic(rs._handle.rs, topic.encode())
        if tix < 0:
            raise KeyError(f"no such topic in the rules: {topic}")
    sc = rs._scanner(explain=True)
    r = rs._run(_L.tt_classify, sc, data)
    rs._raise_rejected(r, data, name)
    ns, nt, nm = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
    s = _L.tt_result_sentences(r, ctypes.byref(ns))
    tr = _L.tt_result_traces(r, ctypes.byref(nt))
    tm = _L.tt_result_trace_matches(r, ctypes.byref(nm))
    tm = ctypes.addressof(tm.contents) if nm.value else 0
    sentences, k = [], 0
    for i in range(ns.value):
        topics = []
        while k < nt.value and tr[k].sentence == i:
            t = tr[k]
            k += 1
            if (tix < 0 and not t.match_count) or (tix >= 0 and t.topic != tix):
                continue
            topics.append(_trace(rs, data, t, tm))
        sentences.append({"index": i, "start": s[i].start, "end": s[i].end,
                          "text": data[s[i].start:s[i].end].decode("utf-8"),
                          "topics": topics})
    return {"document": name, "sentences": sentences}
