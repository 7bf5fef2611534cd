/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xueji/platform.h"
#include "xueji/audit.h"
#include "xueji/student.h"
#include "lib/testlib.h"
#include "lib/branch.h"
#include "lib/hatch.h"

const char *
tl_pass(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "pass-%s", id);
	return buf;
}

struct tl_branch *
tl_branch_new(void)
{
	return tl_branch_new_with(NULL);
}

const char tl_form_allergies[] =
    "form: enrollment\n"
    "title: {zh: 入学登记, en: Enrolment}\n"
    "fields:\n"
    "  - {key: name, type: name, required: true, width: 20,\n"
    "     label: {zh: 姓名, en: Name}, purpose: {zh: 识别, en: Who}}\n"
    "  - {key: birth_month, type: year_month, required: true,\n"
    "     width: 8, label: {zh: 出生年月, en: Born},\n"
    "     purpose: {zh: 分班, en: Class}}\n"
    "  - {key: guardian_name, type: name, required: true, width: 20,\n"
    "     label: {zh: 家长, en: Guardian}, purpose: {zh: 联系, en: C}}\n"
    "  - {key: guardian_phone, type: phone, required: true,\n"
    "     width: 14, label: {zh: 电话, en: Phone},\n"
    "     purpose: {zh: 联系, en: Contact}}\n"
    "  - {key: allergies, type: text, sensitivity: sensitive,\n"
    "     width: 30, label: {zh: 过敏, en: Allergies},\n"
    "     purpose: {zh: 安全, en: Safety in class}}\n"
    "consent:\n"
    "  - {value: in-person, label: {zh: 当面, en: In person}}\n";

char *
tl_forms_dir(const char *form)
{
	char	*dir = tl_tmpdir();

	free(tl_write(dir, "enrollment.yaml", form, 0644));
	return dir;
}

struct tl_branch *
tl_branch_forms(const char *forms, const char *extra_config)
{
	struct tl_branch	*b;
	char			*extra;

	xasprintf(&extra, "forms_dir: %s\n%s", forms, extra_config != NULL ?
	    extra_config : "");
	b = tl_branch_new_with(extra);
	free(extra);
	return b;
}

struct tl_branch *
tl_branch_new_with(const char *extra)
{
	struct tl_branch	*b;
	struct session		*s = NULL;
	struct branch_secret	*secret;
	struct keyring		*kr;
	char			*roles, *conf, *cwd, *cause = NULL, pw[64];
	size_t			 i, len;
	int			 rc;

	platform_init();
	b = xcalloc(1, sizeof *b);
	b->dir = tl_tmpdir();
	b->data = xj_path_join(b->dir, "data");
	if (mkdir(b->data, 0700) != 0)
		fail_msg("mkdir %s", b->data);
	rc = xj_read_file("config/roles.yaml", 1 << 20, &roles, &len, &cause);
	assert_int_equal(rc, XJ_OK);
	free(tl_write(b->dir, "roles.yaml", roles, 0600));
	free(roles);
	cwd = getcwd(NULL, 0);
	/* extra may name its own forms_dir (a form with added fields). */
	if (extra != NULL && strstr(extra, "forms_dir:") != NULL)
		xasprintf(&conf, "branch:\n  code: SH01\n  name: 测试校区\n"
		    "data_dir: %s\nroles_file: roles.yaml\n%s", b->data,
		    extra);
	else
		xasprintf(&conf, "branch:\n  code: SH01\n  name: 测试校区\n"
		    "data_dir: %s\nroles_file: roles.yaml\n"
		    "forms_dir: %s/forms\n%s", b->data, cwd,
		    extra != NULL ? extra : "");
	b->config = tl_write(b->dir, "xueji.yaml", conf, 0600);
	free(conf);
	free(cwd);

	rc = session_load(b->config, NULL, &s, &cause);
	if (rc != XJ_OK)
		fail_msg("session_load: %s", cause);
	secret = branch_secret_new();
	kr = keyring_new("SH01");
	for (i = 0; i < s->pol->noperators; i++) {
		tl_pass(s->pol->operators[i].id, pw, sizeof pw);
		rc = keyring_add(kr, s->pol->operators[i].id, pw, strlen(pw),
		    KDF_INTERACTIVE, secret, &cause);
		assert_int_equal(rc, XJ_OK);
	}
	assert_int_equal(store_create(s->db_path, secret->db_key, "SH01",
	    &cause), XJ_OK);
	assert_int_equal(keyring_save(kr, secret, s->keyslot_path,
	    &cause), XJ_OK);
	keyring_free(kr);
	branch_secret_free(secret);
	session_free(s);
	return b;
}

void
tl_branch_free(struct tl_branch *b)
{
	tl_rmtree(b->dir);
	free(b->dir);
	free(b->config);
	free(b->data);
	free(b);
}

void
tl_list_operator(const struct tl_branch *b, const char *id, const char *name,
    const char *role)
{
	char	*path, *line;
	FILE	*f;

	path = xj_path_join(b->dir, "roles.yaml");
	assert_non_null(f = fopen(path, "a"));
	xasprintf(&line, "  - id: %s\n    name: %s\n    role: %s\n", id,
	    name, role);
	fputs(line, f);
	assert_int_equal(fclose(f), 0);
	free(line);
	free(path);
}

