/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * xueji.yaml.  Every key is declared once in config_schema[], as tmux's
 * options-table.c does; the loader flattens nested mappings to dotted
 * names and refuses anything the table does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/yamldoc.h"
#include "xueji/config.h"
#include "xueji/policy.h"

#define PATTERN_MAX	64	/* bytes in a student-number pattern */

/* Indexes into config_schema[], so that the loader can fill struct config. */
enum {
	OPT_BRANCH_CODE,
	OPT_BRANCH_NAME,
	OPT_DATA_DIR,
	OPT_ROLES_FILE,
	OPT_FORMS_DIR,
	OPT_STUDENT_NUMBER,
	OPT_IDLE_LOCK,
	OPT_LOGIN_DELAY,
	OPT_AGE_MIN,
	OPT_AGE_MAX,
	OPT_OVERDUE_HOURS,
	OPT_REVIEW_MONTHS,
	OPT_KEEP_COMPLETED,
	OPT_KEEP_WITHDRAWN,
	OPT_BACKUP_DAYS,
	OPT_CHECKPOINT_DIR,
	OPT_BACKUP_DIR,
	OPT_DRILL_WARN,
	OPT_BACKUP_WARN,
	OPT_CHECKPOINT_WARN,
	OPT_GUARDIAN_DAYS,
	OPT_BURST_COUNT,
	OPT_BURST_MINUTES,
	OPT_WORKING_HOURS,
	OPT_FAILED_LOGINS,
	OPT_FAILED_MINUTES,
	OPT_LANGUAGE,
	OPT__COUNT
};

static int	config_check_code(const char *, char **);
static int	config_check_hours(const char *, char **);

/* A LANGUAGE value: "zh_CN", "en" or a list such as "zh_CN:en". */
static int
config_check_language(const char *s, char **cause)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_:.@-") != strlen(s) || s[0] == '.' || s[0] == '-')
		return xj_fail(cause, XJ_ECONFIG, _("language is a name such "
		    "as zh_CN or en, or a list such as zh_CN:en"));
	return XJ_OK;
}

