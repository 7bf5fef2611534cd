/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * An entry's detail and fields in words, for its page in the log browser
 * and for the places of its sentence (sentences.c): the keys of "k=v"
 * pairs by name, codes as words, times as the local minute, keys and
 * hashes cut short, lists joined as the language joins them, and the
 * field keys as the form labels them.  A key or a value not known here
 * is shown as it is, so that a new detail never vanishes from an
 * auditor's view.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/destroy.h"
#include "xueji/forms.h"
#include "xueji/guardian.h"
#include "xueji/policy.h"
#include "xueji/report.h"
#include "xueji/request.h"
#include "xueji/sentences.h"
#include "xueji/student.h"
#include "store-int.h"

/* Codes in a detail that read better as words. */
static const struct {
	const char	*key, *code, *words;
} values[] = {
	{ "reason", "wrong-passphrase", N_("wrong passphrase") },
	{ "reason", "unknown-operator", N_("unknown operator") },
	{ "reason", "no-slot", N_("no key slot") },
	{ "reason", "keyslots-altered", N_("key slots altered") },
	{ "result", "ok", N_("intact") },
	{ "result", "failed", N_("failed") },
	{ "result", "replaced", N_("replaced") },
	{ "method", "phone", N_("by phone") },
	{ "method", "in-person", N_("in person") },
	{ "method", "message", N_("by message") },
	{ "rule", "four-eyes", N_("four-eyes rule") },
	{ "rule", "requester-only", N_("only the requester") },
	{ "rule", "slot-setter", N_("a passphrase set by the other") },
	{ "rule", "first-login", N_("first login after a passphrase set by "
	    "another") },
	{ "rule", "open-access-request", N_("an open access request "
	    "needed") },
	{ "outcome", "answered", N_("answered") },
	{ "response", "added", N_("added") },
	{ "stage", "read", N_("reading the file") },
	{ "stage", "csv", N_("reading it as CSV") },
	{ "stage", "header", N_("the names of the columns") },
	{ "list", "status", N_("students by status") },
	{ "list", "review", N_("reviews due") },
	{ "list", "retention", N_("past retention") },
	{ "list", "open", N_("open requests") },
	{ "list", "overdue", N_("overdue requests") },
	{ "list", "all", N_("all requests") },
	{ "list", "pending", N_("the approval queue") },
	{ "list", "unconfirmed", N_("changes the guardian has not "
	    "confirmed") },
	{ "list", "mine", N_("their own requests") },
	{ "reason", "destroyed", N_("the record was destroyed") },
	{ "reason", "many", N_("many failed attempts") },
	{ "reason", "unfinished", N_("login not finished") },
	{ "reason", "other", N_("other") },
	{ "result", "not-written", N_("not written to its file") },
	{ "status", "live", N_("all but the destroyed") },
	{ "automatic", "1", N_("yes") },
	{ "suspicious", "1", N_("yes") },
};

/* Keys whose value is a time: seconds, or as xj_isotime writes it. */
static const char *const time_keys[] = {
	"next", "since", "until", "first", "last", "executed",
};

/* Keys whose value is a key, a hash or a signature in hex. */
static const char *const hex_keys[] = { "old", "new", "sig" };

/* Hex shown up to this many digits, then "…": enough to hold it
 * against a printout, short enough for a line at 80 columns. */
#define HEX_SHOWN	16

/*
 * The keys of a detail as the entry's page names them.  A key not here
 * is shown as it is: new details never vanish from an auditor's view.
 */
