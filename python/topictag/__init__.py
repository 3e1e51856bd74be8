"""topictag - rule-based topic classification of news text, over libtopictag.so (ctypes).

    import topictag
    rs = topictag.Ruleset.from_path("rules")          # or Ruleset.from_yaml(text)
    rec = rs.classify("Chinese warships drilled near Taiwan on Monday.")
    rec["topics"]       # per-article topics with role, as in `topictag classify -f jsonl`

classify() returns exactly the record `topictag classify -f jsonl` writes for the document
(it is rendered by the library and parsed with json.loads).  A ruleset is compiled once and
shared by threads; each thread gets its own scanner, created on first use.  See docs/python.md.
"""
import ctypes
import hashlib
import json
import os
import threading

from . import _lib
from ._lib import Error as _Error

__all__ = ["Ruleset", "RuleError", "DocumentError", "version", "to_records", "lib_version"]

_L = _lib.load()

# Document errors that reject the whole document (no sentences): see tt_doc_error.
_REJECTED = {"invalid-utf8", "binary", "empty", "too-large"}


def lib_version():
    """The version of the loaded libtopictag (TT_VERSION)."""
    return _L.tt_version().decode()


version = lib_version()
__version__ = version

# The version of the JSON the CLI and the library write ("schema" in every record; the
# library's TT_JSON_SCHEMA, docs/schema/): records built here in Python carry the same.
SCHEMA = 1


class RuleError(ValueError):
    """Rules that failed to load.  str() is the first error as `file:line:col: error: msg`;
    .file, .line, .column, .code, .message describe it; .diagnostics lists every problem
    (errors and warnings) as (severity, file, line, column, code, message) tuples."""

    def __init__(self, file, line, column, code, message, diagnostics):
        self.file, self.line, self.column = file, line, column
        self.code, self.message, self.diagnostics = code, message, diagnostics
        super().__init__(f"{file}:{line}:{column}: error: {message}")


class DocumentError(ValueError):
    """A document the engine rejected or could not fully classify (invalid UTF-8, NUL bytes,
    empty, too large, a match limit).  .code ("invalid-utf8", ...), .offset (a byte offset in
    the document), .message, and .record: the JSON Lines record the CLI writes for it, whose
    "errors" list holds every error of the document."""

    def __init__(self, record):
        e = record["errors"][0]
        self.code, self.offset, self.message, self.record = (
            e["code"], e.get("offset"), e["message"], record)
        super().__init__(f"{record.get('document', '-')}: {e['message']}")


def _decode(b):
    return b.decode("utf-8", "surrogateescape")


def _as_bytes(text):
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    # a lone surrogate becomes bytes that are not UTF-8, which the engine rejects as it
    # would in a file, rather than a UnicodeEncodeError before the engine sees them
    return text.encode("utf-8", "surrogatepass")


def _record_id(v):
    """An id as the CLI carries it from a JSON record: a string, or an integer written out;
    other values (floats, booleans, null) carry none."""
    if isinstance(v, str):
        return v.encode("utf-8", "surrogatepass")
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v).encode()
    return None


def _titled(title, data):
    """The document the engine reads for a text with a title, as the CLI builds it for a JSON
    Lines record's title: the title on one line (line ends made spaces), a blank line, the
    text.  An empty title (or None) adds nothing."""
    if not title:
        return data
    t = _as_bytes(title).replace(b"\r", b" ").replace(b"\n", b" ")
    return t + b"\n\n" + _as_bytes(data)


def _jsonl_record(line, text_field="text", id_field="id", title_field="title"):
    """(id, text, problem) from one JSON Lines record, as the CLI reads it: problem is the
    bad-input message when the line is not a JSON object with a string text field.  A string
    title_field becomes the headline (see _titled); title_field "" or None: none."""
    try:
        o = json.loads(line)
    except ValueError as e:
        return None, None, f"malformed JSON record: {e}"
    if not isinstance(o, dict):
        return None, None, "malformed JSON record: not a JSON object"
    if not isinstance(o.get(text_field), str):
        return o.get(id_field), None, f"record has no string field '{text_field}'"
    title = o.get(title_field) if title_field else None
    if isinstance(title, str) and title:
        return o.get(id_field), _titled(title, o[text_field]), None
    return o.get(id_field), o[text_field], None


