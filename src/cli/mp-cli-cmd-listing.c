/* mp-cli-cmd-listing.c — `list` and `check`: one summary line per message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <unistd.h>
#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-cli-state.h"
#include "mp-message-summary.h"

#define OUT_FLUSH_BYTES (16 * 1024)

typedef struct {
  GPtrArray  *entries;      /* borrowed; MpPop3Entry, the ones asked for, in order */
  guint       cursor;       /* next entry expected from the engine */
  GString    *out;          /* borrowed */
  GHashTable *skipped;      /* borrowed, may be NULL; numbers of messages left out */
  gboolean    json;
  gboolean    interactive;  /* stdout is a terminal: each row is written at once */
  guint       printed;
  GCancellable *cancellable; /* borrowed; cancelled when the output fails */
  gboolean    then_quit;    /* the last TOPs carry QUIT along (list: nothing follows) */
  gboolean    quit_ok;      /* then_quit: the server acknowledged it */
  gboolean    uidl_checked; /* list_with_tops: the first row looked for UIDLs */
} SummaryPrinter;

/* Writes the rows so far. When that fails (most often the reader left: `list |
 * head`) nobody reads the rest, so the headers still being fetched are not
 * awaited: the batch is cancelled and the command ends with the output error. */
static void
printer_flush (SummaryPrinter *p)
{
  if (!mp_cli_emit (p->out))
    g_cancellable_cancel (p->cancellable);
}

static MpPop3Entry *
printer_find (SummaryPrinter *p, guint number)
{
  /* Replies come in the order asked; the search is only a safety net. */
  if (p->cursor < p->entries->len)
    {
      MpPop3Entry *e = g_ptr_array_index (p->entries, p->cursor);
      if (e->number == number)
        {
          p->cursor++;
          return e;
        }
    }
  return mp_cli_find_number (p->entries, number);
}

static void
printer_add (SummaryPrinter *p, const MpPop3Entry *e, GBytes *headers)
{
  g_autoptr(MpMessageSummary) summary = NULL;
  g_autofree char *from = NULL;
  MpCliRow row = { .number = e->number, .uidl = e->uidl, .size = e->size };

  if (headers != NULL)
    {
      gsize len = 0;
      const char *data = mp_cli_bytes_get_data (headers, &len);

      summary = mp_message_summary_new_from_headers (data, len, e->uidl, e->size);
      from = mp_message_summary_dup_from_display (summary);
      row.from = from;
      row.subject = mp_message_summary_get_subject (summary);
      row.date = mp_message_summary_get_date (summary);
      row.attachments = mp_message_summary_get_has_attachments (summary);
      row.headers_truncated = mp_message_summary_get_headers_truncated (summary);
    }
  if (p->json)
    {
      g_string_append (p->out, p->printed == 0 ? "[\n  " : ",\n  ");
      mp_cli_append_row_json (p->out, &row);
    }
  else
    mp_cli_append_row_text (p->out, &row);
  p->printed++;
  /* A terminal shows each row as it arrives; a pipe or file gets them in
   * blocks (a write per row was 10,000 system calls for a 10,000 list). */
  if (p->interactive || p->out->len >= OUT_FLUSH_BYTES)
    printer_flush (p);
}

static void
printer_take (SummaryPrinter *p, const MpPop3Entry *e, GBytes *body)
{
  guint number = e->number;

  /* A NULL body: the server refused TOP for this one message (typically another
   * client deleted it meanwhile); the others are still worth listing. */
  if (body == NULL)
    {
      printer_flush (p);     /* the rows before it come first */
      mp_cli_print_error (_("The server refused to show message %u; it is left out"), number);
      if (p->skipped != NULL)
        g_hash_table_add (p->skipped, GUINT_TO_POINTER (number));
      return;
    }
  printer_add (p, e, body);
}

static void
summary_body_cb (guint number, GBytes *body, gpointer user_data)
{
  SummaryPrinter *p = user_data;
  MpPop3Entry *e = printer_find (p, number);

  if (e != NULL)
    printer_take (p, e, body);
}

/* The first TOP alone: when the server has no CAPA its -ERR is the only way to
 * learn that TOP is missing, and it should be reported as such. A server that
 * lists TOP gets it with the others (alone it cost a round trip). */
