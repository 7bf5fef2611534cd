/*
 * xueji — student records for a training branch.
 * Copyright (C) 2026 the xueji authors.  GPL-3.0-or-later; see COPYING.
 *
 * A report as lines: text for people or CSV for a spreadsheet.  Both come
 * from one list of rows (metric, label, value), so the two can never
 * disagree about what a report holds.  Pure C: no database, no terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xueji/platform.h"
#include "xueji/store.h"
#include "xueji/student.h"
#include "xueji/request.h"
#include "xueji/destroy.h"
#include "xueji/report.h"

const char report_csv_header[] = "report,metric,value";

struct row {
	char	*metric;	/* ASCII, for CSV */
	char	*label;		/* translated, for text */
	char	*text;		/* the value for people */
	char	*csv;		/* the value for machines */
};

struct rows {
	struct row	*v;
	size_t		 n;
};

static void
add(struct rows *rs, char *metric, char *label, char *text, char *csv)
{
	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	rs->v[rs->n].metric = metric;
	rs->v[rs->n].label = label;
	rs->v[rs->n].text = text;
	rs->v[rs->n].csv = csv != NULL ? csv : xstrdup(text);
	rs->n++;
}

static void
add_long(struct rows *rs, const char *metric, const char *label, long v)
{
	char	*s;

	xasprintf(&s, "%ld", v);
	add(rs, xstrdup(metric), xstrdup(label), s, NULL);
}

static void
add_days(struct rows *rs, char *metric, char *label, double days)
{
	char	*s;

	xasprintf(&s, "%.2f", days);
	add(rs, metric, label, s, NULL);
}

/* A time, local for people and UTC ISO 8601 for machines; 0 is none. */
static void
add_time(struct rows *rs, const char *metric, const char *label, time_t t)
{
	char	text[32], iso[32];

	if (t == 0) {
		add(rs, xstrdup(metric), xstrdup(label), xstrdup("-"),
		    xstrdup(""));
		return;
	}
	xj_timefmt(t, text, sizeof text);
	xj_isotime(t, iso, sizeof iso);
	add(rs, xstrdup(metric), xstrdup(label), xstrdup(text), xstrdup(iso));
}

static const char *const age_metrics[REPORT_AGES] = {
	"under_1d", "1d_3d", "3d_7d", "7d_plus",
};
static const char *const age_labels[REPORT_AGES] = {
	N_("under 1 day"), N_("1 to 3 days"), N_("3 to 7 days"),
	N_("7 days or more"),
};

static void
rows_status(const struct report *r, struct rows *rs)
{
	int	s;

	for (s = STATUS_ACTIVE; s <= STATUS_DESTROYED; s++)
		add_long(rs, status_name(s), status_label(s),
		    r->status.count[s]);
	add_long(rs, "frozen", _("frozen (destruction pending)"),
	    r->status.frozen);
}

static void
rows_completeness(const struct report *r, struct rows *rs)
{
	const struct report_missing	*m;
	char				*metric, *label, *v;
	size_t				 i;

	add_long(rs, "live", _("records (not destroyed)"),
	    r->completeness.live);
	add_long(rs, "complete", _("with every required field"),
	    r->completeness.complete);
	add_long(rs, "incomplete", _("with a required field missing"),
	    r->completeness.live - r->completeness.complete);
	xasprintf(&v, "%.1f", r->completeness.live > 0 ?
	    100.0 * (double)r->completeness.complete /
	    (double)r->completeness.live : 100.0);
	add(rs, xstrdup("complete_percent"), xstrdup(_("complete, percent")),
	    v, NULL);
	for (i = 0; i < r->completeness.nfields; i++) {
		m = &r->completeness.fields[i];
		xasprintf(&metric, "missing.%s", m->key);
		xasprintf(&label, _("missing %s"), m->label);
		xasprintf(&v, "%ld", m->missing);
		add(rs, metric, label, v, NULL);
	}
}

