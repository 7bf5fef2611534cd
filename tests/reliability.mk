# make reliability: the long forms of issue 8's suite — 1,000 kill -9s,
# four processes for 5,000 operations each, the full disk, corrupt files
# and the leak scans, several rounds — ending with one table of figures;
# then every fuzz target for FUZZ_SECONDS, the whole suite under ASan and
# UBSan, and the unit tests under valgrind.
# Included from the Makefile; the short forms run in `make test`.

REL_KILLS ?= 1000
REL_OPS	  ?= 5000
REL_ROUNDS ?= 5
REL	   = $(B)/reliability

reliability: tests
	@rm -rf $(REL) && mkdir -p $(REL)
	@fail=0; export XUEJI=$(B)/$(PACKAGE); \
	run() { name=$$1; shift; echo "reliability: $$name"; \
	    "$$@" >$(REL)/$$name.log 2>&1 || \
	    { echo "FAILED: $$name (see $(REL)/$$name.log)"; \
	      echo "FIGURES $$name runs=0 ops=0 lost=0 corrupt=0 crashes=1 leaks=0" \
	      >>$(REL)/$$name.log; fail=1; }; }; \
	run crash env RELIABILITY_KILLS=$(REL_KILLS) $(B)/tests/test-crash; \
	run concurrency env RELIABILITY_OPS=$(REL_OPS) \
	    $(B)/tests/test-concurrency; \
	i=1; while [ $$i -le $(REL_ROUNDS) ]; do \
	    run fullfs-$$i $(B)/tests/test-fullfs; \
	    run corrupt-$$i $(B)/tests/test-corrupt; \
	    run leaks-$$i tests/test-leaks.sh; \
	    run leaks-proc-$$i $(B)/tests/test-leaks-proc; \
	    i=$$((i + 1)); \
	done; \
	sh tests/reliability-table.sh $(REL)/*.log || fail=1; \
	$(MAKE) -s fuzz || fail=1; \
	$(MAKE) -s ASAN=1 test || fail=1; \
	$(MAKE) -s valgrind || fail=1; \
	exit $$fail

.PHONY: reliability
