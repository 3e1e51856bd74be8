"""_lib.py - the ctypes declarations of include/topictag.h that the binding uses.

Only what the package calls is declared; the structures mirror the header field for field.
The library is found, in order: $TOPICTAG_LIB (a path to libtopictag.so), the lib folder
`make install` wrote into _config.py, the build/ folder of a source tree this package sits in,
then the system's search path (ctypes.util.find_library).
"""
import ctypes
import ctypes.util
import os

c_size_t = ctypes.c_size_t
c_uint32 = ctypes.c_uint32
c_int = ctypes.c_int
c_long = ctypes.c_long
c_double = ctypes.c_double
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p


class Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("line", c_int), ("column", c_int),
                ("file", ctypes.c_char * 256), ("message", ctypes.c_char * 256)]


class Diag(ctypes.Structure):
    _fields_ = [("severity", c_int), ("error", Error)]


class Limits(ctypes.Structure):
    _fields_ = [("max_document", c_size_t), ("max_sentence", c_size_t),
                ("match_limit", c_uint32), ("depth_limit", c_uint32),
                ("heap_limit_kib", c_uint32), ("no_jit", c_int), ("no_prefilter", c_int)]


class Match(ctypes.Structure):
    _fields_ = [("pattern", c_uint32), ("start", c_size_t), ("end", c_size_t)]


class Sentence(ctypes.Structure):
    _fields_ = [("start", c_size_t), ("end", c_size_t), ("paragraph", c_uint32),
                ("kind", c_uint32), ("tag_first", c_size_t), ("tag_count", c_size_t)]


class DocError(ctypes.Structure):
    _fields_ = [("code", c_int), ("offset", c_size_t), ("pattern", c_long),
                ("message", ctypes.c_char * 200)]


class Trace(ctypes.Structure):
    _fields_ = [("sentence", c_uint32), ("topic", c_uint32), ("tagged", c_int),
                ("via_context", c_int), ("from_", c_size_t), ("vetoed", c_int),
                ("condition", c_int), ("context_source", c_int), ("context_from", c_long),
                ("context_link", c_long), ("when", c_int), ("via", c_int),
                ("article_from", c_long), ("article_when", c_int), ("breaks", c_int),
                ("stop", c_int), ("stop_at", c_long), ("score", c_double),
                ("threshold", c_double), ("match_first", c_size_t), ("match_count", c_size_t)]


class TopicInfo(ctypes.Structure):
    _fields_ = [("id", c_char_p), ("title", c_char_p), ("description", c_char_p),
                ("parent", c_char_p), ("file", c_char_p), ("line", c_int),
                ("threshold", c_double), ("has_context", c_int),
                ("context_window", c_uint32), ("context_article", c_int),
                ("has_article", c_int), ("article_reach", c_uint32),
                ("article_headline_only", c_int)]


class PatternInfo(ctypes.Structure):
    _fields_ = [("id", c_char_p), ("topic", c_uint32), ("exclude", c_int),
                ("weight", c_double), ("regex", c_char_p), ("file", c_char_p),
                ("line", c_int), ("column", c_int), ("prefiltered", c_int),
                ("literal_set", c_size_t)]


class ReportOptions(ctypes.Structure):
    _fields_ = [("format", c_int), ("tagged_only", c_int), ("summary", c_int),
                ("stream", c_int), ("select", c_int), ("select_topic", c_uint32),
                ("select_role", c_int), ("html_inline_max", ctypes.c_long),
                ("html_rules", c_char_p), ("html_date", c_char_p)]


class ReportBuf(ctypes.Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t), ("cap", c_size_t)]


TT_FORMAT_JSONL = 2
TT_ERR_IO = 2
TT_ERR_INPUT = 13
TT_SEV_ERROR = 0
TT_VIA_CONTEXT = 1
TT_VIA_ARTICLE = 2

P = ctypes.POINTER
_SIGNATURES = {
    "tt_version": (c_char_p, []),
    "tt_status_name": (c_char_p, [c_int]),
    "tt_loader_new": (c_void_p, []),
    "tt_loader_free": (None, [c_void_p]),
    "tt_loader_add_buffer": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t]),
    "tt_loader_build": (c_void_p, [c_void_p, P(Error)]),
    "tt_loader_diag_count": (c_size_t, [c_void_p]),
    "tt_loader_diag": (P(Diag), [c_void_p, c_size_t]),
    "tt_ruleset_free": (None, [c_void_p]),
    "tt_ruleset_topic_count": (c_size_t, [c_void_p]),
    "tt_ruleset_topic": (P(TopicInfo), [c_void_p, c_size_t]),
    "tt_ruleset_pattern_count": (c_size_t, [c_void_p]),
    "tt_ruleset_pattern": (P(PatternInfo), [c_void_p, c_size_t]),
    "tt_ruleset_find_topic": (c_long, [c_void_p, c_char_p]),
    "tt_ruleset_render_condition": (c_int, [c_void_p, c_size_t, c_int, P(Match), c_size_t,
                                            c_char_p, c_size_t]),
    "tt_limits_init": (None, [P(Limits)]),
    "tt_scanner_new": (c_void_p, [c_void_p, P(Limits)]),
    "tt_scanner_free": (None, [c_void_p]),
    "tt_scanner_set_explain": (None, [c_void_p, c_int]),
    "tt_classify": (c_void_p, [c_void_p, c_char_p, c_size_t, P(Error)]),
    "tt_segment": (c_void_p, [c_void_p, c_char_p, c_size_t, P(Error)]),
    "tt_result_sentences": (P(Sentence), [c_void_p, P(c_size_t)]),
    "tt_result_errors": (P(DocError), [c_void_p, P(c_size_t)]),
    "tt_result_traces": (P(Trace), [c_void_p, P(c_size_t)]),
    "tt_result_trace_matches": (P(Match), [c_void_p, P(c_size_t)]),
    "tt_stop_name": (c_char_p, [c_int]),
    "tt_report_new": (c_void_p, [c_void_p, P(ReportOptions), c_void_p]),
    "tt_report_free": (None, [c_void_p]),
    "tt_report_render": (c_int, [c_void_p, c_char_p, c_char_p, c_void_p, P(Error),
                                 P(ReportBuf)]),
    "tt_report_buf_release": (None, [P(ReportBuf)]),
}


def _candidates():
    env = os.environ.get("TOPICTAG_LIB")
    if env:
        return [env]
    found = []
    try:
        from . import _config
        found.append(os.path.join(_config.LIBDIR, "libtopictag.so"))
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    found.append(os.path.join(here, "..", "..", "build", "libtopictag.so"))
    found.append(ctypes.util.find_library("topictag") or "libtopictag.so")
    return found


def load():
    """The loaded library with its signatures declared; OSError naming every place tried."""
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({e})")
            continue
        for name, (res, args) in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args
        return lib
    raise OSError("topictag: cannot load libtopictag.so (set TOPICTAG_LIB to its path); tried: "
                  + "; ".join(tried))
