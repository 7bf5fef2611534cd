/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Audit entries as sentences: one table from an action's name to a
 * sentence with places for the operator, the target, the field keys and
 * the values of the detail's key=value pairs.  The places are named
 * ("{op} viewed {target}") rather than printf conversions, so that a
 * translation can put them in any order and a format never comes from a
 * table at run time.  An entry holds no personal values, so neither does
 * a sentence.  The same tables name the actions and the refusals for
 * the command line (store_require), so a refusal reads alike on the
 * screen, on the terminal and in the log.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/forms.h"
#include "xueji/policy.h"
#include "xueji/sentences.h"
#include "store-int.h"

struct sentence {
	const char	*action;
	/* Used only when the entry has a target (else the next row). */
	int		 with_target;
	/* Used only when the detail's rule= is this (NULL: any). */
	const char	*rule;
	/*
	 * TRANSLATORS: {op} is the operator as people read them, "王丽
	 * (reception1)" or an id alone, {target} a student number, a file
	 * or an operator named the same way, {fields} field keys; other
	 * {names} are values from the entry's detail.  Keep the braces and
	 * names as they are.
	 */
	const char	*format;
};

static const struct sentence sentences[] = {
	{ "student.enroll", 0, NULL, N_("{op} enrolled {target}") },
	{ "student.view", 0, NULL, N_("{op} viewed {target}") },
	{ "student.reveal", 0, NULL, N_("{op} revealed {fields} of {target}") },
	{ "student.history", 0, NULL, N_("{op} viewed the history of {target}") },
	{ "student.find", 0, NULL, N_("{op} searched for students ({results} "
	    "found)") },
	{ "student.list", 0, NULL, N_("{op} listed students ({results} found)") },
	{ "archive.list", 0, NULL, N_("{op} listed the archive: {list} "
	    "({results} found)") },
	{ "guardian.request.list", 0, NULL, N_("{op} listed guardians' "
	    "requests: {list} ({results} found)") },
	{ "request.list", 0, NULL, N_("{op} listed requests: {list} "
	    "({results} found)") },
	{ "student.duplicate-allowed", 0, NULL, N_("{op} enrolled {target}, "
	    "confirmed not to be {duplicate-of}") },
	{ "change.request", 0, NULL, N_("{op} filed change request {request} for "
	    "{target} ({fields})") },
	{ "change.approve", 0, NULL, N_("{op} approved change request {request} "
	    "for {target}") },
	{ "change.confirm", 0, NULL, N_("{op} recorded the guardian's confirmation "
	    "of request {request} for {target} ({method})") },
	{ "request.view", 0, NULL, N_("{op} viewed request {request} for "
	    "{target}") },
	{ "request.reject", 0, NULL, N_("{op} rejected request {request} for "
	    "{target}") },
	{ "request.withdraw", 0, NULL, N_("{op} withdrew request {request} for "
	    "{target}") },
	{ "request.close", 0, NULL, N_("request {request} for {target} closed: "
	    "the record was destroyed (destruction request {destroy})") },
	{ "request.acknowledge", 0, NULL, N_("{op} read the decision on request "
	    "{request} for {target}") },
	{ "status.set", 0, NULL, N_("{op} changed the status of {target} from "
	    "{from} to {to}") },
	{ "status.approve", 0, NULL, N_("{op} approved request {request}: status "
	    "of {target} from {from} to {to}") },
	{ "status.request", 0, NULL, N_("{op} asked for the status of {target} to "
	    "become {to} (request {request})") },
	{ "status.review", 0, NULL, N_("{op} reviewed {target}; next review "
	    "{next}") },
	{ "destroy.request", 0, NULL, N_("{op} asked for the destruction of "
	    "{target} (request {request}: {reason})") },
	{ "destroy.execute", 0, NULL, N_("{op} destroyed the record of {target} "
	    "(request {request})") },
	{ "destroy.erased", 0, NULL, N_("{op} finished the physical erasure "
	    "of {target}: the write-ahead log was truncated (destruction "
	    "record {destruction})") },
	{ "destroy.reapply", 0, NULL, N_("{op} restored a backup made before "
	    "the destruction of {target} and destroyed it again (request "
	    "{request})") },
	{ "login.failed", 0, NULL, N_("{op} failed to log in ({reason})") },
	{ "access.denied", 1, "four-eyes", N_("{op} was refused deciding "
	    "request {request} for {target}: they filed it themselves "
	    "(four-eyes rule)") },
	{ "access.denied", 1, "slot-setter", N_("{op} was refused deciding "
	    "request {request} for {target}: one of them set the other's "
	    "passphrase, still in use (four-eyes rule)") },
	/* Withdrawing or acknowledging: what= says which. */
	{ "access.denied", 1, "requester-only", N_("{op} was refused {what} "
	    "for {target} (request {request}): only its requester may") },
	{ "access.denied", 1, "open-access-request", N_("{op} was refused a "
	    "guardian's access file for {target}: no open access request") },
	{ "access.denied", 1, NULL, N_("{op} was refused {what} on "
	    "{target}") },
	{ "access.denied", 0, NULL, N_("{op} was refused {what} (needs "
	    "the permission to {perm})") },
	{ "audit.view", 1, NULL, N_("{op} read the log for {target}") },
	{ "audit.view", 0, NULL, N_("{op} read the log") },
	{ "audit.verify", 0, NULL, N_("{op} verified the operation log: "
	    "{result}") },
	{ "audit.verify-checkpoint", 0, NULL, N_("{op} checked the log against "
	    "checkpoint {checkpoint}: {result}") },
	{ "audit.checkpoint", 0, NULL, N_("{op} wrote a checkpoint at entry "
	    "{seq}") },
	{ "audit.analysis", 0, NULL, N_("{op} ran the access analysis ({findings} "
	    "findings)") },
	{ "report.view", 0, NULL, N_("{op} viewed the {report} report") },
	{ "branch.create", 0, NULL, N_("{op} created the branch") },
	{ "branch.upgrade", 0, NULL, N_("{op} upgraded the branch's database "
	    "from {from} to {to} (SQLCipher {sqlcipher})") },
	{ "config.roles", 0, NULL, N_("{op} started with a changed roles file") },
	{ "config.forms", 0, NULL, N_("{op} started with a changed enrolment "
	    "form") },
	{ "operator.rotate-key", 0, NULL, N_("{op} rotated the branch key") },
	{ "backup.create", 0, NULL, N_("{op} made backup {target}") },
	{ "backup.restore", 0, NULL, N_("{op} restored backup {target}: "
	    "{result}") },
	{ "backup.drill", 0, NULL, N_("{op} ran a restore drill of {target}: "
	    "{result}") },
	{ "export.run", 0, NULL, N_("{op} exported {rows} records") },
	{ "import.run", 0, NULL, N_("{op} imported {rows} records from {file}") },
	{ "import.dry-run", 0, NULL, N_("{op} checked {rows} rows of {file} for an "
	    "import") },
	{ "guardian.access-file", 0, NULL, N_("{op} compiled the guardian's access "
	    "file for {target} (guardian request {guardian})") },
	{ "guardian.request.add", 0, NULL, N_("{op} registered guardian request "
	    "{guardian} for {target}") },
	{ "guardian.request.link", 0, NULL, N_("{op} linked guardian request "
	    "{guardian} to request {request}") },
	{ "guardian.request.close", 0, NULL, N_("{op} closed guardian request "
	    "{guardian} for {target}") },
	{ "guardian.request.view", 0, NULL, N_("{op} viewed guardian request "
	    "{guardian} for {target}") },
	{ "branch.init", 0, NULL, N_("{op} set up branch {target}") },
	{ "operator.add", 0, NULL, N_("{op} added operator {target}") },
	{ "operator.remove", 0, NULL, N_("{op} removed operator {target}") },
	{ "operator.passwd", 0, "first-login", N_("{op} chose their own "
	    "passphrase at the first login after {set-by} set it") },
	{ "operator.passwd", 0, NULL, N_("{op} changed their own passphrase") },
	{ "operator.reset", 0, NULL, N_("{op} set a new passphrase for "
	    "{target}") },
	{ "import.rejected", 0, NULL, N_("{op} tried to import {file}: "
	    "{problems} problems in {rows} rows, nothing imported") },
	{ "student.duplicate-declined", 0, NULL, N_("{op} did not enrol a "
	    "child who is already {target}") },
};

