# xueji — student records for a training branch.  GPL-3.0-or-later.
#
#   make            build ./xueji
#   make run        install what is missing, build, open the demo branch
#   make test       build and run every test
#   make DEBUG=1    -O0 -g        make ASAN=1     ASan + UBSan
#   make WERROR=1   warnings are errors (CI)
#   make install PREFIX=/usr/local DESTDIR=

PACKAGE	 = xueji
VERSION	 = 0.1.0

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc/$(PACKAGE)
DATADIR	?= $(PREFIX)/share/$(PACKAGE)

CC	?= cc
PKG_CONFIG ?= pkg-config
PKGS	 = ncursesw sqlcipher yaml-0.1 libsodium
# libcrypto only so a test can decrypt SQLCipher pages on its own and
# prove that destroyed data are gone from every page (tests/lib/pages.c).
TESTPKGS = cmocka vterm libcrypto

# Debian packages that provide the above, for the deps step.
DEBS	 = pkg-config libncurses-dev libsqlcipher-dev libyaml-dev \
	   libsodium-dev libcmocka-dev libvterm-dev libssl-dev gettext mandoc \
	   unicode-data bzip2 locales tmux

WARN	 = -std=c11 -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	   -Wstrict-prototypes -Wwrite-strings -Wcast-qual -Wundef
ifeq ($(WERROR),1)
WARN	+= -Werror
endif

ifeq ($(DEBUG),1)
OPT	 = -O0 -g3
else
OPT	 = -O2 -g -D_FORTIFY_SOURCE=2
endif
ifeq ($(ASAN),1)
OPT	 = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined
LDSAN	 = -fsanitize=address,undefined
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TESTPKGS) 2>/dev/null)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs $(TESTPKGS) 2>/dev/null)

CPPFLAGS += -D_GNU_SOURCE -Iinclude -DPACKAGE='"$(PACKAGE)"' \
	    -DVERSION='"$(VERSION)"' -DLOCALEDIR='"$(PREFIX)/share/locale"'
CFLAGS	?=
CFLAGS	+= $(WARN) $(OPT) -fstack-protector-strong -fPIE $(PKG_CFLAGS)
LDFLAGS	+= -pie -Wl,-z,relro,-z,now $(LDSAN)

