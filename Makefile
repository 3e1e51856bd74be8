# topictag - rule-based topic classifier.  `make run` classifies samples/, `make test` tests all.
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O3 -g
WERROR  ?= -Werror
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 $(WERROR)
PKGS     = libpcre2-8 yaml-0.1 jansson $(HS_PKG)
B       ?= build
# The shared library's ABI: SOVERSION is the SONAME's number (libtopictag.so.1), bumped when the
# ABI breaks; SOFULL names the file.  The links libtopictag.so.1 and libtopictag.so point at it.
SOVERSION = 1
SOFULL    = $(SOVERSION).0.0
# the Python whose site-packages `make install` puts the topictag package in
PYTHON  ?= python3
PYTHON_SITE ?= $(shell $(PYTHON) scripts/python-site.py $(PREFIX) 2>/dev/null)
# HYPERSCAN=auto (default) builds the optional Hyperscan/Vectorscan prefilter when pkg-config
# finds libhs; HYPERSCAN=no leaves it out.
HYPERSCAN ?= auto
HS_PKG   = $(if $(filter no,$(HYPERSCAN)),,$(shell pkg-config --exists libhs 2>/dev/null && echo libhs))
HS_DEF   = $(if $(HS_PKG),-DTT_HAVE_HS)

ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

DEPS_OK := $(B)/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -fPIC \
             -fvisibility=hidden -DTT_BUILDING $(HS_DEF) $(PKG_CFLAGS) \
             -DTT_DEFAULT_RULES='"$(PREFIX)/share/topictag/rules"'

LIB_SRC  = $(wildcard src/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
LIB_OBJ  = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ  = $(CLI_SRC:src/cli/%.c=$(B)/obj/cli/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps run test unit-test cli-test rules-test eval-baseline holdout install-test valgrind-test clean install \
        uninstall bench golden soak soak-test memory-test browser-test screenshot python-test

all: $(B)/topictag $(B)/libtopictag.a $(B)/libtopictag.so

$(DEPS_OK): scripts/deps.sh
	@mkdir -p $(B)
	@sh scripts/deps.sh
	@touch $@

deps: $(DEPS_OK)

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) include/topictag.h $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) include/topictag.h $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
	  $(PKG_CFLAGS) -DTT_DEFAULT_RULES='"$(PREFIX)/share/topictag/rules"' -c -o $@ $<

$(B)/libtopictag.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libtopictag.so.$(SOFULL): $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libtopictag.so.$(SOVERSION) -o $@ $^ $(PKG_LIBS) -lpthread -lm

# the links ldconfig and the linker follow: .so.1 (the SONAME) and .so (for -ltopictag)
$(B)/libtopictag.so: $(B)/libtopictag.so.$(SOFULL)
	ln -sf libtopictag.so.$(SOFULL) $(B)/libtopictag.so.$(SOVERSION)
	ln -sf libtopictag.so.$(SOVERSION) $@

$(B)/topictag: $(CLI_OBJ) $(B)/libtopictag.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libtopictag.a $(PKG_LIBS) -lpthread -lm

# a unit test of a CLI module links that module's object too
$(B)/tests/test_jsonl: $(B)/obj/cli/jsonl.o

$(B)/tests/%: tests/unit/%.c $(B)/libtopictag.a include/topictag.h $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc \
	  $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(filter %.o,$^) $(B)/libtopictag.a \
	  $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lpthread -lm

# The main job: classify the sample articles with the shipped rules.
run: $(B)/topictag
	$(B)/topictag classify -r rules samples

unit-test: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

cli-test: $(B)/topictag $(B)/libtopictag.so
	@TT_SANITIZE='$(SANITIZE)' sh tests/cli/run.sh $(B)/topictag

# The shipped rules: valid, their inline examples pass, and the samples evaluation does not
# fall below the saved baseline (refresh it on purpose: make eval-baseline).
rules-test: $(B)/topictag
	$(B)/topictag check -r rules
	$(B)/topictag test -r rules
	$(B)/topictag eval -r rules --gold samples/gold.jsonl --min-f1 0.6 \
	  --baseline tests/eval-baseline.json

eval-baseline: $(B)/topictag
	$(B)/topictag eval -r rules --gold samples/gold.jsonl -f json > tests/eval-baseline.json

# The held-out wire set (samples/holdout/README.md): a measurement, not a gate; never tune on it.
holdout: $(B)/topictag
	$(B)/topictag eval -r rules --gold samples/holdout/gold.jsonl samples/holdout/

