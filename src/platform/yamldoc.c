/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A YAML file as a tree with positions.  libyaml's event parser is used
 * directly (not its document loader) so that aliases can be refused and
 * duplicate keys caught where they appear.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include <sodium.h>

#include "xueji/platform.h"
#include "xueji/yamldoc.h"

#define YDOC_MAX_BYTES	(1024 * 1024)
#define YDOC_MAX_DEPTH	32

struct parse {
	const char	*name;
	yaml_parser_t	 parser;
	char		**cause;
};

static void
ynode_free(struct ynode *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nitems; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

void
ydoc_free(struct ydoc *d)
{
	if (d == NULL)
		return;
	ynode_free(d->root);
	free(d->path);
	free(d);
}

static int
parse_error(struct parse *p, const yaml_mark_t *m, const char *msg)
{
	return xj_fail(p->cause, XJ_ECONFIG, "%s:%zu:%zu: %s", p->name,
	    m->line + 1, m->column + 1, msg);
}

static int
next_event(struct parse *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(&p->parser, ev))
		return XJ_OK;
	return xj_fail(p->cause, XJ_ECONFIG, "%s:%zu:%zu: %s", p->name,
	    p->parser.problem_mark.line + 1, p->parser.problem_mark.column + 1,
	    p->parser.problem != NULL ? p->parser.problem :
	    _("YAML syntax error"));
}

static void
push(struct ynode *n, struct ynode *child)
{
	n->items = xreallocarray(n->items, n->nitems + 1, sizeof *n->items);
	n->items[n->nitems++] = child;
}

/* Build the node that starts with ev (already read); takes ev's memory. */
static int
build(struct parse *p, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct ynode	*n, *child;
	yaml_event_t	 cev;
	yaml_event_type_t end;
	size_t		 i;
	int		 rc;

	if (depth > YDOC_MAX_DEPTH) {
		rc = parse_error(p, &ev->start_mark, _("nested too deeply"));
		yaml_event_delete(ev);
		return rc;
	}
	n = xcalloc(1, sizeof *n);
	n->line = (int)ev->start_mark.line + 1;
	n->column = (int)ev->start_mark.column + 1;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = YNODE_SCALAR;
		n->value = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		if (strlen(n->value) != ev->data.scalar.length) {
			rc = parse_error(p, &ev->start_mark,
			    _("NUL byte in a value"));
			goto fail;
		}
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		yaml_event_delete(ev);
		*out = n;
		return XJ_OK;
	case YAML_SEQUENCE_START_EVENT:
		n->kind = YNODE_SEQUENCE;
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		n->kind = YNODE_MAPPING;
		end = YAML_MAPPING_END_EVENT;
		break;
	case YAML_ALIAS_EVENT:
		rc = parse_error(p, &ev->start_mark,
		    _("aliases are not allowed here"));
		goto fail;
	default:
		rc = parse_error(p, &ev->start_mark, _("unexpected YAML event"));
		goto fail;
	}
	yaml_event_delete(ev);

	for (;;) {
		if ((rc = next_event(p, &cev)) != XJ_OK) {
			ynode_free(n);
			return rc;
		}
		if (cev.type == end) {
			yaml_event_delete(&cev);
			break;
		}
		if ((rc = build(p, &cev, depth + 1, &child)) != XJ_OK) {
			ynode_free(n);
			return rc;
		}
		if (n->kind == YNODE_MAPPING && n->nitems % 2 == 0) {
			if (child->kind != YNODE_SCALAR) {
				rc = xj_fail(p->cause, XJ_ECONFIG,
				    "%s:%d:%d: %s", p->name, child->line,
				    child->column,
				    _("a key must be a plain value"));
				ynode_free(child);
				ynode_free(n);
				return rc;
			}
			for (i = 0; i < n->nitems; i += 2) {
				if (strcmp(n->items[i]->value,
				    child->value) != 0)
					continue;
				rc = xj_fail(p->cause, XJ_ECONFIG,
				    _("%s:%d:%d: duplicate key \"%s\""),
				    p->name, child->line, child->column,
				    child->value);
				ynode_free(child);
				ynode_free(n);
				return rc;
			}
		}
		push(n, child);
	}
	*out = n;
	return XJ_OK;

fail:
	yaml_event_delete(ev);
	ynode_free(n);
	return rc;
}