const struct config_option config_schema[] = {
	[OPT_BRANCH_CODE] = {
		.name = "branch.code",
		.field = CONFIG_FIELD(branch_code), .type = CONFIG_STRING,
		.check = config_check_code,
		.help = N_("Short code of the branch, 2 to 8 capital letters "
		    "or digits (SH01); it starts every student number.")
	},
	[OPT_BRANCH_NAME] = {
		.name = "branch.name",
		.field = CONFIG_FIELD(branch_name), .type = CONFIG_STRING,
		.help = N_("Name of the branch as shown on screens and "
		    "reports.")
	},
	[OPT_DATA_DIR] = {
		.name = "data_dir",
		.field = CONFIG_FIELD(data_dir), .type = CONFIG_PATH,
		.dflt = "/var/lib/xueji",
		.help = N_("Directory of the database and the key slots.")
	},
	[OPT_ROLES_FILE] = {
		.name = "roles_file",
		.field = CONFIG_FIELD(roles_file), .type = CONFIG_PATH,
		.dflt = "roles.yaml",
		.help = N_("File of roles and operators.  It must not be "
		    "writable by group or others, and must be owned by root "
		    "or by the user running xueji.")
	},
	[OPT_FORMS_DIR] = {
		.name = "forms_dir",
		.field = CONFIG_FIELD(forms_dir), .type = CONFIG_PATH,
		.dflt = "/usr/share/xueji/forms",
		.help = N_("Directory of the form specifications.")
	},
	[OPT_STUDENT_NUMBER] = {
		.name = "student_number",
		.field = CONFIG_FIELD(number_pattern), .type = CONFIG_PATTERN,
		.dflt = "{branch}-{year}-{seq:5}",
		.help = N_("Pattern of new student numbers: {branch}, {year} "
		    "and {seq} or {seq:N} (zero-padded to N digits).")
	},
	[OPT_IDLE_LOCK] = {
		.name = "idle_lock_seconds",
		.field = CONFIG_FIELD(idle_lock_seconds), .type = CONFIG_INT,
		.dflt = "180", .min = 5, .max = 86400,
		.help = N_("Seconds without a key press before the terminal "
		    "locks itself.")
	},
	[OPT_LOGIN_DELAY] = {
		.name = "login_delay_max_seconds",
		.field = CONFIG_FIELD(login_delay_max), .type = CONFIG_INT,
		.dflt = "30", .min = 1, .max = 3600,
		.help = N_("Longest wait between failed logins of one "
		    "operator id: the wait doubles from one second with each "
		    "failure up to this, and a login must wait it out first.")
	},
	[OPT_AGE_MIN] = {
		.name = "age_min_years",
		.field = CONFIG_FIELD(age_min_years), .type = CONFIG_INT,
		.dflt = "2", .min = 0, .max = 99,
		.help = N_("Youngest plausible age at enrolment; a later "
		    "birth month is refused.")
	},
	[OPT_AGE_MAX] = {
		.name = "age_max_years",
		.field = CONFIG_FIELD(age_max_years), .type = CONFIG_INT,
		.dflt = "18", .min = 1, .max = 120,
		.help = N_("Oldest plausible age at enrolment; an earlier "
		    "birth month is refused.")
	},
	[OPT_OVERDUE_HOURS] = {
		.name = "queue_overdue_hours",
		.field = CONFIG_FIELD(queue_overdue_hours), .type = CONFIG_INT,
		.dflt = "48", .min = 1, .max = 8760,
		.help = N_("Hours after which a pending request is marked "
		    "overdue in the approval queue.")
	},
	[OPT_REVIEW_MONTHS] = {
		.name = "review_months",
		.field = CONFIG_FIELD(review_months), .type = CONFIG_INT,
		.dflt = "3", .min = 1, .max = 24,
		.help = N_("Months between reviews of a record: the first is "
		    "due this long after enrolment, the next this long after "
		    "each review.")
	},
	[OPT_KEEP_COMPLETED] = {
		.name = "retention.completed_months",
		.field = CONFIG_FIELD(keep_completed_months), .type = CONFIG_INT,
		.dflt = "36", .min = 1, .max = 600,
		.help = N_("Months a completed student's record is kept before "
		    "it is due for destruction.")
	},
	[OPT_KEEP_WITHDRAWN] = {
		.name = "retention.withdrawn_months",
		.field = CONFIG_FIELD(keep_withdrawn_months), .type = CONFIG_INT,
		.dflt = "12", .min = 1, .max = 600,
		.help = N_("Months a withdrawn student's record is kept before "
		    "it is due for destruction.")
	},
	[OPT_BACKUP_DAYS] = {
		.name = "backup_keep_days",
		.field = CONFIG_FIELD(backup_keep_days), .type = CONFIG_INT,
		.dflt = "30", .min = 1, .max = 3650,
		.help = N_("Days a backup is kept before rotation deletes it; "
		    "a destruction record says when the last backup holding "
		    "the data expires.")
	},
	[OPT_CHECKPOINT_DIR] = {
		.name = "checkpoint_dir",
		.field = CONFIG_FIELD(checkpoint_dir), .type = CONFIG_PATH,
		.dflt = "",
		.help = N_("Folder where signed checkpoints of the audit log "
		    "are written by themselves (removable media or another "
		    "machine's share); empty: none.")
	},
	[OPT_BACKUP_DIR] = {
		.name = "backup_dir",
		.field = CONFIG_FIELD(backup_dir), .type = CONFIG_PATH,
		.dflt = "",
		.help = N_("Folder of the encrypted backups and their rotation; "
		    "empty: the folder backups inside data_dir.")
	},
	[OPT_DRILL_WARN] = {
		.name = "restore_drill_warn_days",
		.field = CONFIG_FIELD(restore_drill_warn_days), .type = CONFIG_INT,
		.dflt = "90", .min = 1, .max = 3650,
		.help = N_("Days after the last successful restore drill when "
		    "the screens start to warn that another one is due.")
	},
	[OPT_BACKUP_WARN] = {
		.name = "backup_warn_days",
		.field = CONFIG_FIELD(backup_warn_days), .type = CONFIG_INT,
		.dflt = "7", .min = 1, .max = 3650,
		.help = N_("Days after the last backup when the main menu "
		    "shows its age as a warning.")
	},
	[OPT_CHECKPOINT_WARN] = {
		.name = "checkpoint_warn_days",
		.field = CONFIG_FIELD(checkpoint_warn_days), .type = CONFIG_INT,
		.dflt = "7", .min = 1, .max = 3650,
		.help = N_("Days after the last checkpoint of the operation "
		    "log when the main menu shows its age as a warning.")
	},
	[OPT_GUARDIAN_DAYS] = {
		.name = "guardian_request_days",
		.field = CONFIG_FIELD(guardian_request_days), .type = CONFIG_INT,
		.dflt = "15", .min = 1, .max = 365,
		.help = N_("Days within which a guardian's request (access, "
		    "correction, deletion, complaint) must be dealt with; "
		    "after that it is overdue.")
	},
	[OPT_BURST_COUNT] = {
		.name = "analysis.burst_count",
		.field = CONFIG_FIELD(burst_count), .type = CONFIG_INT,
		.dflt = "30", .min = 1, .max = 100000,
		.help = N_("Access analysis: an operator who opens more "
		    "records than this within analysis.burst_minutes is "
		    "reported.")
	},
	[OPT_BURST_MINUTES] = {
		.name = "analysis.burst_minutes",
		.field = CONFIG_FIELD(burst_minutes), .type = CONFIG_INT,
		.dflt = "10", .min = 1, .max = 1440,
		.help = N_("Access analysis: the window, in minutes, of "
		    "analysis.burst_count.")
	},
	[OPT_WORKING_HOURS] = {
		.name = "analysis.working_hours",
		.field = CONFIG_FIELD(working_hours), .type = CONFIG_STRING,
		.dflt = "08:00-20:00", .check = config_check_hours,
		.help = N_("Access analysis: the working hours, local time, "
		    "as HH:MM-HH:MM; what operators do outside them is "
		    "reported.")
	},
	[OPT_FAILED_LOGINS] = {
		.name = "analysis.failed_logins",
		.field = CONFIG_FIELD(failed_logins), .type = CONFIG_INT,
		.dflt = "5", .min = 1, .max = 10000,
		.help = N_("Access analysis: this many failed logins of one "
		    "operator id within analysis.failed_minutes are "
		    "reported.")
	},
	[OPT_FAILED_MINUTES] = {
		.name = "analysis.failed_minutes",
		.field = CONFIG_FIELD(failed_minutes), .type = CONFIG_INT,
		.dflt = "15", .min = 1, .max = 1440,
		.help = N_("Access analysis: the window, in minutes, of "
		    "analysis.failed_logins.")
	},
	[OPT_LANGUAGE] = {
		.name = "language",
		.field = CONFIG_FIELD(language), .type = CONFIG_STRING, .dflt = "",
		.check = config_check_language,
		.help = N_("Language of the interface, such as zh_CN or en; "
		    "unset: follow LANGUAGE, LC_ALL, LC_MESSAGES and LANG.")
	},
};
const size_t config_schema_len = nitems(config_schema);

