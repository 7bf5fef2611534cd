/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * config.h — xueji.yaml, loaded with libyaml against one declared schema
 * (config_schema[]), which also feeds xueji.yaml(5).
 */
#ifndef XUEJI_CONFIG_H
#define XUEJI_CONFIG_H

#include <stddef.h>

enum config_type {
	CONFIG_STRING,
	CONFIG_PATH,		/* relative paths resolve against the file's dir */
	CONFIG_INT,
	CONFIG_PATTERN,		/* student-number pattern, checked on load */
};

/* One key of xueji.yaml.  Nested mappings are named with dots. */
struct config_option {
	const char		*name;		/* "branch.code" */
	/* Where the value goes in struct config: a long for CONFIG_INT,
	 * else a char * (NULL for an empty CONFIG_PATH). */
	size_t			 field;
	enum config_type	 type;
	const char		*dflt;		/* NULL: required */
	long			 min, max;	/* CONFIG_INT only */
	const char		*help;		/* N_() */
	/* Extra check of a string value, or NULL: XJ_OK or XJ_ECONFIG. */
	int			(*check)(const char *value, char **cause);
};

/* The field f of struct config, for config_schema[]. */
#define CONFIG_FIELD(f)	offsetof(struct config, f)
extern const struct config_option config_schema[];
extern const size_t config_schema_len;

struct config {
	char	*path;			/* the file it came from */
	char	*branch_code;		/* "SH01" */
	char	*branch_name;
	char	*data_dir;
	char	*roles_file;
	char	*forms_dir;
	char	*number_pattern;	/* "{branch}-{year}-{seq:5}" */
	long	 idle_lock_seconds;
	long	 login_delay_max;	/* seconds, the longest back-off */
	long	 age_min_years;		/* plausible age at enrolment */
	long	 age_max_years;
	long	 queue_overdue_hours;	/* a pending request is overdue */
	long	 review_months;		/* between quarterly reviews */
	long	 keep_completed_months;	/* retention after completion */
	long	 keep_withdrawn_months;	/* retention after withdrawal */
	long	 backup_keep_days;	/* backup rotation */
	char	*checkpoint_dir;	/* automatic checkpoints, or NULL */
	char	*backup_dir;		/* NULL: data_dir/backups */
	long	 restore_drill_warn_days; /* warn after this many days */
	long	 backup_warn_days;	/* the last backup is old after */
	long	 checkpoint_warn_days;	/* the last checkpoint is old after */
	long	 guardian_request_days;	/* a guardian's request is due */

	/* Access analysis (store_analysis). */
	long	 burst_count;		/* more record opens than this … */
	long	 burst_minutes;		/* … within this many minutes */
	char	*working_hours;		/* "08:00-20:00", local time */
	int	 work_from, work_until;	/* the same in minutes after 00:00 */
	long	 failed_logins;		/* this many failed logins … */
	long	 failed_minutes;	/* … within this many minutes */
	char	*language;		/* LANGUAGE to set, "": the environment's */
};

/*
 * Load and check path.  On success *out is a new config the caller frees
 * with config_free.  On failure returns XJ_ECONFIG (or XJ_ENOINPUT when
 * the file is missing), *out is untouched and *cause holds
 * "file:line:column: message".  Since the file names the roles file, it is
 * refused like one (xj_check_config_file) when others could change it.
 */
int	 config_load(const char *path, struct config **out, char **cause);
void	 config_free(struct config *);

/*
 * Format the student number for branch, year and seq with pattern into a
 * malloc'd string.  Placeholders: {branch}, {year}, {seq} or {seq:N}
 * (zero-padded to N digits).  Returns NULL if the pattern is invalid.
 */
char	*config_format_number(const char *pattern, const char *branch,
	     int year, long seq);
/*
 * Parse working hours "HH:MM-HH:MM" (the end may be 24:00) into minutes
 * after midnight.  The start must come before the end: hours across
 * midnight are not supported.  XJ_OK, or XJ_ECONFIG with *cause.
 */
int	 config_parse_hours(const char *s, int *from, int *until,
	     char **cause);
/* Whether pattern is a valid number pattern; fills *cause when not. */
int	 config_check_pattern(const char *pattern, char **cause);

#endif
