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
static char *
detail_value(const char *detail, const char *key, size_t keylen)
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
static const char *
value_words(const char *key, const char *v, char **own)
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
			v = value_words(key, val, &made);
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
	    (own = detail_value(e->detail, name, len)) != NULL) {
		key = xstrndup(name, len);
		if (operator_key(key))
			v = made = who_words(pol, own);
		else
			v = value_words(key, own, &made);
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

	rule = e->detail != NULL ? detail_value(e->detail, "rule", 4) : NULL;
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
