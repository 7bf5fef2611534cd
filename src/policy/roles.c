/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * roles.yaml: which role holds which permission, and which operator has
 * which role.  The permissions are fixed here; the file only combines
 * them, and anything it says that the code does not know is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/yamldoc.h"
#include "xueji/policy.h"

const struct perm_info perm_table[PERM__COUNT] = {
	{ PERM_STUDENT_ENROL, "student.enroll", 1,
	  N_("Enrol a new student."),
	  N_("enrol students") },
	{ PERM_STUDENT_VIEW, "student.view", 0,
	  N_("Open a student's record."),
	  N_("open records") },
	{ PERM_STUDENT_SEARCH, "student.search", 0,
	  N_("Find and list students."),
	  N_("find students") },
	{ PERM_STUDENT_PHONE, "student.phone", 0,
	  N_("See guardians' phone numbers unmasked."),
	  N_("see phone numbers unmasked") },
	{ PERM_STUDENT_SENSITIVE, "student.sensitive", 0,
	  N_("See sensitive fields such as health notes."),
	  N_("see sensitive fields") },
	{ PERM_STUDENT_DUPLICATE, "student.duplicate", 1,
	  N_("Enrol a student despite a likely duplicate."),
	  N_("enrol a likely duplicate") },
	{ PERM_CHANGE_REQUEST, "change.request", 1,
	  N_("Request a change to a record."),
	  N_("request changes") },
	{ PERM_CHANGE_APPROVE, "change.approve", 1,
	  N_("Approve or reject someone else's change request."),
	  N_("approve changes") },
	{ PERM_CHANGE_CONFIRM, "change.confirm", 1,
	  N_("Record a guardian's confirmation of a change."),
	  N_("record guardians' confirmations") },
	{ PERM_STATUS_REQUEST, "status.request", 1,
	  N_("Request a change of archive status."),
	  N_("request status changes") },
	{ PERM_STATUS_SET, "status.set", 1,
	  N_("Set the archive status of a record."),
	  N_("set statuses") },
	{ PERM_STATUS_REVIEW, "status.review", 1,
	  N_("Record the quarterly review of a record."),
	  N_("record reviews") },
	{ PERM_DESTROY_REQUEST, "destroy.request", 1,
	  N_("Request the destruction of a record."),
	  N_("request destructions") },
	{ PERM_DESTROY_APPROVE, "destroy.approve", 1,
	  N_("Approve or reject someone else's destruction request."),
	  N_("approve destructions") },
	{ PERM_AUDIT_VIEW, "audit.view", 0,
	  N_("Browse the operation log."),
	  N_("read the log") },
	{ PERM_AUDIT_VERIFY, "audit.verify", 0,
	  N_("Verify the integrity of the database and the log."),
	  N_("verify the log") },
	{ PERM_CHECKPOINT_WRITE, "checkpoint.write", 0,
	  N_("Export a signed checkpoint of the log."),
	  N_("write checkpoints") },
	{ PERM_REPORT_VIEW, "report.view", 0,
	  N_("Read reports and metrics."),
	  N_("read reports") },
	{ PERM_BACKUP_RUN, "backup.run", 0,
	  N_("Make an encrypted backup."),
	  N_("make backups") },
	{ PERM_RESTORE_RUN, "restore.run", 1,
	  N_("Restore the database from a backup, or drill it."),
	  N_("restore backups") },
	{ PERM_IMPORT_RUN, "import.run", 1,
	  N_("Import students from a CSV file."),
	  N_("import students") },
	{ PERM_EXPORT_RUN, "export.run", 0,
	  N_("Export records to a file."),
	  N_("export records") },
	{ PERM_REQUEST_MANAGE, "request.manage", 1,
	  N_("Record and track guardians' requests."),
	  N_("manage guardians' requests") },
	{ PERM_OPERATOR_MANAGE, "operator.manage", 1,
	  N_("Add and remove operators and their key slots."),
	  N_("manage operators") },
};

/* The permission called name, or -1. */
int
perm_lookup(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(perm_table); i++) {
		if (strcmp(perm_table[i].name, name) == 0)
			return (int)perm_table[i].perm;
	}
	return -1;
}

/* The name of p, or NULL when p is not a permission. */
const char *
perm_name(enum perm p)
{
	if ((unsigned)p >= PERM__COUNT)
		return NULL;
	return perm_table[p].name;
}

/* Whether s is a well-formed operator id: [a-z0-9][a-z0-9_.-]{0,31}. */
int
policy_valid_id(const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i == 32)
			return 0;
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i > 0 && (s[i] == '_' || s[i] == '.' || s[i] == '-'))
			continue;
		return 0;
	}
	return i > 0;
}

