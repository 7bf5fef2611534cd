# Fuzzing with libFuzzer: one target per parser, tests/fuzz/fuzz-*.c,
# each with a seed corpus in tests/fuzz/corpus/NAME.  Included by the
# Makefile.  xueji — GPL-3.0-or-later.
#
#   make fuzz                  every target for FUZZ_SECONDS (60) each
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="yaml lineedit"
#   make fuzz-ci               every target briefly (FUZZ_CI_SECONDS, 8)
#   make fuzz-build            only build them, in $(B)/fuzz
#
# The library is compiled again into $(B)/fuzz with clang, coverage and
# ASan+UBSan, apart from the normal objects.  New inputs a run finds go
# to $(B)/fuzz/corpus/NAME (kept between runs of make fuzz), never into
# the repository; a crash is saved as $(B)/fuzz/crash/NAME-crash-… and
# the run fails.  Make each crash a numbered regression case:
#   cp $(B)/fuzz/crash/NAME-crash-… tests/fuzz/regress/NAME-NNN
# which tests/test-fuzz-regress.c replays under make test.

# clang and its compiler-rt (libFuzzer, the sanitizers): Debian 12.
FUZZ_DEBS	 = clang libclang-rt-14-dev
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_CI_SECONDS	?= 8
FUZZ_ALL	 = yaml config roles form validate keyslots checkpoint lineedit \
		   csv
FUZZ_TARGETS	?= $(FUZZ_ALL)
# Extra libFuzzer options, e.g. FUZZ_FLAGS=-jobs=2.
FUZZ_FLAGS	?=

FB		 = $(B)/fuzz
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	 = $(WARN) -O1 -g $(FUZZ_SAN) $(PKG_CFLAGS)
# The parsers and what they call; the UI only for its line editor.
FUZZ_LIBOBJ	 = $(LIBSRC:%.c=$(FB)/%.o) $(FB)/src/ui/lineedit.o
FUZZ_LIB	 = $(FB)/libxueji-fuzz.a
FUZZ_BIN	 = $(FUZZ_ALL:%=$(FB)/fuzz-%)

# Can clang link a fuzzer here?  If not, say which packages are missing.
fuzz-check:
	@mkdir -p $(FB)
	@printf '%s\n' '#include <stddef.h>' \
	    'int LLVMFuzzerTestOneInput(const unsigned char *, size_t);' \
	    'int LLVMFuzzerTestOneInput(const unsigned char *d, size_t n)' \
	    '{ (void)d; (void)n; return 0; }' > $(FB)/check.c
	@if ! $(FUZZ_CC) -fsanitize=fuzzer,address,undefined \
	    -o $(FB)/check $(FB)/check.c >$(FB)/check.log 2>&1; then \
	    cat $(FB)/check.log; \
	    echo "fuzz: $(FUZZ_CC) cannot link a libFuzzer target."; \
	    echo "fuzz: install the Debian packages: $(FUZZ_DEBS)"; \
	    echo "fuzz:   sudo apt-get install $(FUZZ_DEBS)"; \
	    exit 1; \
	fi

$(FB)/%.o: %.c | fuzz-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Itests $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $(FUZZ_LIBOBJ)

$(FB)/fuzz-%: $(FB)/tests/fuzz/fuzz-%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) \
	    $(PKG_LIBS)

-include $(FUZZ_LIBOBJ:.o=.d) $(FUZZ_ALL:%=$(FB)/tests/fuzz/fuzz-%.d)

fuzz-build: $(FUZZ_TARGETS:%=$(FB)/fuzz-%)

# $(call fuzz-run,SECONDS,FRESH): run each target on its seeds, the
# regression inputs and (unless FRESH) what earlier runs found; new
# inputs go to the scratch corpus.  Every target runs even after one
# fails; the recipe fails at the end, naming them.
define fuzz-run
	@failed=; \
	for t in $(FUZZ_TARGETS); do \
	    work=$(FB)/corpus/$$t; \
	    if [ -n "$(2)" ]; then rm -rf $$work; fi; \
	    mkdir -p $$work $(FB)/crash; \
	    for r in tests/fuzz/regress/$$t-[0-9]*; do \
	        [ -f "$$r" ] && cp "$$r" $$work/; \
	    done; \
	    dict=; \
	    case $$t in \
	    yaml|config|roles|form) dict=-dict=tests/fuzz/yaml.dict;; \
	    keyslots) dict=-dict=tests/fuzz/keyslots.dict;; \
	    checkpoint) dict=-dict=tests/fuzz/checkpoint.dict;; \
	    esac; \
	    echo "fuzz-$$t: $(1) s"; \
	    if $(FB)/fuzz-$$t -max_total_time=$(1) -timeout=10 \
	        -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
	        -artifact_prefix=$(FB)/crash/$$t- $$dict $(FUZZ_FLAGS) \
	        $$work tests/fuzz/corpus/$$t >$(FB)/fuzz-$$t.log 2>&1; then \
	        sed -n 's/^stat::number_of_executed_units: */  runs: /p; \
	            s/^stat::average_exec_per_sec: */  exec\/s: /p; \
	            s/^stat::new_units_added: */  new inputs: /p' \
	            $(FB)/fuzz-$$t.log; \
	    else \
	        tail -n 40 $(FB)/fuzz-$$t.log; \
	        echo "fuzz-$$t: FAILED (log: $(FB)/fuzz-$$t.log;" \
	            "input: $(FB)/crash/$$t-*)"; \
	        failed="$$failed $$t"; \
	    fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crash"
endef

fuzz: fuzz-build
	$(call fuzz-run,$(FUZZ_SECONDS),)

fuzz-ci: fuzz-build
	$(call fuzz-run,$(FUZZ_CI_SECONDS),fresh)

.PHONY: fuzz fuzz-ci fuzz-build fuzz-check
