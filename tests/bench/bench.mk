# make bench [BENCH_N=…]: grow a synthetic branch to 10,000, 100,000 and
# 1,000,000 students (BENCH_N caps it) and print how fast the counter's
# and the auditor's operations are against bare SQLCipher.  Not part of
# make test.  See tests/bench/RESULTS.md.

BENCH_N	?= 1000000
BENCHSRC = $(sort $(wildcard tests/bench/*.c))
BENCHOBJ = $(BENCHSRC:%.c=$(B)/%.o)
BENCHDATA = $(B)/bench-data

# The UI library: the bench draws the search screen into curses itself.
# tests/lib/hatch.o: store_db, the raw handle the bench times against.
$(B)/bench/xueji-bench: $(BENCHOBJ) $(B)/tests/lib/hatch.o $(UILIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BENCHOBJ) $(B)/tests/lib/hatch.o \
	    $(UILIB) $(LIB) \
	    $(PKG_LIBS) -lm

# build/xueji too: the bench times it starting to its login screen.
bench: $(B)/bench/xueji-bench $(B)/$(PACKAGE)
	rm -rf $(BENCHDATA) && mkdir -m 700 -p $(BENCHDATA)
	$(B)/bench/xueji-bench -d $(CURDIR)/$(BENCHDATA)/branch -n $(BENCH_N)

-include $(BENCHOBJ:.o=.d)

.PHONY: bench