static void
rows_pending(const struct report *r, struct rows *rs)
{
	char	*metric, *label, *v;
	int	 k, a;

	add_long(rs, "total", _("pending requests"), r->pending.total);
	for (k = 0; k < REPORT_REQUEST_KINDS; k++) {
		for (a = 0; a < REPORT_AGES; a++) {
			xasprintf(&metric, "%s.%s", request_kind_name(k),
			    age_metrics[a]);
			/* TRANSLATORS: a kind of request, then its age. */
			xasprintf(&label, _("%s, %s"), request_kind_label(k),
			    _(age_labels[a]));
			xasprintf(&v, "%ld", r->pending.by_age[k][a]);
			add(rs, metric, label, v, NULL);
		}
		xasprintf(&metric, "%s.overdue", request_kind_name(k));
		xasprintf(&label, _("%s, overdue"), request_kind_label(k));
		xasprintf(&v, "%ld", r->pending.overdue[k]);
		add(rs, metric, label, v, NULL);
	}
	add_time(rs, "oldest", _("oldest filed"), r->pending.oldest);
	add_long(rs, "guardian.open", _("guardians' requests, open"),
	    r->pending.guardian_open);
	add_long(rs, "guardian.overdue", _("guardians' requests, overdue"),
	    r->pending.guardian_overdue);
}

static void
rows_reviews(const struct report *r, struct rows *rs)
{
	add_long(rs, "overdue", _("reviews overdue"), r->reviews.overdue);
	add_time(rs, "oldest", _("oldest due"), r->reviews.oldest);
}

static void
rows_destruction(const struct report *r, struct rows *rs)
{
	const struct report_destroyed	*d;
	char				*metric, *label;
	size_t				 i;

	add_long(rs, "executed", _("destructions"), (long)r->destruction.n);
	add_days(rs, xstrdup("median_days"), xstrdup(_("median days from "
	    "request to execution")), r->destruction.median_days);
	add_days(rs, xstrdup("max_days"), xstrdup(_("most days from request "
	    "to execution")), r->destruction.max_days);
	add_long(rs, "due_unrequested", _("past retention, not requested"),
	    r->destruction.due_unrequested);
	add_time(rs, "oldest_due", _("retention ended longest ago"),
	    r->destruction.oldest_due);
	for (i = 0; i < r->destruction.n; i++) {
		d = &r->destruction.items[i];
		xasprintf(&metric, "days.%s", d->number);
		xasprintf(&label, _("days for %s (%s)"), d->number,
		    destroy_reason_label(d->reason));
		add_days(rs, metric, label, d->days);
	}
}

/* A CSV field, quoted when it must be (RFC 4180). */
static char *
csv_field(const char *s)
{
	const char	*p;
	char		*out, *o;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return xstrdup(s);
	o = out = xmalloc(2 * strlen(s) + 3);
	*o++ = '"';
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

char **
report_lines(const struct report *r, enum report_format fmt, size_t *n)
{
	struct rows	 rs = { NULL, 0 };
	char		**lines, when[32], *a, *b, *c;
	size_t		 i, nl = 0;
	int		 w, width = 0;

	switch (r->kind) {
	case REPORT_STATUS:
		rows_status(r, &rs);
		break;
	case REPORT_COMPLETENESS:
		rows_completeness(r, &rs);
		break;
	case REPORT_PENDING:
		rows_pending(r, &rs);
		break;
	case REPORT_REVIEWS:
		rows_reviews(r, &rs);
		break;
	case REPORT_DESTRUCTION:
		rows_destruction(r, &rs);
		break;
	}
	lines = xreallocarray(NULL, rs.n + 1, sizeof *lines);
	if (fmt == REPORT_TEXT) {
		xj_timefmt(r->now, when, sizeof when);
		xasprintf(&lines[nl++], _("%s (%s)"), report_label(r->kind),
		    when);
		for (i = 0; i < rs.n; i++) {
			if ((w = utf8_width(rs.v[i].label)) > width)
				width = w;
		}
	}
	for (i = 0; i < rs.n; i++) {
		if (fmt == REPORT_TEXT) {
			/* Pad by columns: labels may be Chinese. */
			xasprintf(&lines[nl++], "  %s%*s  %s", rs.v[i].label,
			    width - utf8_width(rs.v[i].label), "",
			    rs.v[i].text);
		} else {
			a = csv_field(report_name(r->kind));
			b = csv_field(rs.v[i].metric);
			c = csv_field(rs.v[i].csv);
			xasprintf(&lines[nl++], "%s,%s,%s", a, b, c);
			free(a);
			free(b);
			free(c);
		}
		free(rs.v[i].metric);
		free(rs.v[i].label);
		free(rs.v[i].text);
		free(rs.v[i].csv);
	}
	free(rs.v);
	*n = nl;
	return lines;
}

void
report_lines_free(char **lines, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