static MpCliExit
print_first (MpCli *cli, SummaryPrinter *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL;
  const char * const *caps = mp_pop3_session_get_capabilities (cli->session);
  gboolean have_caps = caps != NULL && caps[0] != NULL;
  MpPop3Entry *e = g_ptr_array_index (p->entries, 0);

  if (have_caps && !mp_pop3_session_has_capability (cli->session, "TOP"))
    {
      mp_cli_print_error (_("The server does not support TOP, which is needed to read the "
                            "headers of a message without downloading it. "
                            "Use “retr” to fetch whole messages."));
      return MP_CLI_EXIT_SERVER;
    }
  if (have_caps)
    return MP_CLI_EXIT_OK;
  first = mp_pop3_session_top_sync (cli->session, e->number, 0, NULL, &error);
  if (first == NULL)
    {
      if (!have_caps && g_error_matches (error, MP_POP3_ERROR, MP_POP3_ERROR_SERVER))
        g_prefix_error (&error, _("The server refused TOP (it may not support it): "));
      return mp_cli_report (cli, error);
    }
  p->cursor = 1;
  printer_add (p, e, first);
  return MP_CLI_EXIT_OK;
}

/* The engine failed with @error: the rows so far go out (a JSON array closed),
 * then the error (or only the output's, when that is what failed). */
static MpCliExit
printer_fail (MpCli *cli, SummaryPrinter *p, GError *error)
{
  if (mp_cli_output_failed ())
    return mp_cli_write_error ();
  if (p->json && p->printed > 0)
    g_string_append (p->out, "\n]\n");
  mp_cli_emit (p->out);
  return mp_cli_report (cli, error);
}

/* The rest in large pipelined runs. Each run drains the engine's window and
 * starts it small again, so small batches cost round trips (at 20 ms RTT,
 * batches of 500 doubled the time of a 10,000-message list); one run per
 * TOP_BATCH messages keeps the window wide. The engine holds ~60 bytes of
 * command per message in a run and each reply is printed and freed by the
 * callback as it arrives, so even the batch limit costs about a megabyte. */
#define TOP_BATCH 20000

static MpCliExit
print_rest (MpCli *cli, SummaryPrinter *p)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = p->entries;
  g_autofree guint *numbers = g_new (guint, MIN (TOP_BATCH, MAX (entries->len, 1)));

  for (guint start = p->cursor; start < entries->len; start += TOP_BATCH)
    {
      guint n = MIN (TOP_BATCH, entries->len - start);

      gboolean ok;

      for (guint i = 0; i < n; i++)
        numbers[i] = ((MpPop3Entry *) entries->pdata[start + i])->number;
      /* QUIT right behind the last TOP saves its round trip. */
      if (p->then_quit && start + n == entries->len)
        ok = mp_pop3_session_top_many_then_quit_sync (cli->session, numbers, n, 0,
                                                      summary_body_cb, p, &p->quit_ok,
                                                      p->cancellable, &error);
      else
        ok = mp_pop3_session_top_many_sync (cli->session, numbers, n, 0,
                                            summary_body_cb, p, p->cancellable, &error);
      if (!ok)
        return printer_fail (cli, p, error);
    }
  return MP_CLI_EXIT_OK;
}

static SummaryPrinter
printer_new (MpCli *cli, GString *out, GCancellable *cancellable)
{
  return (SummaryPrinter) { .out = out, .json = cli->args->json,
                            .interactive = isatty (STDOUT_FILENO),
                            .cancellable = cancellable };
}

/* After the last row: closes a JSON array and writes what is left. */
static MpCliExit
printer_finish (SummaryPrinter *p)
{
  if (p->json)
    g_string_append (p->out, p->printed == 0 ? "[]\n" : "\n]\n");
  mp_cli_emit (p->out);
  return mp_cli_finish_output ();
}

/* Prints a summary of each of @entries as its `TOP n 0` arrives, keeping nothing:
 * this is what keeps `list` of 10 000 messages within a few megabytes. */
static MpCliExit
print_summaries (MpCli *cli, GPtrArray *entries, GHashTable *skipped, gboolean then_quit)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SummaryPrinter p = printer_new (cli, out, cancellable);
  MpCliExit rc;

  p.entries = entries;
  p.skipped = skipped;
  p.then_quit = then_quit;
  if (entries->len > 0 && (rc = print_first (cli, &p)) != MP_CLI_EXIT_OK)
    return rc;
  if ((rc = print_rest (cli, &p)) != MP_CLI_EXIT_OK)
    return rc;
  return printer_finish (&p);
}

static void
uidl_warning (void)
{
  mp_cli_print_error (_("The server does not support UIDL; the UIDL column is empty. "
                        "Name messages with --number N."));
}

static void
entry_body_cb (const MpPop3Entry *entry, GBytes *body, gpointer user_data)
{
  SummaryPrinter *p = user_data;

  /* Before the first row, as list_by_scan says it: the listing is complete
   * (every entry has a UIDL, or none has). */
  if (!p->uidl_checked && entry->uidl == NULL)
    uidl_warning ();
  p->uidl_checked = TRUE;
  printer_take (p, entry, body);
}