static int
policy_roles(const struct ydoc *d, const struct ynode *m, struct policy *pol,
    char **cause)
{
	const struct ynode	*k, *v, *item;
	struct role		*r;
	size_t			 i, j;
	int			 p;

	if (m->kind != YNODE_MAPPING)
		return ydoc_error(d, m, cause, _("\"roles\" must map each role "
		    "name to a list of permissions"));
	pol->roles = xcalloc(m->nitems / 2 + 1, sizeof *pol->roles);
	for (i = 0; i + 1 < m->nitems; i += 2) {
		k = m->items[i];
		v = m->items[i + 1];
		if (!policy_valid_id(k->value))
			return ydoc_error(d, k, cause, _("bad role name \"%s\": "
			    "use lowercase letters, digits, \"_\", \".\" and "
			    "\"-\""), k->value);
		for (j = 0; j < pol->nroles; j++) {
			if (strcmp(pol->roles[j].name, k->value) == 0)
				return ydoc_error(d, k, cause,
				    _("role \"%s\" is defined twice"),
				    k->value);
		}
		if (v->kind != YNODE_SEQUENCE)
			return ydoc_error(d, v, cause, _("role \"%s\" must be "
			    "a list of permissions, such as [student.view]"),
			    k->value);
		r = &pol->roles[pol->nroles++];
		r->name = xstrdup(k->value);
		for (j = 0; j < v->nitems; j++) {
			item = v->items[j];
			if (item->kind != YNODE_SCALAR)
				return ydoc_error(d, item, cause, _("a "
				    "permission must be a single name"));
			if ((p = perm_lookup(item->value)) == -1)
				return ydoc_error(d, item, cause, _("unknown "
				    "permission \"%s\"; see xueji.yaml(5) for the "
				    "list"), item->value);
			r->perms |= PERM_BIT(p);
		}
	}
	return XJ_OK;
}

static const struct role *
policy_role(const struct policy *pol, const char *name)
{
	size_t	i;

	for (i = 0; i < pol->nroles; i++) {
		if (strcmp(pol->roles[i].name, name) == 0)
			return &pol->roles[i];
	}
	return NULL;
}

static int
policy_one_operator(const struct ydoc *d, const struct ynode *m,
    struct policy *pol, char **cause)
{
	static const char	*keys[] = { "id", "name", "role" };
	const struct ynode	*v[nitems(keys)];
	struct operator		*op;
	const unsigned char	*p;
	size_t			 i, j;

	if (m->kind != YNODE_MAPPING)
		return ydoc_error(d, m, cause, _("an operator must be a mapping "
		    "with id, name and role"));
	for (i = 0; i + 1 < m->nitems; i += 2) {
		for (j = 0; j < nitems(keys); j++) {
			if (strcmp(m->items[i]->value, keys[j]) == 0)
				break;
		}
		if (j == nitems(keys))
			return ydoc_error(d, m->items[i], cause, _("unknown "
			    "operator key \"%s\"; use id, name and role"),
			    m->items[i]->value);
	}
	for (j = 0; j < nitems(keys); j++) {
		if ((v[j] = ynode_get(m, keys[j])) == NULL)
			return ydoc_error(d, m, cause, _("operator has no "
			    "\"%s\""), keys[j]);
		if (v[j]->kind != YNODE_SCALAR || v[j]->value[0] == '\0')
			return ydoc_error(d, v[j], cause, _("operator \"%s\" "
			    "must be a single, non-empty value"), keys[j]);
	}
	if (!policy_valid_id(v[0]->value))
		return ydoc_error(d, v[0], cause, _("bad operator id \"%s\": "
		    "use up to 32 lowercase letters, digits, \"_\", \".\" and "
		    "\"-\", starting with a letter or digit"), v[0]->value);
	if (policy_operator(pol, v[0]->value) != NULL)
		return ydoc_error(d, v[0], cause, _("operator \"%s\" is listed "
		    "twice"), v[0]->value);
	/* The name is drawn on terminals: no escape sequences. */
	for (p = (const unsigned char *)v[1]->value; *p != '\0'; p++) {
		if (*p < ' ' || *p == 0x7f)
			return ydoc_error(d, v[1], cause, _("operator name "
			    "must not contain control characters"));
	}
	op = &pol->operators[pol->noperators];
	if ((op->role = policy_role(pol, v[2]->value)) == NULL)
		return ydoc_error(d, v[2], cause, _("no role \"%s\" in this "
		    "file; define it under \"roles:\""), v[2]->value);
	op->id = xstrdup(v[0]->value);
	op->name = xstrdup(v[1]->value);
	pol->noperators++;
	return XJ_OK;
}