static const struct {
	const char	*key, *words;
} keys[] = {
	{ "request", N_("Request number") },
	{ "guardian", N_("Guardian request") },
	{ "kind", N_("Kind") },
	{ "state", N_("State") },
	{ "was", N_("State before") },
	{ "status", N_("Status") },
	{ "from", N_("Before") },
	{ "to", N_("After") },
	{ "reason", N_("Reason") },
	{ "method", N_("How confirmed") },
	{ "channel", N_("Channel") },
	{ "outcome", N_("Outcome") },
	{ "response", N_("Response") },
	{ "what", N_("Refused") },
	{ "perm", N_("Permission needed") },
	{ "rule", N_("Rule") },
	{ "report", N_("Report") },
	{ "result", N_("Result") },
	{ "results", N_("Results") },
	{ "list", N_("List") },
	{ "year", N_("Enrolment year") },
	{ "numbers", N_("Student numbers") },
	{ "next", N_("Next review") },
	{ "duplicate-of", N_("Possible duplicate of") },
	{ "destroy", N_("Destruction request") },
	{ "destruction", N_("Destruction record") },
	{ "executed", N_("Carried out") },
	{ "agreed", N_("Agreed by") },
	{ "rows", N_("Rows") },
	{ "valid", N_("Valid rows") },
	{ "problems", N_("Problems") },
	{ "stage", N_("Stage") },
	{ "file", N_("File") },
	{ "consent", N_("Consent") },
	{ "encoding", N_("Encoding") },
	{ "export", N_("Export") },
	{ "since", N_("From") },
	{ "until", N_("Until") },
	{ "findings", N_("Findings") },
	{ "size", N_("Size in bytes") },
	{ "rotated", N_("Old backups removed") },
	{ "safety", N_("Safety copy") },
	{ "backup_seq", N_("Last entry in the backup") },
	{ "reapplied", N_("Destructions applied again") },
	{ "seq", N_("Up to entry") },
	{ "checkpoint", N_("Checkpoint") },
	{ "upto", N_("Up to entry") },
	{ "old", N_("Old key") },
	{ "new", N_("New key") },
	{ "sig", N_("Signature") },
	{ "automatic", N_("Written automatically") },
	{ "suspicious", N_("Backup holds more than the branch") },
	{ "count", N_("Attempts") },
	{ "first", N_("First attempt") },
	{ "last", N_("Last attempt") },
	{ "unfinished", N_("Logins not finished") },
	{ "wrong-passphrase", N_("Wrong passphrase") },
	{ "unknown-operator", N_("Unknown operator") },
	{ "no-slot", N_("No key slot") },
	{ "keyslots-altered", N_("Key slots altered") },
	{ "other", N_("Other failures") },
	{ "fields", N_("Fields") },
	{ "history", N_("History entries") },
	{ "views", N_("Views") },
	{ "sqlcipher", N_("SQLCipher") },
};

/* What was refused (an access.denied entry's what=), as words. */
static const struct {
	const char	*code, *words;
} whats[] = {
	{ "student.enroll", N_("enrolling a student") },
	{ "student.view", N_("opening a record") },
	{ "student.search", N_("searching for students") },
	{ "student.list", N_("listing students") },
	{ "student.history", N_("reading a record's history") },
	{ "student.reveal", N_("revealing a covered value") },
	{ "change.request", N_("filing a change request") },
	{ "change.confirm", N_("recording a guardian's confirmation") },
	{ "request.view", N_("opening a request") },
	{ "request.list", N_("listing requests") },
	{ "request.approve", N_("approving a request") },
	{ "request.reject", N_("rejecting a request") },
	{ "request.withdraw", N_("withdrawing a request") },
	{ "request.stale", N_("checking a request against the record") },
	{ "request.acknowledge", N_("marking a decision as read") },
	{ "status.set", N_("setting a status") },
	{ "status.request", N_("asking for a status change") },
	{ "status.review", N_("recording a review") },
	{ "destroy.request", N_("asking for a destruction") },
	{ "destroy.show", N_("reading a destruction record") },
	{ "archive.list", N_("listing the archive") },
	{ "archive.counts", N_("counting the archive") },
	{ "audit", N_("reading the log") },
	{ "audit.analysis", N_("the access analysis") },
	{ "verify", N_("verifying the log") },
	{ "report.view", N_("the reports") },
	{ "backup", N_("a backup") },
	{ "restore", N_("a restore") },
	{ "restore-drill", N_("a restore drill") },
	{ "import", N_("an import") },
	{ "export", N_("an export") },
	{ "guardian.access-file", N_("a guardian's access file") },
	{ "guardian.request.add", N_("registering a guardian's request") },
	{ "guardian.request.close", N_("closing a guardian's request") },
	{ "guardian.request.link", N_("linking a guardian's request") },
	{ "guardian.request.list", N_("listing guardians' requests") },
	{ "guardian.request.view", N_("opening a guardian's request") },
	{ "checkpoint", N_("writing a checkpoint") },
	{ "operator.rotate-key", N_("rotating the branch key") },
	{ "operator.add", N_("adding an operator's key slot") },
	{ "operator.passwd", N_("resetting an operator's passphrase") },
	{ "operator.remove", N_("removing an operator's key slot") },
};