struct session *
tl_login(const struct tl_branch *b, const char *id)
{
	struct session	*s;
	char		*cause = NULL, pw[64];
	int		 rc;

	rc = session_load(b->config, NULL, &s, &cause);
	if (rc != XJ_OK)
		fail_msg("session_load: %s", cause);
	tl_pass(id, pw, sizeof pw);
	rc = session_login(s, id, pw, strlen(pw), &cause);
	if (rc != XJ_OK)
		fail_msg("login %s: %s", id, cause);
	return s;
}

char *
tl_enrol(struct session *s, const char *name, const char *birth,
    const char *guardian, const char *phone, int *rcp)
{
	const struct field_input v[4] = {
		{ "name", name },
		{ "birth_month", birth },
		{ "guardian_name", guardian },
		{ "guardian_phone", phone },
	};
	struct enrolment	 en = { v, 4, "in-person", 0 };
	char			*number = NULL, *dup = NULL, *cause = NULL;
	int			 rc;

	rc = store_student_add(s->st, &en, &number, &dup, &cause);
	if (rcp != NULL)
		*rcp = rc;
	free(dup);
	free(cause);
	return number;
}

char *
tl_enrol_as(const struct tl_branch *b, const char *id, const char *name,
    const char *birth, const char *guardian, const char *phone)
{
	struct session	*s = tl_login(b, id);
	char		*number;
	int		 rc;

	number = tl_enrol(s, name, birth, guardian, phone, &rc);
	if (number == NULL)
		fail_msg("enrolling %s as %s: %d", name, id, rc);
	session_free(s);
	return number;
}

void
tl_check_db(const struct tl_branch *b)
{
	struct session	*s;
	sqlite3_stmt	*stmt;
	int64_t		 count, bad;
	char		*cause = NULL;

	s = tl_login(b, "auditor1");
	assert_int_equal(sqlite3_prepare_v2(store_db(s->st),
	    "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	if (audit_verify(store_db(s->st), "SH01", &count, &bad, NULL, NULL,
	    &cause) != XJ_OK)
		fail_msg("chain broken at %lld: %s", (long long)bad, cause);
	session_free(s);
}

int
tl_count_entry(const struct audit_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

int
tl_student_entries(struct session *au, const char *number,
    const char *action)
{
	struct audit_filter	 af;
	char			*cause = NULL;
	int			 n = 0;

	memset(&af, 0, sizeof af);
	af.target = number;
	af.action = action;
	af.limit = 1000;
	if (store_audit_each(au->st, &af, tl_count_entry, &n, &cause) !=
	    XJ_OK)
		fail_msg("audit --student %s: %s", number, cause);
	return n;
}

char *
tl_query(struct session *s, const char *sql)
{
	sqlite3_stmt	*stmt;
	char		*v = NULL;

	if (sqlite3_prepare_v2(store_db(s->st), sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s->st)));
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v;
}

void
tl_branch_key(const struct tl_branch *b, unsigned char key[DB_KEY_BYTES])
{
	struct session	*s = tl_login(b, "auditor1");

	memcpy(key, s->secret->db_key, 32);
	session_free(s);
}

/*
 * Export with sqlcipher_export into a file attached in compatibility-3
 * mode with 4 KiB pages (the settings xueji 0.1 gave SQLCipher 3.4.1:
 * its key, cipher_page_size 4096, the rest 3.x's defaults), then the
 * settings export drops (user_version, WAL), and the file renamed over
 * the branch's.
 */
void
tl_branch_to_v3(const struct tl_branch *b)
{
	unsigned char	 key[DB_KEY_BYTES];
	sqlite3		*db;
	char		*path, *tmp, *sql, hex[65];
	long long	 v = -1;
	sqlite3_stmt	*stmt;

	tl_branch_key(b, key);
	path = xj_path_join(b->data, STORE_DB_NAME);
	xasprintf(&tmp, "%s.v3", path);
	unlink(tmp);
	assert_int_equal(store_db_open(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE), SQLITE_OK);
	assert_int_equal(store_key_db(db, key, STORE_FORMAT_4, NULL), XJ_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	assert_true(v > 0);
	xj_hex(key, 32, hex);
	/*
	 * 3.x's settings as the library's defaults while attaching, so
	 * the file's header reserves what 3.4.1's did (48 bytes a page).
	 */
	xasprintf(&sql, "PRAGMA cipher_default_compatibility = 3;"
	    "PRAGMA cipher_default_page_size = 4096;"
	    "ATTACH '%s' AS v3 KEY \"x'%s'\";"
	    "PRAGMA cipher_default_compatibility = 4;"
	    "PRAGMA v3.cipher_compatibility = 3;"
	    "PRAGMA v3.cipher_page_size = 4096;"
	    "SELECT sqlcipher_export('v3');"
	    "PRAGMA v3.user_version = %lld;"
	    "PRAGMA v3.journal_mode = WAL;"
	    "DETACH v3;", tmp, hex, v);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("to v3: %s", sqlite3_errmsg(db));
	free(sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
	free(path);
}