static int
policy_parse(const struct ydoc *d, struct policy *pol, char **cause)
{
	const struct ynode	*root = d->root, *roles, *ops;
	size_t			 i;
	int			 rc;

	if (root == NULL || root->kind != YNODE_MAPPING)
		return ydoc_error(d, root, cause, _("the file must be a "
		    "mapping with \"roles:\" and \"operators:\""));
	for (i = 0; i + 1 < root->nitems; i += 2) {
		if (strcmp(root->items[i]->value, "roles") != 0 &&
		    strcmp(root->items[i]->value, "operators") != 0)
			return ydoc_error(d, root->items[i], cause,
			    _("unknown key \"%s\"; use roles and operators"),
			    root->items[i]->value);
	}
	if ((roles = ynode_get(root, "roles")) == NULL)
		return ydoc_error(d, root, cause, _("missing \"roles:\""));
	if ((ops = ynode_get(root, "operators")) == NULL)
		return ydoc_error(d, root, cause, _("missing \"operators:\""));

	/* Roles first: operators point into pol->roles, never resized. */
	if ((rc = policy_roles(d, roles, pol, cause)) != XJ_OK)
		return rc;
	if (ops->kind != YNODE_SEQUENCE)
		return ydoc_error(d, ops, cause, _("\"operators\" must be a "
		    "list"));
	pol->operators = xcalloc(ops->nitems + 1, sizeof *pol->operators);
	for (i = 0; i < ops->nitems; i++) {
		if ((rc = policy_one_operator(d, ops->items[i], pol,
		    cause)) != XJ_OK)
			return rc;
	}
	return XJ_OK;
}

/* Load roles.yaml; see policy.h for what is refused. */
int
policy_load(const char *path, struct policy **out, char **cause)
{
	struct policy	*pol;
	struct ydoc	*d = NULL;
	int		 rc;

	if ((rc = xj_check_config_file(path, cause)) != XJ_OK)
		return rc;
	pol = xcalloc(1, sizeof *pol);
	pol->path = xstrdup(path);
	/* The hash goes to the audit log (store_note_policy). */
	if ((rc = ydoc_load_hash(path, pol->hash, &d, cause)) != XJ_OK)
		goto fail;
	if ((rc = policy_parse(d, pol, cause)) != XJ_OK)
		goto fail;
	ydoc_free(d);
	*out = pol;
	return XJ_OK;

fail:
	ydoc_free(d);
	policy_free(pol);
	return rc;
}

/* Free a policy from policy_load; NULL is fine. */
void
policy_free(struct policy *pol)
{
	size_t	i;

	if (pol == NULL)
		return;
	for (i = 0; i < pol->nroles; i++)
		free(pol->roles[i].name);
	for (i = 0; i < pol->noperators; i++) {
		free(pol->operators[i].id);
		free(pol->operators[i].name);
	}
	free(pol->roles);
	free(pol->operators);
	free(pol->path);
	free(pol);
}

/* The operator with id, or NULL (always, without a policy). */
const struct operator *
policy_operator(const struct policy *pol, const char *id)
{
	size_t	i;

	for (i = 0; pol != NULL && i < pol->noperators; i++) {
		if (strcmp(pol->operators[i].id, id) == 0)
			return &pol->operators[i];
	}
	return NULL;
}

char *
policy_who(const struct policy *pol, const char *id)
{
	const struct operator	*op;
	char			*s;

	if (id == NULL)
		return xstrdup("");
	if ((op = policy_operator(pol, id)) != NULL)
		/* TRANSLATORS: a name and what it is known by, such as
		 * an operator's id or a student's number. */
		xasprintf(&s, _("%s (%s)"), op->name, id);
	else
		s = xstrdup(id);
	return s;
}

/* Whether op's role grants p; false for no operator. */
const char *
role_label(const struct role *r)
{
	static const char *const shipped[] = {
		N_("receptionist"), N_("supervisor"), N_("auditor"),
	};
	size_t	i;

	for (i = 0; i < nitems(shipped); i++) {
		if (strcmp(r->name, shipped[i]) == 0)
			return _(shipped[i]);
	}
	return r->name;
}

int
policy_allows(const struct operator *op, enum perm p)
{
	if (op == NULL || op->role == NULL || (unsigned)p >= PERM__COUNT)
		return 0;
	return (op->role->perms & PERM_BIT(p)) != 0;
}
