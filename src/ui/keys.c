/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * Named actions and their keys.  Every action is written down once here;
 * the key bar, the help screen and the key dispatch all read this table,
 * so they cannot disagree.  F-keys have control-key fallbacks because ssh
 * clients and some counter terminals eat F-keys; letter keys are only
 * used where no field takes text.
 */
#include <string.h>

#include "xueji/destroy.h"
#include "xueji/platform.h"
#include "xueji/policy.h"
#include "xueji/report.h"
#include "xueji/request.h"
#include "xueji/student.h"
#include "ui.h"

const struct action_info action_table[ACT__COUNT] = {
	[ACT_NONE] =	 { ACT_NONE, "none", "", "", -1 },
	[ACT_HELP] =	 { ACT_HELP, "help", "F1 ?", N_("Help"), -1 },
	[ACT_BACK] =	 { ACT_BACK, "back", "Esc F10", N_("Back"), -1 },
	[ACT_QUIT] =	 { ACT_QUIT, "quit", "^Q q", N_("Quit"), -1 },
	[ACT_LOCK] =	 { ACT_LOCK, "lock", "F12 ^X", N_("Lock"), -1 },
	[ACT_REDRAW] =	 { ACT_REDRAW, "redraw", "^L", N_("Redraw"), -1 },
	[ACT_SAVE] =	 { ACT_SAVE, "save", "F2 ^S", N_("Save"),
	    PERM_STUDENT_ENROL },
	[ACT_NEXT] =	 { ACT_NEXT, "next-field", "Tab Down Enter",
	    N_("Next field"), -1 },
	[ACT_PREV] =	 { ACT_PREV, "previous-field", "BackTab Up",
	    N_("Previous field"), -1 },
	[ACT_UP] =	 { ACT_UP, "up", "Up ^P", N_("Up"), -1 },
	[ACT_DOWN] =	 { ACT_DOWN, "down", "Down ^N", N_("Down"), -1 },
	[ACT_PAGE_UP] =	 { ACT_PAGE_UP, "page-up", "PgUp", N_("Page up"), -1 },
	[ACT_PAGE_DOWN] = { ACT_PAGE_DOWN, "page-down", "PgDn",
	    N_("Page down"), -1 },
	[ACT_OPEN] =	 { ACT_OPEN, "open", "Enter", N_("Open"), -1 },
	[ACT_SEARCH] =	 { ACT_SEARCH, "search", "F3 ^F /", N_("Search"),
	    PERM_STUDENT_SEARCH },
	[ACT_ENROL] =	 { ACT_ENROL, "enrol", "F4 ^E", N_("Enrol"),
	    PERM_STUDENT_ENROL },
	[ACT_REVEAL] =	 { ACT_REVEAL, "reveal", "F5 ^R", N_("Reveal"),
	    PERM_STUDENT_SENSITIVE },
	[ACT_YES] =	 { ACT_YES, "yes", "y Y F2", N_("Yes"), -1 },
	[ACT_NO] =	 { ACT_NO, "no", "n N Esc", N_("No"), -1 },
	[ACT_LOGIN] =	 { ACT_LOGIN, "log-in", "Enter", N_("Log in"), -1 },
	[ACT_DONE] =	 { ACT_DONE, "done", "Enter", N_("Done"), -1 },
	[ACT_CHANGE] =	 { ACT_CHANGE, "request-change", "F6 ^T",
	    N_("Request change"), PERM_CHANGE_REQUEST },
	[ACT_FILE] =	 { ACT_FILE, "file-request", "F2 ^S",
	    N_("File request"), PERM_CHANGE_REQUEST },
	[ACT_QUEUE] =	 { ACT_QUEUE, "approval-queue", "F7 ^G",
	    N_("Approval queue"), PERM_CHANGE_APPROVE },
	[ACT_CONFIRMATIONS] = { ACT_CONFIRMATIONS, "confirmations", "F8 ^O",
	    N_("Guardian confirmations"), PERM_CHANGE_CONFIRM },
	[ACT_MINE] =	 { ACT_MINE, "my-requests", "F9 ^Y",
	    N_("My requests"), PERM_CHANGE_REQUEST },
	/* The request screen has no text field: letters are safe there. */
	[ACT_APPROVE] =	 { ACT_APPROVE, "approve", "F2 a", N_("Approve"),
	    PERM_CHANGE_APPROVE },
	[ACT_REJECT] =	 { ACT_REJECT, "reject", "F4 r", N_("Reject"),
	    PERM_CHANGE_APPROVE },
	[ACT_WITHDRAW] = { ACT_WITHDRAW, "withdraw", "F8 w", N_("Withdraw"),
	    PERM_CHANGE_REQUEST },
	/* A guardian's request: no text field there either. */
	[ACT_GUARDIAN_CLOSE] = { ACT_GUARDIAN_CLOSE, "close-guardian-request",
	    "F2 c", N_("Close request"), PERM_REQUEST_MANAGE },
	/*
	 * The record view has no text field either.  Its status actions
	 * take F7-F9 and F11; ^V, ^W, ^D and ^K are free there (they edit
	 * text only where a field has focus).
	 */
	[ACT_STATUS] =	 { ACT_STATUS, "change-status", "F7 ^V s",
	    N_("Status"), -1, PERM_BIT(PERM_STATUS_SET) |
	    PERM_BIT(PERM_STATUS_REQUEST) },
	[ACT_REVIEW] =	 { ACT_REVIEW, "reviewed", "F8 ^W v", N_("Reviewed"),
	    PERM_STATUS_REVIEW, 0 },
	[ACT_DESTROY] =	 { ACT_DESTROY, "request-destruction", "F9 ^D d",
	    N_("Request destruction"), PERM_DESTROY_REQUEST, 0 },
	[ACT_CERTIFICATE] = { ACT_CERTIFICATE, "certificate", "F11 ^K c",
	    N_("Certificate"), -1, PERM_BIT(PERM_DESTROY_REQUEST) |
	    PERM_BIT(PERM_DESTROY_APPROVE) | PERM_BIT(PERM_REPORT_VIEW) },
	/* Main menu: F5, F6 and ^A, ^K are free there. */
	[ACT_ARCHIVE] =	 { ACT_ARCHIVE, "archive", "F5 ^A", N_("Archive"),
	    PERM_STUDENT_SEARCH, 0 },
	[ACT_DESTRUCTIONS] = { ACT_DESTRUCTIONS, "destruction-records",
	    "F6 ^K", N_("Destruction records"), -1,
	    PERM_BIT(PERM_DESTROY_REQUEST) | PERM_BIT(PERM_DESTROY_APPROVE) |
	    PERM_BIT(PERM_REPORT_VIEW) },
	/* The archive lists: no text field, so digits pick a list. */
	[ACT_LIST_PREV] = { ACT_LIST_PREV, "previous-list", "Left",
	    N_("Prev list"), -1, 0 },
	[ACT_LIST_NEXT] = { ACT_LIST_NEXT, "next-list", "Right",
	    N_("Next list"), -1, 0 },
	[ACT_LIST_ACTIVE] = { ACT_LIST_ACTIVE, "list-active", "1",
	    N_("Active"), -1, 0 },
	[ACT_LIST_COMPLETED] = { ACT_LIST_COMPLETED, "list-completed", "2",
	    N_("Completed"), -1, 0 },
	[ACT_LIST_WITHDRAWN] = { ACT_LIST_WITHDRAWN, "list-withdrawn", "3",
	    N_("Withdrawn"), -1, 0 },
	[ACT_LIST_DESTROYED] = { ACT_LIST_DESTROYED, "list-destroyed", "4",
	    N_("Destroyed"), -1, PERM_BIT(PERM_DESTROY_REQUEST) |
	    PERM_BIT(PERM_DESTROY_APPROVE) | PERM_BIT(PERM_REPORT_VIEW) },
	[ACT_LIST_REVIEW] = { ACT_LIST_REVIEW, "list-review-due", "F5 5",
	    N_("Review due"), PERM_STATUS_REVIEW, 0 },
	[ACT_LIST_RETENTION] = { ACT_LIST_RETENTION, "list-retention-due",
	    "F6 6", N_("Due for destruction"), PERM_STATUS_REVIEW, 0 },
	[ACT_YEAR] =	 { ACT_YEAR, "enrolment-year", "F3 ^F /",
	    N_("Year"), -1, 0 },
	/*
	 * The auditor's items in the main menu: F2 and F11 are free there,
	 * and ^B, ^V, ^R and ^U (no field takes text in the menu).
	 */
	[ACT_AUDIT_LOG] = { ACT_AUDIT_LOG, "operation-log", "F2 ^B",
	    N_("Operation log"), PERM_AUDIT_VIEW, 0 },
	[ACT_VERIFY] =	 { ACT_VERIFY, "verify", "F11 ^V", N_("Verify"),
	    PERM_AUDIT_VERIFY, 0 },
	[ACT_REPORTS] =	 { ACT_REPORTS, "reports", "^R", N_("Reports"),
	    PERM_REPORT_VIEW, 0 },
	[ACT_ANALYSIS] = { ACT_ANALYSIS, "access-analysis", "^U",
	    N_("Access analysis"), PERM_AUDIT_VIEW, 0 },
	/* The log browser: no text field, so / and letters are safe. */
	[ACT_FIRST] =	 { ACT_FIRST, "newest", "Home", N_("Newest"), -1, 0 },
	[ACT_FILTER_OPERATOR] = { ACT_FILTER_OPERATOR, "filter-operator",
	    "F2 ^O", N_("Operator"), PERM_AUDIT_VIEW, 0 },
	[ACT_FILTER_ACTION] = { ACT_FILTER_ACTION, "filter-action", "F3 ^A",
	    N_("Action"), PERM_AUDIT_VIEW, 0 },
	[ACT_FILTER_STUDENT] = { ACT_FILTER_STUDENT, "filter-student",
	    "F4 ^S", N_("Student"), PERM_AUDIT_VIEW, 0 },
	[ACT_FILTER_DATES] = { ACT_FILTER_DATES, "filter-dates", "F5 ^D",
	    N_("Dates"), PERM_AUDIT_VIEW, 0 },
	/*
	 * F6 and F7 were clear and find already; ^R reveals only where a
	 * record is shown.
	 */
	[ACT_FILTER_REQUEST] = { ACT_FILTER_REQUEST, "filter-request",
	    "F8 ^R", N_("Request"), PERM_AUDIT_VIEW, 0 },
	[ACT_FILTER_CLEAR] = { ACT_FILTER_CLEAR, "clear-filters", "F6 ^K",
	    N_("Clear"), PERM_AUDIT_VIEW, 0 },
	[ACT_FIND] =	 { ACT_FIND, "find-in-log", "/ F7 ^F", N_("Find"),
	    PERM_AUDIT_VIEW, 0 },
	[ACT_CHECKPOINT] = { ACT_CHECKPOINT, "verify-checkpoint", "F3 ^O",
	    N_("Checkpoint"), PERM_AUDIT_VERIFY, 0 },
	/* The reports screen: digits pick a report. */
	[ACT_REPORT_STATUS] = { ACT_REPORT_STATUS, "report-status", "1",
	    N_("Status"), PERM_REPORT_VIEW, 0 },
	[ACT_REPORT_COMPLETENESS] = { ACT_REPORT_COMPLETENESS,
	    "report-completeness", "2", N_("Completeness"), PERM_REPORT_VIEW,
	    0 },
	[ACT_REPORT_PENDING] = { ACT_REPORT_PENDING, "report-pending", "3",
	    N_("Pending"), PERM_REPORT_VIEW, 0 },
	[ACT_REPORT_REVIEWS] = { ACT_REPORT_REVIEWS, "report-reviews", "4",
	    N_("Reviews"), PERM_REPORT_VIEW, 0 },
	[ACT_REPORT_DESTRUCTION] = { ACT_REPORT_DESTRUCTION,
	    "report-destruction", "5", N_("Destruction"), PERM_REPORT_VIEW,
	    0 },
	/* The supervisor's items in the main menu: letters are free there. */
	[ACT_BACKUPS] =	 { ACT_BACKUPS, "backups", "b", N_("Backups"), -1,
	    PERM_BIT(PERM_BACKUP_RUN) | PERM_BIT(PERM_RESTORE_RUN) },
	/* The screen of backups has no text field. */
	[ACT_BACKUP_NOW] = { ACT_BACKUP_NOW, "back-up-now", "F2 ^S",
	    N_("Back up now"), PERM_BACKUP_RUN, 0 },
	[ACT_BACKUP_TO] = { ACT_BACKUP_TO, "back-up-to-folder", "F3 ^O",
	    N_("Back up to…"), PERM_BACKUP_RUN, 0 },
	[ACT_DRILL] =	 { ACT_DRILL, "restore-drill", "F4 ^D d",
	    N_("Drill"), PERM_RESTORE_RUN, 0 },
	[ACT_DRILL_FILE] = { ACT_DRILL_FILE, "restore-drill-file", "F5 ^F",
	    N_("Drill a file…"), PERM_RESTORE_RUN, 0 },
	[ACT_RESTORE] =	 { ACT_RESTORE, "restore", "F6 ^T",
	    N_("Restore"), PERM_RESTORE_RUN, 0 },
	[ACT_OPERATORS] = { ACT_OPERATORS, "operators", "o", N_("Operators"),
	    PERM_OPERATOR_MANAGE, 0 },
	/* The operators' list has no text field. */
	[ACT_OP_ADD] =	 { ACT_OP_ADD, "add-operator", "F2 a", N_("Add"),
	    PERM_OPERATOR_MANAGE, 0 },
	[ACT_OP_RESET] = { ACT_OP_RESET, "reset-passphrase", "F3 r",
	    N_("Reset passphrase"), PERM_OPERATOR_MANAGE, 0 },
	[ACT_OP_REMOVE] = { ACT_OP_REMOVE, "remove-operator", "F4 d",
	    N_("Remove"), PERM_OPERATOR_MANAGE, 0 },
	[ACT_ROTATE_KEY] = { ACT_ROTATE_KEY, "rotate-key", "F5 k",
	    N_("Rotate key"), PERM_OPERATOR_MANAGE, 0 },
	[ACT_GUARDIANS] = { ACT_GUARDIANS, "guardian-requests", "g",
	    N_("Guardians' requests"), PERM_REQUEST_MANAGE, 0 },
	/* The register has no text field. */
	[ACT_G_ADD] =	 { ACT_G_ADD, "register-guardian-request", "F2 a",
	    N_("Register"), PERM_REQUEST_MANAGE, 0 },
	[ACT_G_LINK] =	 { ACT_G_LINK, "link-guardian-request", "F3 l",
	    N_("Link"), PERM_REQUEST_MANAGE, 0 },
	[ACT_IMPORT] =	 { ACT_IMPORT, "import", "i", N_("Import"),
	    PERM_IMPORT_RUN, 0 },
	/* The import screen has no text field. */
	[ACT_IMPORT_RUN] = { ACT_IMPORT_RUN, "import-file", "F2 ^S",
	    N_("Import"), PERM_IMPORT_RUN, 0 },
	[ACT_IMPORT_CHECK] = { ACT_IMPORT_CHECK, "check-file-again", "F3 ^R",
	    N_("Check again"), PERM_IMPORT_RUN, 0 },
	[ACT_IMPORT_FILE] = { ACT_IMPORT_FILE, "another-file", "F4 ^O",
	    N_("Another file"), PERM_IMPORT_RUN, 0 },
	[ACT_EXPORT] =	 { ACT_EXPORT, "export", "e", N_("Export"),
	    PERM_EXPORT_RUN, 0 },
	/* The export screen has no text field. */
	[ACT_EXPORT_RUN] = { ACT_EXPORT_RUN, "new-export", "F2 ^S",
	    N_("New export"), PERM_EXPORT_RUN, 0 },
	[ACT_CHECKPOINTS] = { ACT_CHECKPOINTS, "checkpoints", "c",
	    N_("Checkpoints"), PERM_CHECKPOINT_WRITE, 0 },
	/* The checkpoints screen has no text field. */
	[ACT_CHECKPOINT_WRITE] = { ACT_CHECKPOINT_WRITE, "write-checkpoint",
	    "F2 ^S", N_("Write checkpoint"), PERM_CHECKPOINT_WRITE, 0 },
};