def _walk(root, suffixes=(b".yaml", b".yml")):
    """The files below root ending in one of suffixes, in the order the library and the CLI
    walk folders: names sorted bytewise, folders walked where they sort, dot files skipped."""
    out, seen = [], set()

    def rec(d):
        st = os.stat(d)
        if (st.st_dev, st.st_ino) in seen:
            return   # a symlink back to a folder being walked: the loader skips it too
        seen.add((st.st_dev, st.st_ino))
        for n in sorted(os.listdir(os.fsencode(d))):
            if n.startswith(b"."):
                continue
            full = os.path.join(os.fsencode(d), n)
            if os.path.isdir(full):
                rec(full)
            elif n.endswith(suffixes):
                out.append(os.fsdecode(full))
        seen.discard((st.st_dev, st.st_ino))

    rec(root)
    return out


class _Handle:
    """Owns the compiled ruleset and the JSON Lines renderer; freed when the last Ruleset or
    scanner holding it goes."""

    def __init__(self, rs):
        self.rs = rs
        opt = _lib.ReportOptions(format=_lib.TT_FORMAT_JSONL)
        self.rep = _L.tt_report_new(rs, ctypes.byref(opt), None)
        if not self.rep:
            _L.tt_ruleset_free(rs)
            raise MemoryError("topictag: out of memory")

    def __del__(self):
        if getattr(self, "rep", None):
            _L.tt_report_free(self.rep)
            self.rep = None
        if getattr(self, "rs", None):
            _L.tt_ruleset_free(self.rs)
            self.rs = None


class _Scanner:
    """One thread's scanner and render buffer.  It keeps the handle alive: a scanner must not
    outlive its ruleset."""

    def __init__(self, handle, limits, explain):
        self.handle = handle
        self.sc = _L.tt_scanner_new(handle.rs, ctypes.byref(limits))
        if not self.sc:
            raise MemoryError("topictag: out of memory")
        if explain:
            _L.tt_scanner_set_explain(self.sc, 1)
        self.buf = _lib.ReportBuf()

    def __del__(self):
        if getattr(self, "sc", None):
            _L.tt_scanner_free(self.sc)
            self.sc = None
        if getattr(self, "buf", None) is not None:
            _L.tt_report_buf_release(ctypes.byref(self.buf))
            self.buf = None


