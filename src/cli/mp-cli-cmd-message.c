/* mp-cli-cmd-message.c — `top` (headers and preview text) and `retr` (the raw message)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-message-preview.h"

#define DEFAULT_TOP_LINES 50

/* Where the body starts after the header block's blank line, or NULL. */
static const char *
find_body (const char *p, const char *end)
{
  for (const char *q = p; q < end; q++)
    {
      if (*q == '\n' && q + 1 < end
          && (q[1] == '\n' || (q[1] == '\r' && q + 2 < end && q[2] == '\n')))
        return q + (q[1] == '\n' ? 2 : 3);
    }
  return NULL;
}

/* TRUE when the body after the header block has fewer than @lines lines, i.e. TOP
 * returned the whole message. */
static gboolean
top_is_complete (const char *data, gsize len, guint lines)
{
  const char *end = data + len;
  const char *body = find_body (data, end);
  guint n = 0;

  if (body == NULL)
    return TRUE;
  for (const char *q = body; q < end; q++)
    if (*q == '\n')
      n++;
  return n < lines;
}

static void
append_header (GString *out, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (out, "%s: ", name);
  mp_cli_append_field (out, value);
  g_string_append_c (out, '\n');
}

static void
append_attachment_headers (GString *out, GPtrArray *atts)
{
  for (guint i = 0; atts != NULL && i < atts->len; i++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, i);
      g_autofree char *size = g_strdup_printf ("%s%" G_GUINT64_FORMAT,
                                               a->size_is_estimate ? "~" : "", a->size);
      /* TRANSLATORS: an attachment in `top`: file name, MIME type, size in bytes
       * ("~" in front when estimated), e.g. "report.pdf (application/pdf, ~5120 bytes)" */
      g_autofree char *line = g_strdup_printf (ngettext ("%s (%s, %s byte)", "%s (%s, %s bytes)",
                                                         (gulong) MIN (a->size, G_MAXULONG)),
                                               *a->filename ? a->filename : _("unnamed"),
                                               a->content_type, size);
      append_header (out, C_("top output", "Attachment"), line);
    }
}

static void
append_preview_text (GString *out, MpPop3Entry *e, MpMessagePreview *preview)
{
  g_autofree char *date = mp_cli_format_date (mp_message_preview_get_date (preview));
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, e->size);
  g_autofree char *from = mp_message_preview_dup_from_display (preview);

  /* The labels of `top` read like mail headers but are for people (--json is for
   * programs), so they are translated. */
  append_header (out, C_("top output", "From"), from);
  append_header (out, C_("top output", "To"), mp_message_preview_get_to (preview));
  append_header (out, C_("top output", "Subject"), mp_message_preview_get_subject (preview));
  append_header (out, C_("top output", "Date"), date);
  append_header (out, "UIDL", e->uidl);
  append_header (out, C_("top output", "Size"), size);
  append_attachment_headers (out, mp_message_preview_get_attachments (preview));
  g_string_append_c (out, '\n');
  mp_cli_append_text (out, mp_message_preview_get_text (preview));
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
}

static void
append_attachments_json (GString *out, GPtrArray *atts)
{
  g_string_append (out, "[");
  for (guint i = 0; atts != NULL && i < atts->len; i++)
    {
      MpAttachmentInfo *a = g_ptr_array_index (atts, i);
      g_string_append (out, i > 0 ? ", {\"filename\": " : "{\"filename\": ");
      mp_cli_append_json_string (out, a->filename);
      g_string_append (out, ", \"content_type\": ");
      mp_cli_append_json_string (out, a->content_type);
      g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT
                              ", \"size_is_estimate\": %s}",
                              a->size, a->size_is_estimate ? "true" : "false");
    }
  g_string_append (out, "]");
}

static void
append_preview_json (GString *out, MpPop3Entry *e, MpMessagePreview *preview)
{
  g_autofree char *date = mp_cli_format_date (mp_message_preview_get_date (preview));
  g_autofree char *from = mp_message_preview_dup_from_display (preview);

  g_string_append_printf (out, "{\"num\": %u, \"uidl\": ", e->number);
  mp_cli_append_json_string (out, e->uidl);
  g_string_append_printf (out, ", \"size\": %" G_GUINT64_FORMAT ", \"from\": ", e->size);
  mp_cli_append_json_string (out, from);
  g_string_append (out, ", \"to\": ");
  mp_cli_append_json_string (out, mp_message_preview_get_to (preview));
  g_string_append (out, ", \"subject\": ");
  mp_cli_append_json_string (out, mp_message_preview_get_subject (preview));
  g_string_append (out, ", \"date\": ");
  mp_cli_append_json_string (out, date);
  g_string_append_printf (out, ", \"complete\": %s, \"text\": ",
                          mp_message_preview_get_is_complete (preview) ? "true" : "false");
  mp_cli_append_json_string (out, mp_message_preview_get_text (preview));
  g_string_append (out, ", \"attachments\": ");
  append_attachments_json (out, mp_message_preview_get_attachments (preview));
  g_string_append (out, "}\n");
}