static const struct {
	const char	*name;
	int		 code;
} key_names[] = {
	{ "Esc", 27 }, { "Enter", '\r' }, { "Tab", '\t' },
	{ "BackTab", KEY_BTAB }, { "Up", KEY_UP }, { "Down", KEY_DOWN },
	{ "Left", KEY_LEFT }, { "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
};

/*
 * Parse one key name: "F2", "^S", "Esc", "q".  *is_key says whether the
 * code is a curses KEY_ value or a character.
 */
static int
parse_key(const char *name, size_t len, int *is_key)
{
	size_t	i;
	int	n;

	*is_key = 0;
	if (len == 2 && name[0] == '^')
		return name[1] & 0x1f;
	if (len >= 2 && name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		n = name[1] - '0';
		if (len == 3)
			n = n * 10 + name[2] - '0';
		*is_key = 1;
		return KEY_F(n);
	}
	for (i = 0; i < nitems(key_names); i++) {
		if (strlen(key_names[i].name) == len &&
		    strncmp(key_names[i].name, name, len) == 0) {
			*is_key = key_names[i].code > 0xff;
			return key_names[i].code;
		}
	}
	if (len == 1) {
		*is_key = 0;
		return (unsigned char)name[0];
	}
	return -1;
}

/* Whether the key (ch, is_key) is one of action a's keys. */
static int
action_has_key(enum action a, wint_t ch, int is_key)
{
	const char	*p = action_table[a].keys, *end;
	int		 code, k;

	/* Terminals send Enter as ^M or ^J, and curses may say KEY_ENTER. */
	if (!is_key && ch == '\n')
		ch = '\r';
	if (is_key && ch == KEY_ENTER) {
		ch = '\r';
		is_key = 0;
	}
	if (!is_key && ch == 127)
		return 0;
	while (*p != '\0') {
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		code = parse_key(p, (size_t)(end - p), &k);
		if (code == (int)ch && k == is_key)
			return 1;
		p = *end != '\0' ? end + 1 : end;
	}
	return 0;
}

enum action
action_for_key(const enum action *actions, wint_t ch, int is_key)
{
	size_t	i;

	for (i = 0; actions[i] != ACT_NONE; i++) {
		if (action_has_key(actions[i], ch, is_key))
			return actions[i];
	}
	return ACT_NONE;
}

const char *
action_key_label(enum action a)
{
	static char	 buf[32];
	const char	*keys = action_table[a].keys;

	*buf = '\0';
	ui_key_append(buf, sizeof buf, keys, strcspn(keys, " "));
	return buf;
}

const enum action ui_global_actions[] = {
	ACT_HELP, ACT_QUIT, ACT_LOCK, ACT_REDRAW, ACT_NONE
};

enum action
ui_key_action(const struct screen *sc, wint_t ch, int is_key)
{
	enum action	a;

	/* Printable text goes to the screen's field, never to an action. */
	if (!is_key && ch >= ' ' && ch != 127 && sc->text != NULL)
		return ACT_NONE;
	if ((a = action_for_key(sc->actions, ch, is_key)) != ACT_NONE)
		return a;
	return action_for_key(ui_global_actions, ch, is_key);
}

/*
 * Keys whose cap shows an arrow and no word (and BackTab, a name only
 * curses uses) are shown by what the language calls them, as the hints
 * of the forms do (左/右键); every other name is shown as it is, since
 * Chinese keyboards print Enter, Esc, Tab, PgUp, Home and F2 on their
 * caps too.  Parsing never sees these: it reads key_names.
 */
static const char *
key_words(const char *name, size_t len)
{
#define IS(s)	(len == sizeof(s) - 1 && strncmp(name, (s), len) == 0)
	if (IS("Up"))
		return C_("key", "Up");
	if (IS("Down"))
		return C_("key", "Down");
	if (IS("Left"))
		return C_("key", "Left");
	if (IS("Right"))
		return C_("key", "Right");
	if (IS("Shift-Left"))
		return C_("key", "Shift-Left");
	if (IS("Shift-Right"))
		return C_("key", "Shift-Right");
	if (IS("BackTab"))
		return C_("key", "Shift-Tab");
#undef IS
	return NULL;
}

void
ui_key_append(char *buf, size_t len, const char *name, size_t n)
{
	const char	*w = key_words(name, n);
	size_t		 o = strlen(buf);

	if (w != NULL) {
		name = w;
		n = strlen(w);
	}
	if (o + (o > 0) + n + 1 > len)
		return;
	if (o > 0)
		buf[o++] = ' ';
	memcpy(buf + o, name, n);
	buf[o + n] = '\0';
}

int
ui_action_keys(const struct screen *sc, enum action a, char *buf,
    size_t len)
{
	const char	*p = action_table[a].keys, *end;
	size_t		 n;
	int		 code, is_key;

	*buf = '\0';
	while (*p != '\0') {
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		code = parse_key(p, n, &is_key);
		/* Enter is one key whichever of its codes arrives. */
		if (code >= 0 && ui_key_action(sc, (wint_t)code, is_key) == a)
			ui_key_append(buf, len, p, n);
		p = *end != '\0' ? end + 1 : end;
	}
	return *buf != '\0';
}