class Ruleset:
    """A compiled ruleset: immutable, safe to share between threads.  Build one with
    from_path, from_yaml or from_sources; each raises RuleError when the rules have errors."""

    def __init__(self, sources, max_document=None, max_sentence=None, no_prefilter=False,
                 display=None):
        """sources: a list of (name, YAML text as str or bytes), loaded in order as the files
        of one rule folder.  Names appear in error messages (display, a list of other names,
        replaces them there); the digest covers names and text."""
        self.sources = [(n, _as_bytes(t)) for n, t in sources]
        self._display = display or [n for n, _ in self.sources]
        self._limits = _lib.Limits()
        _L.tt_limits_init(ctypes.byref(self._limits))
        if max_document is not None:
            self._limits.max_document = max_document
        if max_sentence is not None:
            self._limits.max_sentence = max_sentence
        self._limits.no_jit = os.environ.get("TOPICTAG_NO_JIT", "0") not in ("", "0")
        self._limits.no_prefilter = bool(no_prefilter)
        self._handle = _Handle(self._build())
        self._local = threading.local()
        self.topics = [_L.tt_ruleset_topic(self._handle.rs, i).contents.id.decode()
                       for i in range(_L.tt_ruleset_topic_count(self._handle.rs))]
        h = hashlib.sha256(b"topictag-rules\0" + version.encode() + b"\0")
        for name, text in self.sources:
            h.update(b"%s\0%d\0" % (os.fsencode(name), len(text)))
            h.update(text)
        self.digest = "sha256:" + h.hexdigest()

    def _build(self):
        ld = _L.tt_loader_new()
        if not ld:
            raise MemoryError("topictag: out of memory")
        try:
            for name, (_, text) in zip(self._display, self.sources):
                if _L.tt_loader_add_buffer(ld, os.fsencode(name), text, len(text)) < 0:
                    raise MemoryError("topictag: out of memory")
            err = _Error()
            rs = _L.tt_loader_build(ld, ctypes.byref(err))
            if rs:
                return rs
            diags = []
            for i in range(_L.tt_loader_diag_count(ld)):
                d = _L.tt_loader_diag(ld, i).contents
                diags.append(("error" if d.severity == _lib.TT_SEV_ERROR else "warning",
                              _decode(d.error.file), d.error.line, d.error.column,
                              _L.tt_status_name(d.error.code).decode(),
                              _decode(d.error.message)))
            raise RuleError(_decode(err.file), err.line, err.column,
                            _L.tt_status_name(err.code).decode(), _decode(err.message), diags)
        finally:
            _L.tt_loader_free(ld)

    @classmethod
    def from_path(cls, path, **kw):
        """A rule file, or every *.yaml / *.yml file below a folder (sorted, recursive), as
        `topictag -r PATH` reads them.  Sources are named by their path relative to a folder
        (so the digest does not depend on where the folder is); errors name the full path."""
        path = os.fspath(path)
        if not os.path.isdir(path):
            with open(path, "rb") as f:
                return cls([(os.path.basename(path), f.read())], display=[path], **kw)
        files = _walk(path)
        if not files:
            raise RuleError(path, 0, 0, "rule", "no *.yaml rule files in this folder", [])
        sources = []
        for full in files:
            with open(full, "rb") as f:
                sources.append((os.path.relpath(full, path), f.read()))
        return cls(sources, display=files, **kw)

    @classmethod
    def from_yaml(cls, text, name="<yaml>", **kw):
        """Rules held in a string: one rule file's text, named name in error messages."""
        return cls([(name, text)], **kw)

    def _scanner(self, explain=False):
        key = "explain" if explain else "scanner"
        sc = getattr(self._local, key, None)
        if sc is None:
            sc = _Scanner(self._handle, self._limits, explain)
            setattr(self._local, key, sc)
        return sc

    def _run(self, fn, sc, data):
        err = _Error()
        r = fn(sc.sc, data, len(data), ctypes.byref(err))
        if not r:
            raise MemoryError("topictag: " + _decode(err.message))
        return r

    def classify(self, text, title=None, *, id=None, name="-", errors="raise"):
        """Classifies one document (str, or bytes that should be UTF-8) and returns the record
        `topictag classify -f jsonl` writes for it: document, id (when given), bytes,
        sentences (spans, kind, text, topics with score, matches, via/from), topics (per
        article: sentences, score, role, headline, lead) and errors.  title, when given,
        becomes the headline: the document is the title (its line ends made spaces), a blank
        line, then text, as the CLI reads a JSON Lines record's title, and offsets count
        from the start of the title.  A document with an error raises DocumentError (its
        .record is the record), or with errors="record" is returned like any other."""
        rec = json.loads(self.render(text, title, id=id, name=name))
        if rec["errors"] and errors == "raise":
            raise DocumentError(rec)
        return rec

    def render(self, text, title=None, *, id=None, name="-"):
        """The JSON Lines record of classify as bytes, exactly as `topictag classify -f jsonl`
        writes it (newline included), errors included; for writing records straight out.
        title, when given, becomes the headline as in classify."""
        data = _titled(title, _as_bytes(text))
        sc = self._scanner()
        r = self._run(_L.tt_classify, sc, data)
        rc = _L.tt_report_render(self._handle.rep, os.fsencode(name), _record_id(id), r, None,
                                 ctypes.byref(sc.buf))
        if rc != 0:
            raise MemoryError("topictag: out of memory")
        return ctypes.string_at(sc.buf.data, sc.buf.len)

    def render_failed(self, message, *, code="bad-input", id=None, name="-"):
        """The JSON Lines record the CLI writes for a document it could not read ("io") or an
        input record it could not use ("bad-input": a line that is not a JSON object, or has
        no string text field): no sentences, the error with message."""
        err = _Error(code={"io": _lib.TT_ERR_IO, "bad-input": _lib.TT_ERR_INPUT}[code],
                     message=message.encode()[:255])
        sc = self._scanner()
        rc = _L.tt_report_render(self._handle.rep, os.fsencode(name), _record_id(id), None,
                                 ctypes.byref(err), ctypes.byref(sc.buf))
        if rc != 0:
            raise MemoryError("topictag: out of memory")
        return ctypes.string_at(sc.buf.data, sc.buf.len)

    def classify_many(self, docs, **kw):
        """Yields a record per document of docs (texts, or (id, text) pairs) without stopping at
        a bad one: its record carries the errors, as the CLI's batch output does."""
        for d in docs:
            if isinstance(d, tuple):
                yield self.classify(d[1], id=d[0], errors="record", **kw)
            else:
                yield self.classify(d, errors="record", **kw)

    def segment(self, text):
        """The sentences the engine sees, as `topictag segment -f jsonl` lists them: schema,
        index, start, end (byte offsets), paragraph, text.  Raises DocumentError for a rejected
        document."""
        data = _as_bytes(text)
        sc = self._scanner()
        r = self._run(_L.tt_segment, sc, data)
        self._raise_rejected(r, data)
        n = ctypes.c_size_t()
        s = _L.tt_result_sentences(r, ctypes.byref(n))
        return [{"schema": SCHEMA, "index": i, "start": s[i].start, "end": s[i].end,
                 "paragraph": s[i].paragraph, "text": _decode(data[s[i].start:s[i].end])}
                for i in range(n.value)]

    def _raise_rejected(self, r, data, name="-"):
        n = ctypes.c_size_t()
        e = _L.tt_result_errors(r, ctypes.byref(n))
        if n.value:
            raise DocumentError({"document": name, "bytes": len(data), "errors": [
                {"code": _L.tt_status_name(e[i].code).decode(), "offset": e[i].offset,
                 "message": _decode(e[i].message)} for i in range(n.value)]})

    def explain(self, text, topic=None, name="--text"):
        """Why each sentence was or was not tagged: the document object of
        `topictag explain -f json` ({"document", "sentences": [{index, start, end, text,
        topics: [...]}]}), each topic with its matches, condition clauses, context and, when
        not tagged, why_not.  topic (an id) limits it to that topic, including the sentences
        where it was not tagged.  Slower than classify: every pattern runs on every sentence."""
        from ._explain import explain
        return explain(self, text, topic, name)

    def pattern(self, i):
        return _L.tt_ruleset_pattern(self._handle.rs, i).contents

    def topic_info(self, i):
        return _L.tt_ruleset_topic(self._handle.rs, i).contents

    def __getstate__(self):
        # what travels to a Dask worker: the YAML text and its digest, never a compiled ruleset
        return {"sources": self.sources, "digest": self.digest}

    def __setstate__(self, state):
        rs = _cached(state["sources"], state["digest"])
        self.__dict__.update(rs.__dict__)

    def __repr__(self):
        return f"<topictag.Ruleset {len(self.topics)} topics {self.digest[:19]}>"


_CACHE = {}
_CACHE_LOCK = threading.Lock()


def _cached(sources, digest):
    """The ruleset for these sources, compiled once per process and kept by digest.  Refuses
    sources whose digest here differs from the one they travelled with (other rules or
    another library version on this machine)."""
    with _CACHE_LOCK:
        rs = _CACHE.get(digest)
        if rs is None:
            rs = Ruleset(sources)
            if rs.digest != digest:
                raise RuleError("<digest>", 0, 0, "rule",
                                f"ruleset digest {rs.digest} here differs from {digest} "
                                f"(another library version: this one is {version})", [])
            _CACHE[digest] = rs
        return rs


from ._records import to_records  # noqa: E402