/* A server that lists TOP and takes pipelined commands gets the TOPs right
 * behind LIST (while UIDL's reply is still coming), and QUIT behind them. */
static MpCliExit
list_with_tops (MpCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) entries = NULL;
  SummaryPrinter p = printer_new (cli, out, cancellable);
  MpPop3Listing *listing;
  guint n_topped = 0;
  MpCliExit rc;

  p.then_quit = TRUE;
  listing = mp_pop3_session_scan_and_top_sync (cli->session, 0, TOP_BATCH, entry_body_cb, &p,
                                               &n_topped, &p.quit_ok, cancellable, &error);
  if (listing == NULL)
    return printer_fail (cli, &p, error);
  p.entries = entries = mp_cli_adopt_listing (cli, listing);
  /* Beyond TOP_BATCH messages, the rest in batches as list_by_scan does. */
  p.cursor = n_topped;
  if ((rc = print_rest (cli, &p)) != MP_CLI_EXIT_OK)
    return rc;
  return printer_finish (&p);
}

static MpCliExit
list_by_scan (MpCli *cli)
{
  g_autoptr(GPtrArray) entries = NULL;
  MpCliExit rc;

  if ((rc = mp_cli_scan (cli, &entries)) != MP_CLI_EXIT_OK)
    return rc;
  if (!mp_cli_all_have_uidl (entries))
    uidl_warning ();
  return print_summaries (cli, entries, NULL, TRUE);
}

MpCliExit
mp_cli_cmd_list (MpCli *cli, char **args)
{
  MpPop3Session *session;
  MpCliExit rc;

  if ((rc = mp_cli_expect_no_args (args, "list")) != MP_CLI_EXIT_OK
      || (rc = mp_cli_connect (cli)) != MP_CLI_EXIT_OK)
    return rc;
  session = cli->session;
  /* Without CAPA, print_first learns from TOP's own answer whether it exists. */
  if (mp_pop3_session_is_pipelining (session)
      && mp_pop3_session_get_capabilities (session)[0] != NULL
      && mp_pop3_session_has_capability (session, "TOP"))
    rc = list_with_tops (cli);
  else
    rc = list_by_scan (cli);
  if (rc != MP_CLI_EXIT_OK)
    return rc;
  /* The TOPs took QUIT along (unless there were none); a refused QUIT
   * commits nothing a listing made, as in mp_cli_quit(). */
  if (mp_pop3_session_is_connected (session))
    return mp_cli_quit (cli);
  return MP_CLI_EXIT_OK;
}

static GPtrArray *
entries_not_in (GPtrArray *entries, GHashTable *seen)
{
  GPtrArray *fresh = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);

      if (!g_hash_table_contains (seen, e->uidl))
        g_ptr_array_add (fresh, e);
    }
  return fresh;
}

/* A message that could not be shown is not "seen": it comes again next time
 * (unless it is gone from the server by then). The saved set is what the server
 * has now, so deleted messages drop out of it. */
static MpCliExit
save_seen (MpCli *cli, GPtrArray *entries, GHashTable *skipped)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uidls = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);
      if (!g_hash_table_contains (skipped, GUINT_TO_POINTER (e->number)))
        g_ptr_array_add (uidls, e->uidl);
    }
  if (!mp_cli_state_save (cli->args->state, cli->account, uidls, &error))
    {
      mp_cli_print_error ("%s", error->message);
      return MP_CLI_EXIT_OTHER;
    }
  return MP_CLI_EXIT_OK;
}

MpCliExit
mp_cli_cmd_check (MpCli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GHashTable) skipped = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean existed = FALSE;
  MpCliExit rc;

  if ((rc = mp_cli_expect_no_args (args, "check")) != MP_CLI_EXIT_OK)
    return rc;
  if (cli->args->state == NULL)
    return mp_cli_usage_error (_("check needs --state FILE"));
  /* Read the state before connecting: a bad file should not cost a login. */
  seen = mp_cli_state_load (cli->args->state, cli->account, &existed, &error);
  if (seen == NULL)
    {
      mp_cli_print_error ("%s", error->message);
      return MP_CLI_EXIT_OTHER;
    }
  if ((rc = mp_cli_open_mailbox (cli, &entries)) != MP_CLI_EXIT_OK)
    return rc;
  if (!mp_cli_all_have_uidl (entries))
    return mp_cli_no_uidl_error ();
  fresh = entries_not_in (entries, seen);
  /* Saved only after every new message was printed and QUIT found nothing
   * amiss (a summary cut short): a failed run shows them again. */
  if ((rc = print_summaries (cli, fresh, skipped, FALSE)) != MP_CLI_EXIT_OK
      || (rc = mp_cli_quit (cli)) != MP_CLI_EXIT_OK)
    return rc;
  return save_seen (cli, entries, skipped);
}