# Installs into a scratch folder and runs the installed command and library from there.
install-test: all
	@rm -rf $(B)/install-test
	@$(MAKE) -s install DESTDIR=$(CURDIR)/$(B)/install-test PREFIX=/usr >/dev/null
	@d=$(B)/install-test/usr; \
	  $$d/bin/topictag check -r $$d/share/topictag/rules 2>/dev/null >/dev/null && \
	  $$d/bin/topictag --version >/dev/null && \
	  man -l $$d/share/man/man1/topictag.1 >/dev/null 2>&1 && \
	  test -f $$d/share/topictag/schema/classify-jsonl.json && \
	  printf '#include <topictag.h>\nint main(void){return tt_version()[0]==0;}\n' > $(B)/install-test/t.c && \
	  PKG_CONFIG_PATH=$$d/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/$(B)/install-test \
	    $(CC) $(CFLAGS) $(LDFLAGS) -o $(B)/install-test/t $(B)/install-test/t.c \
	    $$(PKG_CONFIG_PATH=$$d/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/$(B)/install-test pkg-config --cflags --libs --static topictag) && \
	  LD_LIBRARY_PATH=$$d/lib $(B)/install-test/t && \
	  readelf -d $$d/lib/libtopictag.so.$(SOFULL) | grep -q 'SONAME.*\[libtopictag\.so\.$(SOVERSION)\]' && \
	  [ "$$(readlink $$d/lib/libtopictag.so)" = libtopictag.so.$(SOVERSION) ] && \
	  [ "$$(readlink $$d/lib/libtopictag.so.$(SOVERSION))" = libtopictag.so.$(SOFULL) ] && \
	  readelf -d $(B)/install-test/t | grep -q 'NEEDED.*\[libtopictag\.so\.$(SOVERSION)\]' && \
	  echo "install: SONAME libtopictag.so.$(SOVERSION), links .so -> .so.$(SOVERSION) -> .so.$(SOFULL)" || \
	  { echo "install: FAILED (the command, the library, its SONAME or its links)"; exit 1; }; \
	  cd / && $(if $(SANITIZE),LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" ASAN_OPTIONS=detect_leaks=0) \
	  PYTHONPATH=$(CURDIR)/$(B)/install-test$(PYTHON_SITE) TOPICTAG_LIB=$(CURDIR)/$$d/lib/libtopictag.so \
	    $(PYTHON) -c "import topictag, topictag._config as c; \
	      assert (c.LIBDIR, c.RULESDIR) == ('/usr/lib', '/usr/share/topictag/rules'), c.LIBDIR; \
	      rs = topictag.Ruleset.from_path('$(CURDIR)/'+'$$d/share/topictag/rules'); \
	      assert rs.classify('China held drills around Taiwan.')['topics']" && \
	  echo "install: 2 passed, 0 failed"

# The unit tests and the golden CLI runs under valgrind: no error, no leak.
valgrind-test: $(B)/topictag $(B)/libtopictag.so $(UNIT_BIN)
	@EXTRA_TOOLS=valgrind sh scripts/deps.sh
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
	  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 $$t > $$t.valgrind.log 2>&1 || { cat $$t.valgrind.log; exit 1; }; \
	  tail -n 1 $$t.valgrind.log; done
	@VALGRIND=1 sh tests/cli/run.sh $(B)/topictag

# Generated JSON Lines through stdin under a 256 MB address-space cap: SOAK_MB megabytes in
# `make test` (a short budget), 1 GB in `make soak`.
SOAK_MB ?= 16
soak-test: $(B)/topictag
	@$(if $(SANITIZE),SOAK_NO_CAP=1) sh tests/soak.sh $(B)/topictag $(SOAK_MB)

soak: $(B)/topictag
	@$(if $(SANITIZE),SOAK_NO_CAP=1) sh tests/soak.sh $(B)/topictag 1024

# The README's memory bound (issue 15): peak RSS of generated articles at -j 1 and -j 2.
$(B)/tests/peak_rss: tests/memory/peak_rss.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -D_DEFAULT_SOURCE -o $@ $<

memory-test: $(B)/topictag $(B)/tests/peak_rss
	@TT_SANITIZE='$(SANITIZE)' sh tests/memory.sh $(B)/topictag $(B)/tests/peak_rss

test: all unit-test rules-test cli-test soak-test memory-test install-test python-test browser-test

# The HTML report in headless Chromium (tests/browser/run.sh installs what it needs as root,
# else skips with the command to run).
browser-test: $(B)/topictag
	@sh tests/browser/run.sh $(B)/topictag

# The README's picture of the samples' report, remade on purpose.
screenshot: $(B)/topictag
	$(B)/topictag classify -r rules -f html -o $(B)/samples-report.html samples/*.txt samples/wire/*.txt
	chromium --headless --no-sandbox --hide-scrollbars --window-size=1100,1400 \
	  --screenshot=$(CURDIR)/docs/report.png file://$(CURDIR)/$(B)/samples-report.html

# The Python binding (python/topictag) under $(PYTHON) and Debian's python3, a Dask cluster on
# loopback, the GNU parallel recipe (python/tests/run.sh).
python-test: all
	@SANITIZE='$(SANITIZE)' PYTHON='$(PYTHON)' CC='$(CC)' sh python/tests/run.sh $(B)

# Rewrites the golden CLI outputs on purpose; review the diff before committing.
golden: $(B)/topictag
	@UPDATE=1 sh tests/cli/run.sh $(B)/topictag

bench: $(B)/topictag $(B)/libtopictag.so
	@python3 scripts/bench.py $(B)/topictag
	@/usr/bin/python3 scripts/bench_python.py $(B)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/topictag/rules \
	  $(DESTDIR)$(PREFIX)/share/topictag/schema $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/topictag $(DESTDIR)$(PREFIX)/bin/topictag
	install -m 644 $(B)/libtopictag.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libtopictag.so.$(SOFULL) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libtopictag.so.$(SOFULL) $(DESTDIR)$(PREFIX)/lib/libtopictag.so.$(SOVERSION)
	ln -sf libtopictag.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtopictag.so
	install -m 644 include/topictag.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 rules/*.yaml rules/README.md $(DESTDIR)$(PREFIX)/share/topictag/rules/
	install -m 644 docs/rules.md $(DESTDIR)$(PREFIX)/share/topictag/
	install -m 644 docs/python.md $(DESTDIR)$(PREFIX)/share/topictag/
	install -m 644 docs/schema/*.json docs/schema/README.md $(DESTDIR)$(PREFIX)/share/topictag/schema/
	install -m 644 docs/topictag.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@HS_PKG@|$(HS_PKG)|' -e 's|@VERSION@|$(shell sed -n 's/^#define TT_VERSION "\(.*\)"/\1/p' include/topictag.h)|' \
	  topictag.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/topictag.pc
	@# a real root (no DESTDIR): refresh the loader's cache so the new SONAME is found
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null 2>&1; then \
	  echo ldconfig; ldconfig || echo "topictag: ldconfig failed: run it as root" >&2; fi
	install -d $(DESTDIR)$(PYTHON_SITE)/topictag
	install -m 644 $(filter-out %/_config.py,$(wildcard python/topictag/*.py)) \
	  $(DESTDIR)$(PYTHON_SITE)/topictag/
	printf 'LIBDIR = "%s"\nRULESDIR = "%s"\n' '$(PREFIX)/lib' '$(PREFIX)/share/topictag/rules' \
	  > $(DESTDIR)$(PYTHON_SITE)/topictag/_config.py

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/topictag $(DESTDIR)$(PREFIX)/lib/libtopictag.a \
	  $(DESTDIR)$(PREFIX)/lib/libtopictag.so $(DESTDIR)$(PREFIX)/lib/libtopictag.so.$(SOVERSION) \
	  $(DESTDIR)$(PREFIX)/lib/libtopictag.so.$(SOFULL) $(DESTDIR)$(PREFIX)/include/topictag.h \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/topictag.pc $(DESTDIR)$(PREFIX)/share/man/man1/topictag.1
	rm -rf $(DESTDIR)$(PREFIX)/share/topictag $(DESTDIR)$(PYTHON_SITE)/topictag

clean:
	rm -rf $(B)

# ---- fuzz: libFuzzer harnesses (tests/fuzz/) ------------------------------------------------
# `make fuzz` builds the harnesses with clang (-fsanitize=fuzzer,address,undefined), replays
# tests/fuzz/regressions/<harness>/*, then fuzzes each harness for FUZZ_SECONDS (seeds built
# from the repo into $(B)/fuzz/corpus/); any crash, leak, timeout or sanitizer report fails.
# `make fuzz-regress` only replays the regression files (fast).  FUZZ_TARGETS picks harnesses.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_TARGETS ?= rules condition segment classify literal jsonl
FUZZ_CFLAGS   = -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer -Iinclude -Isrc -Itests/fuzz
FUZZ_BIN      = $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-regress

$(B)/.fuzz-deps-ok: scripts/deps.sh
	@mkdir -p $(B)
	@EXTRA_TOOLS=clang EXTRA_PKGS="clang libclang-rt-14-dev" sh scripts/deps.sh
	@touch $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(LIB_SRC) $(wildcard src/*.h) \
                  include/topictag.h $(B)/.fuzz-deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(HS_DEF) $(PKG_CFLAGS) -o $@ $(LIB_SRC) $< $(PKG_LIBS) -lpthread -lm

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh fuzz $(B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh regress $(B) $(FUZZ_TARGETS)
# ---- end fuzz -------------------------------------------------------------------------------