/* QUIT before the message is shown: the rest of a message cut short by a "."
 * line the server did not dot-stuff comes after the reply's end, and is found
 * by QUIT at the latest (before it is sent, or as its reply). A message that
 * may be incomplete is not printed as if whole. */
static MpCliExit
quit_before_showing (MpCli *cli)
{
  MpCliExit rc = mp_cli_quit (cli);

  if (rc != MP_CLI_EXIT_OK)
    mp_cli_print_error (_("The message may be truncated, so it is not shown."));
  return rc;
}

static MpCliExit
parse_top_args (MpCli *cli, char **args, MpCliName *name, guint64 *lines)
{
  const char *usage = _("Usage: mailpeek-cli top URL UIDL [LINES], "
                        "or mailpeek-cli top URL --number N [LINES]");
  MpCliExit rc;

  *lines = DEFAULT_TOP_LINES;
  if ((rc = mp_cli_parse_one_name (cli->args, &args, name, usage)) != MP_CLI_EXIT_OK)
    return rc;
  if (args[0] != NULL && args[1] != NULL)
    return mp_cli_usage_error ("%s", usage);
  if (args[0] != NULL && !g_ascii_string_to_unsigned (args[0], 10, 0, 1000000, lines, NULL))
    return mp_cli_usage_error (_("LINES must be a number from 0 to 1000000"));
  return MP_CLI_EXIT_OK;
}

MpCliExit
mp_cli_cmd_top (MpCli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(MpMessagePreview) preview = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  MpPop3Entry *e = NULL;
  MpCliName name;
  guint64 lines;
  gsize len = 0;
  const char *bytes;
  MpCliExit rc;

  if ((rc = parse_top_args (cli, args, &name, &lines)) != MP_CLI_EXIT_OK
      || (rc = mp_cli_open_message (cli, &name, &entries, &e)) != MP_CLI_EXIT_OK)
    return rc;
  data = mp_pop3_session_top_sync (cli->session, e->number, (guint) lines, NULL, &error);
  if (data == NULL)
    return mp_cli_report (cli, error);
  if ((rc = quit_before_showing (cli)) != MP_CLI_EXIT_OK)
    return rc;
  bytes = mp_cli_bytes_get_data (data, &len);
  preview = mp_message_preview_new_from_bytes (bytes, len,
                                               top_is_complete (bytes, len, (guint) lines));
  if (cli->args->json)
    append_preview_json (out, e, preview);
  else
    append_preview_text (out, e, preview);
  mp_cli_emit (out);
  return mp_cli_finish_output ();
}

MpCliExit
mp_cli_cmd_retr (MpCli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) data = NULL;
  MpPop3Entry *e = NULL;
  MpCliName name;
  gsize len = 0;
  const char *bytes;
  const char *usage = _("Usage: mailpeek-cli retr URL UIDL, or mailpeek-cli retr URL --number N");
  MpCliExit rc;

  if ((rc = mp_cli_parse_one_name (cli->args, &args, &name, usage)) != MP_CLI_EXIT_OK)
    return rc;
  if (args[0] != NULL)
    return mp_cli_usage_error ("%s", usage);
  if ((rc = mp_cli_open_message (cli, &name, &entries, &e)) != MP_CLI_EXIT_OK)
    return rc;
  data = mp_pop3_session_retr_sync (cli->session, e->number, NULL, &error);
  if (data == NULL)
    return mp_cli_report (cli, error);
  if ((rc = quit_before_showing (cli)) != MP_CLI_EXIT_OK)
    return rc;
  /* The message as the server sent it, dot-unstuffed, CRLF kept: its size is
   * the LIST size, and it can go to a tool that expects the wire format. */
  bytes = mp_cli_bytes_get_data (data, &len);
  if (!mp_cli_write (bytes, len))
    return mp_cli_write_error ();
  return mp_cli_finish_output ();
}
