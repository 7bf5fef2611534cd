/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * policy.h — permissions, roles and operators from roles.yaml.
 *
 * Permissions are a fixed set known to the code (perm_table[]); a roles
 * file naming one that does not exist is refused, so a typo cannot grant
 * or withhold anything silently.
 */
#ifndef XUEJI_POLICY_H
#define XUEJI_POLICY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The names are published (roles files, the log): "student.enroll" keeps
 * its first spelling, as do the action of that name and the form
 * forms/enrollment.yaml; identifiers and prose write "enrol".
 */
enum perm {
	PERM_STUDENT_ENROL,		/* student.enroll */
	PERM_STUDENT_VIEW,		/* student.view: open a record */
	PERM_STUDENT_SEARCH,		/* student.search: find and list */
	PERM_STUDENT_PHONE,		/* student.phone: see phones unmasked */
	PERM_STUDENT_SENSITIVE,		/* student.sensitive: sensitive fields */
	PERM_STUDENT_DUPLICATE,		/* student.duplicate: enrol a likely
					   duplicate */
	PERM_CHANGE_REQUEST,		/* change.request */
	PERM_CHANGE_APPROVE,		/* change.approve */
	PERM_CHANGE_CONFIRM,		/* change.confirm: guardian confirmation */
	PERM_STATUS_REQUEST,		/* status.request */
	PERM_STATUS_SET,		/* status.set */
	PERM_STATUS_REVIEW,		/* status.review */
	PERM_DESTROY_REQUEST,		/* destroy.request */
	PERM_DESTROY_APPROVE,		/* destroy.approve */
	PERM_AUDIT_VIEW,		/* audit.view */
	PERM_AUDIT_VERIFY,		/* audit.verify */
	PERM_CHECKPOINT_WRITE,		/* checkpoint.write */
	PERM_REPORT_VIEW,		/* report.view */
	PERM_BACKUP_RUN,		/* backup.run */
	PERM_RESTORE_RUN,		/* restore.run */
	PERM_IMPORT_RUN,		/* import.run */
	PERM_EXPORT_RUN,		/* export.run */
	PERM_REQUEST_MANAGE,		/* request.manage: guardians' requests */
	PERM_OPERATOR_MANAGE,		/* operator.manage */
	PERM__COUNT
};

typedef uint64_t perm_set;
#define PERM_BIT(p)	((perm_set)1 << (p))

struct perm_info {
	enum perm	 perm;
	const char	*name;		/* "student.enroll" */
	int		 writes;	/* changes the database when used */
	const char	*help;		/* N_() */
	const char	*words;		/* N_(): "open records", for refusals */
};
extern const struct perm_info perm_table[PERM__COUNT];

/* The permission called name, or -1. */
int		 perm_lookup(const char *name);
const char	*perm_name(enum perm);

struct role {
	char		*name;
	perm_set	 perms;
};

struct operator {
	char		*id;		/* login id: [a-z0-9_.-]{1,32} */
	char		*name;		/* display name */
	const struct role *role;	/* points into policy->roles */
};

struct policy {
	char		*path;
	unsigned char	 hash[32];	/* BLAKE2b-256 of the file's bytes */
	struct role	*roles;
	size_t		 nroles;
	struct operator	*operators;
	size_t		 noperators;
};

/*
 * Load roles.yaml.  Refuses (XJ_ECONFIG, "file:line:column: message") an
 * unknown key, an unknown permission, an operator whose role does not
 * exist, a duplicate role or operator, a bad operator id, and a file that
 * is writable by group or others or owned by someone other than root or
 * the current user.  XJ_ENOINPUT when the file is missing.  On failure
 * *out is untouched.
 */
int	 policy_load(const char *path, struct policy **out, char **cause);
void	 policy_free(struct policy *);

/* The operator with id, or NULL. */
const struct operator *policy_operator(const struct policy *, const char *id);
/*
 * An operator as people read them: "王丽 (reception1)" (王丽（reception1）
 * in Chinese), or the id alone when roles.yaml no longer lists it or no
 * policy is given (a store opened without one: a restore's); "" for a
 * NULL id.  Caller frees.
 */
char	*policy_who(const struct policy *, const char *id);
/*
 * A role's name for the interface: the shipped roles in the operator's
 * language, a role the branch added as roles.yaml names it.
 */
const char	*role_label(const struct role *);
/* Whether op's role grants p. */
int	 policy_allows(const struct operator *op, enum perm p);
/* Whether s is a well-formed operator id. */
int	 policy_valid_id(const char *s);

#endif