/*
 * Each action's name, as the detail of an entry shows it; tests/
 * test-sentences.c holds every action the code logs to both tables.
 */
static const struct {
	const char	*action, *words;
} names[] = {
	{ "student.enroll", N_("enrolment") },
	{ "student.view", N_("record opened") },
	{ "student.reveal", N_("covered value shown") },
	{ "student.history", N_("record history read") },
	{ "student.find", N_("search") },
	{ "student.list", N_("student list") },
	{ "archive.list", N_("archive list") },
	{ "student.duplicate-allowed", N_("enrolment of a possible "
	    "duplicate") },
	{ "student.duplicate-declined", N_("duplicate not enrolled") },
	{ "change.request", N_("change request filed") },
	{ "change.approve", N_("change request approved") },
	{ "change.confirm", N_("guardian's confirmation recorded") },
	{ "request.view", N_("request opened") },
	{ "request.reject", N_("request rejected") },
	{ "request.withdraw", N_("request withdrawn") },
	{ "request.close", N_("request closed by a destruction") },
	{ "request.acknowledge", N_("decision read by its requester") },
	{ "status.set", N_("status changed") },
	{ "status.approve", N_("status request approved") },
	{ "status.request", N_("status change requested") },
	{ "status.review", N_("quarterly review") },
	{ "destroy.request", N_("destruction requested") },
	{ "destroy.execute", N_("record destroyed") },
	{ "destroy.erased", N_("erasure finished") },
	{ "destroy.reapply", N_("destroyed again after a restore") },
	{ "login.failed", N_("failed login") },
	{ "access.denied", N_("refused") },
	{ "audit.view", N_("log read") },
	{ "audit.verify", N_("log verified") },
	{ "audit.verify-checkpoint", N_("log checked against a checkpoint") },
	{ "audit.checkpoint", N_("checkpoint written") },
	{ "audit.analysis", N_("access analysis") },
	{ "report.view", N_("report viewed") },
	{ "branch.create", N_("branch created") },
	{ "branch.init", N_("branch set up") },
	{ "branch.upgrade", N_("database upgraded") },
	{ "config.roles", N_("roles file changed") },
	{ "config.forms", N_("enrolment form changed") },
	{ "operator.add", N_("operator added") },
	{ "operator.remove", N_("operator removed") },
	{ "operator.passwd", N_("own passphrase changed") },
	{ "operator.reset", N_("passphrase set for an operator") },
	{ "operator.rotate-key", N_("branch key rotated") },
	{ "backup.create", N_("backup made") },
	{ "backup.restore", N_("backup restored") },
	{ "backup.drill", N_("restore drill") },
	{ "export.run", N_("export") },
	{ "import.run", N_("import") },
	{ "import.dry-run", N_("import checked") },
	{ "import.rejected", N_("import refused") },
	{ "guardian.access-file", N_("guardian's access file") },
	{ "guardian.request.list", N_("guardian requests listed") },
	{ "request.list", N_("requests listed") },
	{ "guardian.request.add", N_("guardian request registered") },
	{ "guardian.request.link", N_("guardian request linked") },
	{ "guardian.request.close", N_("guardian request closed") },
	{ "guardian.request.view", N_("guardian request opened") },
};