static int
config_check_code(const char *s, char **cause)
{
	size_t	n = strlen(s), i;

	for (i = 0; i < n; i++) {
		if ((s[i] < 'A' || s[i] > 'Z') && (s[i] < '0' || s[i] > '9'))
			break;
	}
	if (n < 2 || n > 8 || i != n)
		return xj_fail(cause, XJ_ECONFIG, _("the branch code must be 2 "
		    "to 8 capital letters or digits, such as SH01"));
	return XJ_OK;
}

/* Parse "HH:MM" at s into minutes after midnight (24:00 allowed). */
static int
parse_hhmm(const char *s, int *minutes)
{
	int	h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
	    s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

int
config_parse_hours(const char *s, int *from, int *until, char **cause)
{
	int	a, b;

	if (strlen(s) != 11 || s[5] != '-' || parse_hhmm(s, &a) != 0 ||
	    parse_hhmm(s + 6, &b) != 0)
		return xj_fail(cause, XJ_ECONFIG, _("working hours are written "
		    "HH:MM-HH:MM, such as 08:00-20:00"));
	if (a >= b)
		return xj_fail(cause, XJ_ECONFIG, _("working hours must start "
		    "before they end on the same day (%.5s is not before "
		    "%.5s)"), s, s + 6);
	*from = a;
	*until = b;
	return XJ_OK;
}

static int
config_check_hours(const char *s, char **cause)
{
	int	a, b;

	return config_parse_hours(s, &a, &b, cause);
}

/*
 * Check pattern and, when out is not NULL, expand it.  One walk does both
 * so that what is checked is exactly what is formatted.
 */
static int
pattern_expand(const char *pattern, const char *branch, int year, long seq,
    char **out, char **cause)
{
	const char	*p, *end;
	FILE		*f = NULL;
	char		*s = NULL;
	size_t		 len, slen;
	int		 nseq = 0, width, rc;

	if (strlen(pattern) > PATTERN_MAX)
		return xj_fail(cause, XJ_ECONFIG, _("the student number pattern "
		    "is longer than %d characters"), PATTERN_MAX);
	if (out != NULL && (f = open_memstream(&s, &slen)) == NULL)
		fatalx_oom();
	for (p = pattern; *p != '\0'; p++) {
		if (*p == '}') {
			rc = xj_fail(cause, XJ_ECONFIG, _("\"}\" without \"{\" "
			    "in the student number pattern"));
			goto fail;
		}
		if (*p != '{') {
			if (*p <= ' ' || *p > '~') {
				rc = xj_fail(cause, XJ_ECONFIG, _("the student "
				    "number pattern may hold only printable "
				    "ASCII characters without spaces"));
				goto fail;
			}
			if (f != NULL)
				fputc(*p, f);
			continue;
		}
		if ((end = strchr(p, '}')) == NULL) {
			rc = xj_fail(cause, XJ_ECONFIG, _("\"{\" without \"}\" "
			    "in the student number pattern"));
			goto fail;
		}
		len = (size_t)(end - p) + 1;
		if (len == 8 && strncmp(p, "{branch}", len) == 0) {
			if (f != NULL)
				fputs(branch, f);
		} else if (len == 6 && strncmp(p, "{year}", len) == 0) {
			if (f != NULL)
				fprintf(f, "%04d", year);
		} else if (len == 5 && strncmp(p, "{seq}", len) == 0) {
			nseq++;
			if (f != NULL)
				fprintf(f, "%ld", seq);
		} else if (strncmp(p, "{seq:", 5) == 0) {
			if (len != 7 || p[5] < '1' || p[5] > '9') {
				rc = xj_fail(cause, XJ_ECONFIG, _("in {seq:N} of "
				    "the student number pattern, N must be a "
				    "digit from 1 to 9"));
				goto fail;
			}
			nseq++;
			width = p[5] - '0';
			if (f != NULL)
				fprintf(f, "%0*ld", width, seq);
		} else {
			rc = xj_fail(cause, XJ_ECONFIG, _("unknown placeholder "
			    "\"%.*s\" in the student number pattern; use "
			    "{branch}, {year}, {seq} or {seq:N}"), (int)len, p);
			goto fail;
		}
		p = end;
	}
	if (nseq == 0) {
		rc = xj_fail(cause, XJ_ECONFIG, _("the student number pattern "
		    "must contain {seq} or {seq:N}"));
		goto fail;
	}
	if (f != NULL) {
		if (fclose(f) != 0)
			fatalx_oom();
		*out = s;
	}
	return XJ_OK;

fail:
	if (f != NULL) {
		fclose(f);
		free(s);
	}
	return rc;
}

/* Check a student-number pattern; fills *cause when it is not valid. */
int
config_check_pattern(const char *pattern, char **cause)
{
	return pattern_expand(pattern, NULL, 0, 0, NULL, cause) == XJ_OK;
}

/* Expand pattern into a new student number, or NULL if it is not valid. */
char *
config_format_number(const char *pattern, const char *branch, int year,
    long seq)
{
	char	*s;

	if (pattern == NULL || branch == NULL || seq < 0)
		return NULL;
	if (pattern_expand(pattern, branch, year, seq, &s, NULL) != XJ_OK)
		return NULL;
	return s;
}

static int
config_find(const char *name)
{
	size_t	i;

	for (i = 0; i < config_schema_len; i++) {
		if (strcmp(config_schema[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* Whether name is the prefix of a dotted key, such as "branch". */
static int
config_is_group(const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < config_schema_len; i++) {
		if (strncmp(config_schema[i].name, name, n) == 0 &&
		    config_schema[i].name[n] == '.')
			return 1;
	}
	return 0;
}

/* Match the keys of mapping m (named prefix) against the schema. */
static int
config_walk(const struct ydoc *d, const struct ynode *m, const char *prefix,
    const struct ynode **vals, char **cause)
{
	const struct ynode	*k, *v;
	char			*name;
	size_t			 i;
	int			 idx, rc = XJ_OK;

	for (i = 0; i + 1 < m->nitems && rc == XJ_OK; i += 2) {
		k = m->items[i];
		v = m->items[i + 1];
		if (prefix != NULL)
			xasprintf(&name, "%s.%s", prefix, k->value);
		else
			name = xstrdup(k->value);
		if ((idx = config_find(name)) != -1) {
			if (vals[idx] != NULL)
				rc = ydoc_error(d, k, cause,
				    _("\"%s\" is set twice"), name);
			else
				vals[idx] = v;
		} else if (!config_is_group(name))
			rc = ydoc_error(d, k, cause, _("unknown key \"%s\"; "
			    "see xueji.yaml(5) for the keys"), name);
		else if (v->kind != YNODE_MAPPING)
			rc = ydoc_error(d, v, cause, _("\"%s\" must be a "
			    "mapping of keys"), name);
		else
			rc = config_walk(d, v, name, vals, cause);
		free(name);
	}
	return rc;
}

/* The deepest existing mapping on the way to name, for messages. */
static const struct ynode *
config_parent(const struct ynode *root, const char *name)
{
	const struct ynode	*n = root, *next;
	char			*copy, *s, *dot;

	copy = s = xstrdup(name);
	while ((dot = strchr(s, '.')) != NULL) {
		*dot = '\0';
		next = ynode_get(n, s);
		if (next == NULL || next->kind != YNODE_MAPPING)
			break;
		n = next;
		s = dot + 1;
	}
	free(copy);
	return n;
}

static int
config_string(const struct ydoc *d, const struct ynode *v,
    const struct config_option *o, char **out, char **cause)
{
	const char	*p;
	char		*s, *msg;
	int		 rc;

	if ((rc = ynode_string(d, v, o->name, &s, cause)) != XJ_OK)
		return rc;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			break;
	}
	if (*s == '\0')
		rc = ydoc_error(d, v, cause, _("\"%s\" must not be empty"),
		    o->name);
	else if (*p != '\0')
		rc = ydoc_error(d, v, cause, _("\"%s\" must not contain "
		    "control characters"), o->name);
	else if (o->type == CONFIG_PATTERN && !config_check_pattern(s, &msg)) {
		rc = ydoc_error(d, v, cause, "%s", msg);
		free(msg);
	} else if (o->check != NULL && o->check(s, &msg) != XJ_OK) {
		rc = ydoc_error(d, v, cause, "%s", msg);
		free(msg);
	}
	if (rc != XJ_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return XJ_OK;
}

/* Load and check path; see config.h for who owns what. */
int
config_load(const char *path, struct config **out, char **cause)
{
	const struct ynode		*vals[OPT__COUNT] = { NULL };
	const struct config_option	*o;
	struct ydoc			*d = NULL;
	struct config			*c;
	char				*sval[OPT__COUNT] = { NULL };
	char				*dir, *s;
	long				 ival[OPT__COUNT] = { 0 };
	size_t				 i;
	int				 rc;

	/* The file names the roles file, so it may grant roles too. */
	if ((rc = xj_check_config_file(path, cause)) != XJ_OK)
		return rc;
	if ((rc = ydoc_load(path, &d, cause)) != XJ_OK)
		return rc;
	dir = xj_dirname(path);

	if (d->root != NULL && d->root->kind != YNODE_MAPPING) {
		rc = ydoc_error(d, d->root, cause, _("the file must be a "
		    "mapping of keys, such as \"branch:\""));
		goto fail;
	}
	if (d->root != NULL &&
	    (rc = config_walk(d, d->root, NULL, vals, cause)) != XJ_OK)
		goto fail;

	for (i = 0; i < config_schema_len; i++) {
		o = &config_schema[i];
		if (vals[i] == NULL && o->dflt == NULL) {
			rc = ydoc_error(d, config_parent(d->root, o->name),
			    cause, _("missing required key \"%s\""), o->name);
			goto fail;
		}
		if (o->type == CONFIG_INT) {
			if (vals[i] == NULL)
				ival[i] = strtol(o->dflt, NULL, 10);
			else if ((rc = ynode_long(d, vals[i], o->name, o->min,
			    o->max, &ival[i], cause)) != XJ_OK)
				goto fail;
			continue;
		}
		if (vals[i] == NULL)
			sval[i] = xstrdup(o->dflt);
		else if ((rc = config_string(d, vals[i], o, &sval[i],
		    cause)) != XJ_OK)
			goto fail;
		/* An empty default path means "not set". */
		if (o->type == CONFIG_PATH && *sval[i] != '\0') {
			s = xj_path_join(dir, sval[i]);
			free(sval[i]);
			sval[i] = s;
		}
	}
	if (ival[OPT_AGE_MIN] > ival[OPT_AGE_MAX]) {
		rc = ydoc_error(d, vals[OPT_AGE_MIN] != NULL ?
		    vals[OPT_AGE_MIN] : vals[OPT_AGE_MAX], cause,
		    _("age_min_years (%ld) is above age_max_years (%ld)"),
		    ival[OPT_AGE_MIN], ival[OPT_AGE_MAX]);
		goto fail;
	}

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	for (i = 0; i < config_schema_len; i++) {
		o = &config_schema[i];
		if (o->type == CONFIG_INT) {
			*(long *)((char *)c + o->field) = ival[i];
			continue;
		}
		/*
		 * An empty path is a folder not set (checkpoint_dir; backup_dir,
		 * which stays NULL because -d may still move data_dir).
		 */
		if (o->type == CONFIG_PATH && *sval[i] == '\0') {
			free(sval[i]);
			sval[i] = NULL;
		}
		*(char **)((char *)c + o->field) = sval[i];
	}
	/* Checked on the way in; the default is valid too. */
	config_parse_hours(c->working_hours, &c->work_from, &c->work_until,
	    NULL);
	free(dir);
	ydoc_free(d);
	*out = c;
	return XJ_OK;

fail:
	for (i = 0; i < OPT__COUNT; i++)
		free(sval[i]);
	free(dir);
	ydoc_free(d);
	return rc;
}

/* Free a config from config_load; NULL is fine. */
void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->branch_code);
	free(c->branch_name);
	free(c->data_dir);
	free(c->roles_file);
	free(c->forms_dir);
	free(c->number_pattern);
	free(c->checkpoint_dir);
	free(c->backup_dir);
	free(c->working_hours);
	free(c->language);
	free(c);
}