int
ydoc_parse(const char *name, const char *buf, size_t len, struct ydoc **out,
    char **cause)
{
	struct parse	 p = { .name = name, .cause = cause };
	struct ydoc	*d;
	yaml_event_t	 ev;
	int		 rc, state = 0;

	if (!utf8_valid(buf, len))
		return xj_fail(cause, XJ_ECONFIG, _("%s: not valid UTF-8"),
		    name);
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(name);
	yaml_parser_initialize(&p.parser);
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)buf,
	    len);
	for (;;) {
		if ((rc = next_event(&p, &ev)) != XJ_OK)
			goto fail;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			goto done;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			continue;
		case YAML_DOCUMENT_START_EVENT:
			if (state++ > 0) {
				rc = parse_error(&p, &ev.start_mark,
				    _("only one YAML document is allowed"));
				yaml_event_delete(&ev);
				goto fail;
			}
			yaml_event_delete(&ev);
			continue;
		default:
			if ((rc = build(&p, &ev, 0, &d->root)) != XJ_OK)
				goto fail;
			continue;
		}
	}
done:
	yaml_parser_delete(&p.parser);
	*out = d;
	return XJ_OK;
fail:
	yaml_parser_delete(&p.parser);
	ydoc_free(d);
	return rc;
}

int
ydoc_load(const char *path, struct ydoc **out, char **cause)
{
	return ydoc_load_hash(path, NULL, out, cause);
}

int
ydoc_load_hash(const char *path, unsigned char hash[32], struct ydoc **out,
    char **cause)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if ((rc = xj_read_file(path, YDOC_MAX_BYTES, &buf, &len, cause)) != 0)
		return rc == XJ_ENOINPUT ? rc : XJ_ECONFIG;
	/* The very bytes that are parsed. */
	if (hash != NULL)
		crypto_generichash(hash, 32, (const unsigned char *)buf, len,
		    NULL, 0);
	rc = ydoc_parse(path, buf, len, out, cause);
	free(buf);
	return rc;
}

struct ynode *
ynode_get(const struct ynode *m, const char *key)
{
	size_t	i;

	if (m == NULL || m->kind != YNODE_MAPPING)
		return NULL;
	for (i = 0; i + 1 < m->nitems; i += 2) {
		if (strcmp(m->items[i]->value, key) == 0)
			return m->items[i + 1];
	}
	return NULL;
}

int
ydoc_error(const struct ydoc *d, const struct ynode *n, char **cause,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n != NULL)
		xj_fail(cause, XJ_ECONFIG, "%s:%d:%d: %s", d->path, n->line,
		    n->column, msg);
	else
		xj_fail(cause, XJ_ECONFIG, "%s: %s", d->path, msg);
	free(msg);
	return XJ_ECONFIG;
}

int
ynode_string(const struct ydoc *d, const struct ynode *n, const char *key,
    char **out, char **cause)
{
	if (n->kind != YNODE_SCALAR)
		return ydoc_error(d, n, cause, _("\"%s\" must be a single value"),
		    key);
	*out = xstrdup(n->value);
	return XJ_OK;
}

int
ynode_long(const struct ydoc *d, const struct ynode *n, const char *key,
    long min, long max, long *out, char **cause)
{
	char	*end;
	long	 v;

	if (n->kind != YNODE_SCALAR || n->value[0] == '\0')
		return ydoc_error(d, n, cause, _("\"%s\" must be a number"),
		    key);
	errno = 0;
	v = strtol(n->value, &end, 10);
	if (errno != 0 || *end != '\0')
		return ydoc_error(d, n, cause, _("\"%s\" must be a number"),
		    key);
	if (v < min || v > max)
		return ydoc_error(d, n, cause,
		    _("\"%s\" must be between %ld and %ld"), key, min, max);
	*out = v;
	return XJ_OK;
}

int
ynode_bool(const struct ydoc *d, const struct ynode *n, const char *key,
    int *out, char **cause)
{
	static const char *yes[] = { "true", "yes", "on" };
	static const char *no[] = { "false", "no", "off" };
	size_t		   i;

	if (n->kind == YNODE_SCALAR) {
		for (i = 0; i < nitems(yes); i++) {
			if (strcmp(n->value, yes[i]) == 0) {
				*out = 1;
				return XJ_OK;
			}
			if (strcmp(n->value, no[i]) == 0) {
				*out = 0;
				return XJ_OK;
			}
		}
	}
	return ydoc_error(d, n, cause, _("\"%s\" must be true or false"), key);
}