/* The value of key in "k=v k=v", malloc'd, or NULL. */
char *
audit_detail_value(const char *detail, const char *key, size_t keylen)
{
	const char	*p = detail, *end;

	while (p != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if (strncmp(p, key, keylen) == 0 && p[keylen] == '=')
			return xstrndup(p + keylen + 1,
			    (size_t)(end - p - (ptrdiff_t)keylen - 1));
		p = end;
	}
	return NULL;
}

/* Whether key is one of the n keys of list. */
static int
key_in(const char *key, const char *const *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], key) == 0)
			return 1;
	}
	return 0;
}

/* A time of a detail, seconds or ISO 8601 UTC, as the local minute. */
static char *
time_words(const char *v)
{
	char		*end, buf[32];
	long long	 n;
	time_t		 t;

	if (xj_parse_isotime(v, &t) != 0) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n <= 0)
			return NULL;
		t = (time_t)n;
	}
	xj_timefmt(t, buf, sizeof buf);
	return xstrdup(buf);
}

char *
audit_hex_words(const char *hex)
{
	size_t	 n = strlen(hex);
	char	*s;

	if (n <= HEX_SHOWN || strspn(hex, "0123456789abcdefABCDEF") != n)
		return xstrdup(hex);
	xasprintf(&s, "%.*s…", HEX_SHOWN, hex);
	return s;
}

/* "SH01-2026-00298,SH01-2026-00277,…" joined as the language lists. */
static char *
list_words(const char *v)
{
	const char	*p = v, *end;
	char		*out = xstrdup(""), *next;

	while (*p != '\0') {
		end = p + strcspn(p, ",");
		/* TRANSLATORS: between the items of a list in a log entry. */
		xasprintf(&next, "%s%s%.*s", out, *out != '\0' &&
		    strncmp(p, "…", (size_t)(end - p)) != 0 ? _(", ") : "",
		    (int)(end - p), p);
		free(out);
		out = next;
		p = *end == ',' ? end + 1 : end;
	}
	return out;
}

/*
 * A detail value in words: statuses, reasons, results; times as the
 * local minute, hex cut short, lists as the language joins them.  What
 * is made for the occasion is *own, which the caller frees.
 */
