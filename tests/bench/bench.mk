# make bench [BENCH_N=…]: grow a synthetic branch to 10,000, 100,000 and
# 1,000,000 students (BENCH_N caps it) and print how fast the counter's
# and the auditor's operations are against bare SQLCipher.  Not part of
# make test.  See tests/bench/RESULTS.md.

BENCH_N	?= 1000000
BENCHSRC = $(sort $(wildcard tests/bench/*.c))
BENCHOBJ = $(BENCHSRC:%.c=$(B)/%.o)
BENCHDATA = $(B)/bench-data

$(B)/bench/xueji-bench: $(BENCHOBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BENCHOBJ) $(LIB) $(PKG_LIBS) -lm

bench: $(B)/bench/xueji-bench
	rm -rf $(BENCHDATA) && mkdir -m 700 -p $(BENCHDATA)
	$(B)/bench/xueji-bench -d $(CURDIR)/$(BENCHDATA)/branch -n $(BENCH_N)

-include $(BENCHOBJ:.o=.d)

.PHONY: bench