const char *
audit_action_nth(size_t i)
{
	return i < nitems(names) ? names[i].action : NULL;
}

const char *
audit_action_words(const char *action)
{
	size_t	i;

	for (i = 0; i < nitems(names); i++) {
		if (strcmp(names[i].action, action) == 0)
			return _(names[i].words);
	}
	return action;
}

/*
 * An operator named by an entry, as people read them (policy_who): the
 * one who acted, or the one an operator.* action was done to; "-" is
 * the program itself.
 */
static char *
who_words(const struct policy *pol, const char *id)
{
	if (strcmp(id, "-") == 0)
		return xstrdup(_("the system"));
	return policy_who(pol, id);
}

int
audit_target_operator(const struct audit_entry *e)
{
	return strncmp(e->action, "operator.", 9) == 0 && e->target != NULL &&
	    *e->target != '\0';
}

/* Whether the detail's key names an operator (named as people read them). */
static int
operator_key(const char *key)
{
	return strcmp(key, "set-by") == 0 || strcmp(key, "agreed") == 0;
}

/* Append the text for place name (len bytes) to *out. */
static void
place(char **out, const struct audit_entry *e, const struct form_spec *form,
    const struct policy *pol, const char *name, size_t len)
{
	const char	*v = NULL;
	char		*own = NULL, *made = NULL, *key, *next;

	if (len == 2 && strncmp(name, "op", 2) == 0)
		v = own = who_words(pol, e->operator);
	else if (len == 6 && strncmp(name, "target", 6) == 0)
		v = audit_target_operator(e) ?
		    (own = who_words(pol, e->target)) : e->target;
	else if (len == 6 && strncmp(name, "fields", 6) == 0)
		v = own = audit_fields_words(e->fields, form);
	else if (e->detail != NULL &&
	    (own = audit_detail_value(e->detail, name, len)) != NULL) {
		key = xstrndup(name, len);
		if (operator_key(key))
			v = made = who_words(pol, own);
		else
			v = audit_value_words(key, own, &made);
		free(key);
	}
	xasprintf(&next, "%s%s", *out, v != NULL && *v != '\0' ? v : "?");
	free(made);
	free(own);
	free(*out);
	*out = next;
}

