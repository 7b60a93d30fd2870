/* mp-cli-format.h — text and JSON output of mailpeek-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* One message row of `list` / `check`: borrowed strings, any may be NULL. */
typedef struct {
  guint        number;
  const char  *uidl;
  guint64      size;
  GDateTime   *date;       /* any zone; printed in UTC */
  const char  *from;       /* "Name <addr>" */
  const char  *subject;
  gboolean     attachments;
  gboolean     headers_truncated;   /* header block over 256 KiB: not all of it read */
} MpCliRow;

/* Appends @text with control characters (tab, CR, LF, ESC, C1, …) replaced by spaces
 * and invalid UTF-8 replaced, so a field never breaks the one-line-per-message format
 * nor sends escape sequences to a terminal. */
void   mp_cli_append_field       (GString *out, const char *text);
/* Same for multi-line text: keeps LF and tab, drops CR. */
void   mp_cli_append_text        (GString *out, const char *text);
/* Appends @text as a JSON string literal (with quotes); NULL → null. */
void   mp_cli_append_json_string (GString *out, const char *text);
/* "2024-03-01T10:00:00Z", or NULL for NULL. */
char  *mp_cli_format_date        (GDateTime *date);

/* NUM\tUIDL\tSIZE\tDATE\tFROM\tSUBJECT\n */
void   mp_cli_append_row_text    (GString *out, const MpCliRow *row);
/* {"num":…,"uidl":…,"size":…,"date":…,"from":…,"subject":…,"attachments":…,
 *  "headers_truncated":…} */
void   mp_cli_append_row_json    (GString *out, const MpCliRow *row);

G_END_DECLS