const char *
audit_value_words(const char *key, const char *v, char **own)
{
	size_t	i;
	int	st;

	*own = NULL;
	for (i = 0; i < nitems(values); i++) {
		if (strcmp(values[i].key, key) == 0 &&
		    strcmp(values[i].code, v) == 0)
			return _(values[i].words);
	}
	if (key_in(key, time_keys, nitems(time_keys)))
		*own = time_words(v);
	else if (key_in(key, hex_keys, nitems(hex_keys)))
		*own = audit_hex_words(v);
	else if (strcmp(key, "numbers") == 0)
		*own = list_words(v);
	if (*own != NULL)
		return *own;
	if ((strcmp(key, "from") == 0 || strcmp(key, "to") == 0) &&
	    (st = status_parse(v)) >= 0)
		return status_label((enum student_status)st);
	if (strcmp(key, "reason") == 0)
		return destroy_reason_label(v);
	if (strcmp(key, "report") == 0 && (st = report_parse(v)) >= 0)
		return report_label((enum report_kind)st);
	if (strcmp(key, "what") == 0)
		return audit_what_words(v);
	if (strcmp(key, "perm") == 0 && (st = perm_lookup(v)) >= 0)
		return _(perm_table[st].words);
	if (strcmp(key, "status") == 0 && (st = status_parse(v)) >= 0)
		return status_label((enum student_status)st);
	if (strcmp(key, "channel") == 0)
		return guardian_channel_label(v);
	if (strcmp(key, "state") == 0 || strcmp(key, "was") == 0) {
		for (st = REQ_PENDING; st <= REQ_CLOSED; st++) {
			if (strcmp(request_state_name((enum request_state)st),
			    v) == 0)
				return request_state_label(
				    (enum request_state)st);
		}
	}
	return v;
}

/* A kind= value: a guardian's request's kind, or a request's. */
static const char *
kind_words(const char *action, const char *v)
{
	int	k;

	if (strncmp(action, "guardian.", 9) == 0 &&
	    (k = guardian_kind_parse(v)) >= 0)
		return guardian_kind_label((enum guardian_kind)k);
	for (k = REQ_CHANGE; k <= REQ_DESTROY; k++) {
		if (strcmp(request_kind_name((enum request_kind)k), v) == 0)
			return request_kind_label((enum request_kind)k);
	}
	return v;
}

const char *
audit_what_words(const char *what)
{
	size_t	i;

	for (i = 0; i < nitems(whats); i++) {
		if (strcmp(whats[i].code, what) == 0)
			return _(whats[i].words);
	}
	return what;
}

char *
audit_detail_words(const struct audit_entry *e, const struct form_spec *form)
{
	const char	*p = e->detail != NULL ? e->detail : "", *end, *eq;
	const char	*label, *v;
	char		*out = xstrdup(""), *key, *val, *line, *next;
	char		*made = NULL;
	size_t		 i;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, " ");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			eq = end;
		key = xstrndup(p, (size_t)(eq - p));
		val = eq < end ? xstrndup(eq + 1, (size_t)(end - eq - 1)) :
		    xstrdup("");
		label = key;
		for (i = 0; i < nitems(keys); i++) {
			if (strcmp(keys[i].key, key) == 0) {
				label = _(keys[i].words);
				break;
			}
		}
		if (strcmp(key, "kind") == 0)
			v = kind_words(e->action, val);
		else if (strcmp(key, "consent") == 0 && form != NULL)
			v = form_consent_label(form, val);
		else
			v = audit_value_words(key, val, &made);
		/* TRANSLATORS: one detail of a log entry, "Request: 7". */
		xasprintf(&line, _("%s: %s"), label, v);
		free(made);
		made = NULL;
		xasprintf(&next, "%s%s%s", out, *out != '\0' ? "\n" : "",
		    line);
		free(line);
		free(key);
		free(val);
		free(out);
		out = next;
		p = end;
	}
	return out;
}

char *
audit_fields_words(const char *fields, const struct form_spec *form)
{
	const struct field_spec	*f;
	const char		*p = fields != NULL ? fields : "", *end;
	char			*out = xstrdup(""), *key, *next;

	while (*p != '\0') {
		end = p + strcspn(p, ",");
		key = xstrndup(p, (size_t)(end - p));
		f = form != NULL ? form_field(form, key) : NULL;
		/* TRANSLATORS: between the field names of a log entry. */
		xasprintf(&next, "%s%s%s", out, *out != '\0' ? _(", ") : "",
		    f != NULL ? form_text(&f->label) : key);
		free(key);
		free(out);
		out = next;
		p = *end == ',' ? end + 1 : end;
	}
	return out;
}
