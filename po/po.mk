# Message catalogues, included by the Makefile.  xueji — GPL-3.0-or-later.
#
#   make pot         $(B)/xueji.pot from every src/**/*.c
#   make po-update   merge the pot into po/*.po (msgmerge), drop obsolete
#                    entries; new strings then need a translation, and
#                    tests/test-i18n.sh fails until they have one
#   make po-stats    msgfmt --statistics of every po/*.po
#
# The .mo files are built with the program, never committed, and
# installed under $(PREFIX)/share/locale.

XGETTEXT ?= xgettext
MSGFMT	 ?= msgfmt
MSGMERGE ?= msgmerge
MSGATTRIB ?= msgattrib
LOCALEDIR_INST ?= $(PREFIX)/share/locale

LINGUAS	 = $(patsubst po/%.po,%,$(sort $(wildcard po/*.po)))
POTSRC	 = $(sort $(shell find src -name '*.c' 2>/dev/null))
POT	 = $(B)/$(PACKAGE).pot
MOFILES	 = $(LINGUAS:%=$(B)/locale/%/LC_MESSAGES/$(PACKAGE).mo)
# C_(context, msgid) is not defined yet; it is extracted with its context
# (msgctxt) the day it is.  tests/test-i18n.sh uses the same keywords.
XGETTEXT_FLAGS = --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
	   --from-code=UTF-8 --language=C \
	   --add-comments --sort-by-file --package-name=$(PACKAGE) \
	   --package-version=$(VERSION) \
	   --msgid-bugs-address=https://example.invalid/xueji/issues

# Running from the source tree (make run, make test) finds the catalogue
# of this build; an installed xueji uses LOCALEDIR.
export XUEJI_LOCALEDIR := $(CURDIR)/$(B)/locale

all: $(MOFILES)
# The tests read the catalogue of their own build (XUEJI_LOCALEDIR), and
# so does make run's demo: LANG=zh_CN.UTF-8 make run is Chinese from a
# fresh clone.
tests: $(MOFILES)
demo: $(MOFILES)
install: install-mo

pot: $(POT)

$(POT): $(POTSRC)
	@mkdir -p $(@D)
	$(XGETTEXT) $(XGETTEXT_FLAGS) -o $@.tmp $(POTSRC) && mv -f $@.tmp $@

$(B)/locale/%/LC_MESSAGES/$(PACKAGE).mo: po/%.po
	@mkdir -p $(@D)
	$(MSGFMT) --check -o $@.tmp $< && mv -f $@.tmp $@

po-update: $(POT)
	@for l in $(LINGUAS); do \
	    echo "po/$$l.po:"; \
	    $(MSGMERGE) --quiet --update --backup=none --previous \
	    po/$$l.po $(POT) && \
	    $(MSGATTRIB) --no-obsolete -o po/$$l.po po/$$l.po || exit 1; \
	done

po-stats:
	@for l in $(LINGUAS); do \
	    printf 'po/%s.po: ' $$l; \
	    $(MSGFMT) --check --statistics -o /dev/null po/$$l.po 2>&1; \
	done

install-mo: $(MOFILES)
	@for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(LOCALEDIR_INST)/$$l/LC_MESSAGES && \
	    install -m 0644 $(B)/locale/$$l/LC_MESSAGES/$(PACKAGE).mo \
	    $(DESTDIR)$(LOCALEDIR_INST)/$$l/LC_MESSAGES/$(PACKAGE).mo \
	    || exit 1; \
	done

uninstall: uninstall-mo
uninstall-mo:
	rm -f $(LINGUAS:%=$(DESTDIR)$(LOCALEDIR_INST)/%/LC_MESSAGES/$(PACKAGE).mo)

.PHONY: pot po-update po-stats install-mo uninstall-mo