# Each kind of build has its own folder, so objects never mix.
ifeq ($(ASAN),1)
B	?= build-asan
else ifeq ($(DEBUG),1)
B	?= build-debug
else
B	?= build
endif
LIBSRC	 = $(sort $(wildcard src/platform/*.c src/keys/*.c src/store/*.c \
	   src/policy/*.c src/audit/*.c src/forms/*.c src/search/*.c \
	   src/session/*.c))
UISRC	 = $(sort $(wildcard src/ui/*.c))
CLISRC	 = $(sort $(wildcard src/cli/*.c))
# Generated at build time, never committed: the pinyin readings of every
# Han character, from Debian's unicode-data (Unihan), and the surnames'
# readings, from src/search/surnames.txt.
UNIHAN	?= /usr/share/unicode/Unihan_Readings.txt.bz2
GENSRC	 = $(if $(wildcard src/search/gen-pinyin.sh),$(B)/gen/pinyin-data.c) \
	   $(if $(wildcard src/search/gen-surnames.sh),$(B)/gen/surname-data.c)
LIBOBJ	 = $(LIBSRC:%.c=$(B)/%.o) $(GENSRC:.c=.o)
UIOBJ	 = $(UISRC:%.c=$(B)/%.o)
CLIOBJ	 = $(CLISRC:%.c=$(B)/%.o)
LIB	 = $(B)/libxueji.a
UILIB	 = $(B)/libxueji-ui.a

TESTSRC	 = $(sort $(wildcard tests/test-*.c))
TESTSH	 = $(sort $(wildcard tests/test-*.sh))
TESTBIN	 = $(TESTSRC:tests/%.c=$(B)/tests/%)
TESTLIB	 = $(sort $(wildcard tests/lib/*.c))
TESTLIBOBJ = $(TESTLIB:%.c=$(B)/%.o)

all: $(PACKAGE) $(B)/nocurses

$(PACKAGE): $(B)/$(PACKAGE)
	@cp $(B)/$(PACKAGE) $@.tmp && mv -f $@.tmp $@

$(B)/$(PACKAGE): $(CLIOBJ) $(UILIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLIOBJ) $(UILIB) $(LIB) $(PKG_LIBS)

# Everything below the interface builds without a terminal: the whole of
# libxueji.a links into a program without ncurses (build-aux/nocurses.c),
# so a curses call below src/ui fails the build, naming the symbol.
NOCURSES_LIBS := $(shell $(PKG_CONFIG) --libs $(filter-out ncursesw,$(PKGS)) \
	2>/dev/null)
$(B)/nocurses: build-aux/nocurses.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ build-aux/nocurses.c \
	    -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(NOCURSES_LIBS)

$(LIB): $(LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(UILIB): $(UIOBJ)
	@rm -f $@
	$(AR) rcs $@ $(UIOBJ)

$(B)/gen/pinyin-data.c: src/search/gen-pinyin.sh $(UNIHAN)
	@mkdir -p $(@D)
	sh src/search/gen-pinyin.sh $(UNIHAN) > $@.tmp && mv $@.tmp $@

$(B)/gen/surname-data.c: src/search/gen-surnames.sh src/search/surnames.txt
	@mkdir -p $(@D)
	sh src/search/gen-surnames.sh src/search/surnames.txt > $@.tmp && \
	    mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# LOCALEDIR is compiled in from PREFIX: main.o is rebuilt when PREFIX
# changes, so that `make install PREFIX=/usr` after a plain `make` does not
# install a binary looking for its catalogues under /usr/local.
$(B)/prefix.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
$(B)/src/cli/main.o: $(B)/prefix.stamp
FORCE:

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/lib/%.o: tests/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/test-%: $(B)/tests/test-%.o $(TESTLIBOBJ) $(UILIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

-include $(LIBOBJ:.o=.d) $(UIOBJ:.o=.d) $(CLIOBJ:.o=.d) $(TESTBIN:=.d) $(TESTLIBOBJ:.o=.d) \
	$(B)/tests/demo/make-demo.d

# Install the Debian packages the build and the tests need, when missing;
# SQLCipher 4.6 or later, from bookworm-backports on Debian 12
# (build-aux/deps.sh says how).
deps:
	@sh build-aux/deps.sh $(DEBS)

# SQLCipher 4.6 or later, or no build.  Its pkg-config file gives the
# version of the SQLite it embeds: 3.45.3 in 4.6.0 (and in 4.5.7, which
# the program refuses when it starts: PRAGMA cipher_version, store.c).
SQLCIPHER_SQLITE_MIN = 3.45.3
sqlcipher-check:
	@$(PKG_CONFIG) --atleast-version=$(SQLCIPHER_SQLITE_MIN) sqlcipher || { \
	    v=$$($(PKG_CONFIG) --modversion sqlcipher 2>/dev/null); \
	    echo "xueji needs SQLCipher 4.6 or later, which embeds SQLite" \
	        "$(SQLCIPHER_SQLITE_MIN) or later; pkg-config finds" \
	        "$${v:+one embedding SQLite }$${v:-no sqlcipher}." \
	        "On Debian 12, make deps takes it from bookworm-backports." \
	        >&2; exit 1; }
$(LIBOBJ) $(UIOBJ) $(CLIOBJ) $(TESTLIBOBJ): | sqlcipher-check

# Naming the objects keeps make from deleting them as intermediates.
tests: $(B)/$(PACKAGE) $(B)/nocurses $(TESTBIN) $(TESTBIN:=.o)

test: deps
	$(MAKE) tests
	@XUEJI=$(B)/$(PACKAGE) tests/run-tests $(TESTBIN) $(TESTSH) \
	    tests/check-man

# The demo branch: the shipped config with its data under build/demo.
DEMO	 = $(B)/demo
DEMO_N	?= 300
$(B)/make-demo: $(B)/tests/demo/make-demo.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

demo: $(PACKAGE) $(B)/make-demo
	@if [ ! -e $(DEMO)/data/branch.db ]; then \
	    rm -rf $(DEMO) && mkdir -p $(DEMO) && chmod 700 $(DEMO) && \
	    install -m 0600 config/roles.yaml $(DEMO)/roles.yaml && \
	    sed -e "s|^data_dir:.*|data_dir: $(CURDIR)/$(DEMO)/data|" \
	        -e "s|^forms_dir:.*|forms_dir: $(CURDIR)/forms|" \
	        config/xueji.yaml > $(DEMO)/xueji.yaml && \
	    chmod 600 $(DEMO)/xueji.yaml && mkdir -m 700 $(DEMO)/data && \
	    $(B)/make-demo $(DEMO)/xueji.yaml $(DEMO_N); \
	else \
	    echo "demo branch: $(DEMO) (passphrases: demo-<id>)"; \
	fi

run: deps
	@$(MAKE) -s demo
	@echo; echo "Log in as reception1 with passphrase demo-reception1"
	@echo "(others: supervisor1, auditor1, ...; passphrase demo-<id>)."
	@printf "Press Enter to open the demo branch... "; read x
	./$(PACKAGE) -c $(DEMO)/xueji.yaml

lint-man:
	mandoc -Tlint -W warning man/*.[1-8] $(wildcard man/*/*.[1-8])

# install: the binary, root's and setgid to group xueji (mode 2755) when
# that group exists and we are root (creating the group first when
# DESTDIR is empty: the protected mode of xueji(7)), the man pages of
# sections 1, 5 and 7 and every translation of them under man/LANG/ (to
# MANDIR/LANG/manN), the forms, the message catalogues (po/po.mk
# adds install-mo), the example configuration unless /etc/xueji already
# has one (an existing file is never touched, not even its mode), and the
# data directory /var/lib/xueji, mode 2770, only when it does not exist.
# Its group becomes xueji when that group exists and DESTDIR is empty; in
# a staging DESTDIR (packages) that is left to the package's scripts.
install: $(PACKAGE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(DATADIR)/forms $(DESTDIR)$(SYSCONFDIR)
	@if [ "$$(id -u)" = 0 ] && [ -z "$(DESTDIR)" ] && \
	    ! getent group $(PACKAGE) >/dev/null 2>&1; then \
	    echo "groupadd --system $(PACKAGE)"; \
	    groupadd --system $(PACKAGE) || exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ] && getent group $(PACKAGE) >/dev/null 2>&1; then \
	    echo "install -o root -g $(PACKAGE) -m 2755 $(PACKAGE)" \
		"$(DESTDIR)$(BINDIR)/$(PACKAGE)"; \
	    install -o root -g $(PACKAGE) -m 2755 $(PACKAGE) \
		$(DESTDIR)$(BINDIR)/$(PACKAGE) || exit 1; \
	else \
	    echo "install -m 0755 $(PACKAGE) $(DESTDIR)$(BINDIR)/$(PACKAGE)"; \
	    install -m 0755 $(PACKAGE) $(DESTDIR)$(BINDIR)/$(PACKAGE) || \
		exit 1; \
	    echo "note: not setgid $(PACKAGE); see xueji(7), DEPLOYMENT"; \
	fi
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	@for f in $(wildcard man/*/*.[157]); do \
	    d=$(DESTDIR)$(MANDIR)/$$(basename $$(dirname $$f))/man$${f##*.}; \
	    echo "install -m 0644 $$f $$d/"; \
	    install -d $$d && install -m 0644 $$f $$d/ || exit 1; \
	done
	install -m 0644 forms/*.yaml $(DESTDIR)$(DATADIR)/forms/
	[ -e $(DESTDIR)$(SYSCONFDIR)/roles.yaml ] || \
	    install -m 0644 config/roles.yaml $(DESTDIR)$(SYSCONFDIR)/
	[ -e $(DESTDIR)$(SYSCONFDIR)/xueji.yaml ] || { \
	    sed -e "s|^forms_dir:.*|forms_dir: $(DATADIR)/forms|" \
	    config/xueji.yaml > $(DESTDIR)$(SYSCONFDIR)/xueji.yaml && \
	    chmod 0644 $(DESTDIR)$(SYSCONFDIR)/xueji.yaml; }
	@v=$(DESTDIR)/var/lib/$(PACKAGE); \
	if [ -d $$v ]; then \
	    echo "$$v exists: left as it is"; \
	else \
	    echo "install -d -m 2770 $$v"; \
	    install -d -m 2770 $$v || exit 1; \
	    if [ -n "$(DESTDIR)" ]; then :; \
	    elif getent group $(PACKAGE) >/dev/null 2>&1; then \
		echo "chgrp $(PACKAGE) $$v"; \
		chgrp $(PACKAGE) $$v && chmod 2770 $$v || exit 1; \
	    else \
		echo "note: no group $(PACKAGE); create it, then" \
		    "chgrp $(PACKAGE) $$v (see xueji(7))"; \
	    fi; \
	fi

# uninstall: the binary, the man pages, the forms and the catalogues
# (uninstall-mo, po/po.mk).  Never /etc/xueji or /var/lib/xueji: they
# hold the branch's configuration, its database and key slots.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PACKAGE)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))
	@for f in $(wildcard man/*/*.[157]); do \
	    d=$(DESTDIR)$(MANDIR)/$$(basename $$(dirname $$f))/man$${f##*.}; \
	    echo "rm -f $$d/$$(basename $$f)"; rm -f $$d/$$(basename $$f); \
	done
	rm -rf $(DESTDIR)$(DATADIR)
	@echo "kept: $(DESTDIR)$(SYSCONFDIR) and $(DESTDIR)/var/lib/$(PACKAGE)" \
	    "(configuration, database, key slots); remove them by hand"

clean:
	rm -rf build build-asan build-debug $(PACKAGE)


# The unit tests under valgrind: no error, no leak.  The store's tests
# are left to ASan, as valgrind makes Argon2id and SQLCipher very slow;
# make valgrind VALGRIND_TESTS="store request" runs those too.  The fuzz
# replay is left out: valgrind 3.19 flags glibc's AVX2 wmemcmp reading
# whole vectors, where ASan (which runs it in CI) sees nothing.
VALGRIND_TESTS ?= config forms policy lineedit pinyin csv keys audit
valgrind: tests
	@fail=0; for t in $(VALGRIND_TESTS); do \
	    if valgrind -q --error-exitcode=99 --leak-check=full \
	        --errors-for-leak-kinds=definite,indirect \
	        $(B)/tests/test-$$t >$(B)/tests/valgrind-$$t.log 2>&1; then \
	        echo "valgrind: test-$$t clean"; \
	    else echo "valgrind: test-$$t FAILED"; \
	        cat $(B)/tests/valgrind-$$t.log; fail=1; fi; \
	done; exit $$fail

# Fuzzing (make fuzz) and benchmarks (make bench) keep their rules beside
# their sources.
-include tests/fuzz/fuzz.mk
-include tests/bench/bench.mk
-include tests/reliability.mk
# Message catalogues (make pot, the .mo files, their install).
-include po/po.mk

.PHONY: all deps sqlcipher-check demo tests test valgrind run lint-man install uninstall clean \
	FORCE