/* Whether the character that starts at s takes two columns. */
static int
wide_at(const char *s)
{
	uint32_t	cp;
	int		len;
	char		one[5];

	if ((len = utf8_decode(s, strlen(s), &cp)) <= 1)
		return 0;
	memcpy(one, s, (size_t)len);
	one[len] = '\0';
	return utf8_width(one) == 2;
}

/*
 * Drop each space that stands between two wide characters.  Chinese
 * sets a space only beside Latin text ("{op} 查看了 {target}" for an
 * id); a name that ends in "）" or is Chinese itself takes none.
 */
static void
squeeze(char *s)
{
	char	*p, *q, *prev = NULL;

	for (p = q = s; *p != '\0'; ) {
		if (*p == ' ' && prev != NULL && wide_at(prev) &&
		    wide_at(p + 1)) {
			p++;
			continue;
		}
		if ((*p & 0xc0) != 0x80)
			prev = q;
		*q++ = *p++;
	}
	*q = '\0';
}

char *
audit_sentence(const struct audit_entry *e, const struct form_spec *form,
    const struct policy *pol)
{
	const struct sentence	*s = NULL;
	const char		*p, *close;
	char			*out, *next, *rule, *who;
	size_t			 i;
	int			 has_target = e->target != NULL &&
				     *e->target != '\0';

	rule = e->detail != NULL ?
	    audit_detail_value(e->detail, "rule", 4) : NULL;
	for (i = 0; i < nitems(sentences); i++) {
		if (strcmp(sentences[i].action, e->action) == 0 &&
		    (!sentences[i].with_target || has_target) &&
		    (sentences[i].rule == NULL || (rule != NULL &&
		    strcmp(sentences[i].rule, rule) == 0))) {
			s = &sentences[i];
			break;
		}
	}
	free(rule);
	if (s == NULL) {
		who = who_words(pol, e->operator);
		xasprintf(&out, "%s %s%s%s", who,
		    audit_action_words(e->action), has_target ? " " : "",
		    has_target ? e->target : "");
		free(who);
		squeeze(out);
		return out;
	}
	out = xstrdup("");
	for (p = _(s->format); *p != '\0'; ) {
		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			place(&out, e, form, pol, p + 1,
			    (size_t)(close - p - 1));
			p = close + 1;
			continue;
		}
		i = strcspn(p, "{");
		if (i == 0)
			i = 1;	/* a lone brace */
		xasprintf(&next, "%s%.*s", out, (int)i, p);
		free(out);
		out = next;
		p += i;
	}
	squeeze(out);
	return out;
}
