/* mp-cli-session.c — the session, its errors and the message lookup of mailpeek-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The blocking engine calls run on the main thread: there is no UI to keep
 * responsive, and the engine's idle timeout bounds every wait.
 */
#include "mp-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mp-cli-format.h"
#include "mp-cli-private.h"
#include "mp-error.h"
#include "mp-error-text.h"

/* ------------------------------------------------------------------ errors */

static void
print_error_valist (const char *fmt, va_list args) G_GNUC_PRINTF (1, 0);

static void
print_error_valist (const char *fmt, va_list args)
{
  g_autofree char *msg = g_strdup_vprintf (fmt, args);
  g_autoptr(GString) line = g_string_new ("mailpeek-cli: ");

  /* Messages may quote the server (-ERR text): no control characters reach the terminal. */
  mp_cli_append_field (line, msg);
  g_printerr ("%s\n", line->str);
}

void
mp_cli_print_error (const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  print_error_valist (fmt, args);
  va_end (args);
}

/* Prints the message and returns the usage exit status. */
MpCliExit
mp_cli_usage_error (const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  print_error_valist (fmt, args);
  va_end (args);
  return MP_CLI_EXIT_USAGE;
}

static MpCliExit
exit_code_for (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return MP_CLI_EXIT_TIMEOUT;
  if (error->domain != MP_POP3_ERROR)
    return MP_CLI_EXIT_OTHER;
  switch ((MpPop3ErrorCode) error->code)
    {
    case MP_POP3_ERROR_TIMEOUT:
      return MP_CLI_EXIT_TIMEOUT;
    case MP_POP3_ERROR_CONNECT:
    case MP_POP3_ERROR_TLS:
    case MP_POP3_ERROR_CERTIFICATE:
    case MP_POP3_ERROR_CLOSED:
    case MP_POP3_ERROR_PLAINTEXT_REFUSED:
    case MP_POP3_ERROR_STLS_UNAVAILABLE:
      return MP_CLI_EXIT_NETWORK;
    case MP_POP3_ERROR_AUTH:
    case MP_POP3_ERROR_AUTH_UNSUPPORTED:
      return MP_CLI_EXIT_AUTH;
    case MP_POP3_ERROR_IN_USE:
    case MP_POP3_ERROR_LOGIN_DELAY:
    case MP_POP3_ERROR_SYS_TEMP:
    case MP_POP3_ERROR_SYS_PERM:
    case MP_POP3_ERROR_SERVER:
    case MP_POP3_ERROR_PROTOCOL:
    case MP_POP3_ERROR_NO_SUCH_MESSAGE:
    case MP_POP3_ERROR_UNSUPPORTED:
    default:
      return MP_CLI_EXIT_SERVER;
    }
}

static char *
certificate_hint (MpCli *cli)
{
  g_autofree char *fp = cli->session ? mp_pop3_session_dup_peer_fingerprint (cli->session)
                                     : NULL;

  if (fp != NULL)
    return g_strdup_printf (_("If you trust this certificate, run again with "
                              "--pin-sha256 %s, or with --ca-file FILE naming the "
                              "authority that issued it."), fp);
  return g_strdup (_("If you trust this server, run again with --pin-sha256 HEX "
                     "or --ca-file FILE."));
}

static gboolean
uses_token (MpCli *cli)
{
  return cli->options != NULL && (cli->options->auth == MP_POP3_AUTH_XOAUTH2 ||
                                  cli->options->auth == MP_POP3_AUTH_OAUTHBEARER);
}

/* A sentence telling the person what to do next on the command line (which
 * options to change; the CLI retries nothing by itself), or NULL.  What went
 * wrong is said by the window's sentence for the code (print_worded). */
static char *
hint_for (MpCli *cli, const GError *error)
{
  if (error->domain != MP_POP3_ERROR)
    return NULL;
  switch ((MpPop3ErrorCode) error->code)
    {
    case MP_POP3_ERROR_CERTIFICATE:
      return certificate_hint (cli);
    case MP_POP3_ERROR_PLAINTEXT_REFUSED:
      return g_strdup (_("The connection is not encrypted, so the password would be readable "
                         "by anyone on the way. Use pop3:// with STARTTLS or pop3s://, or pass "
                         "--allow-plaintext-password if you accept that risk."));
    case MP_POP3_ERROR_STLS_UNAVAILABLE:
      return g_strdup (_("The server does not offer STARTTLS. Try pop3s:// (port 995); "
                         "--starttls=never sends everything unencrypted."));
    case MP_POP3_ERROR_AUTH:
      /* The sentence says the user name or password was refused: a token is
       * renewed, not retyped. */
      if (uses_token (cli))
        return g_strdup (_("The server rejected the access token. Get a fresh one "
                           "and run again."));
      return NULL;
    case MP_POP3_ERROR_AUTH_UNSUPPORTED:
      return g_strdup (_("Try another --auth method, or --auth auto."));
    case MP_POP3_ERROR_IN_USE:
      return g_strdup (_("The mailbox is in use by another session (another mail program may "
                         "be checking it right now). Try again in a minute."));
    case MP_POP3_ERROR_LOGIN_DELAY:
      return g_strdup (_("The server wants more time between logins. Try again later."));
    case MP_POP3_ERROR_SYS_TEMP:
      return g_strdup (_("The server reports a temporary problem. Try again later."));
    default:
      return NULL;
    }
}

/* The engine's and core's errors get the window's sentence for their code
 * (src/app/mp-error-text.c), then the details naming host, port and problem;
 * other errors (files, options) have only their message. */
static void
print_worded (MpCli *cli, const GError *error)
{
  g_autoptr (GError) core = NULL;
  g_autofree char *details = NULL;
  g_auto (GStrv) lines = NULL;

  if (error->domain != MP_POP3_ERROR && error->domain != MP_ERROR &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      mp_cli_print_error ("%s", error->message);
      return;
    }
  core = mp_error_from_pop3 (error);
  details = mp_error_dup_details (core);
  /* The sentence names the user name or password; a refused token is said by
   * the engine's message and the hint (hint_for). */
  if (g_error_matches (core, MP_ERROR, MP_ERROR_AUTH) && uses_token (cli))
    {
      mp_cli_print_error ("%s", details);
      return;
    }
  lines = g_strsplit (details, "\n", -1);
  if (lines[0] == NULL || lines[1] == NULL)
    {
      /* Translators: mailpeek-cli's error line: what went wrong, then the details */
      mp_cli_print_error (_("%s: %s"), mp_error_title (core), details);
      return;
    }
  mp_cli_print_error ("%s", mp_error_title (core));
  for (guint i = 0; lines[i] != NULL; i++)
    mp_cli_print_error ("%s", lines[i]);
}

/* Prints @error with a hint and returns its exit status (by the engine's code,
 * finer than the window's). */
MpCliExit
mp_cli_report (MpCli *cli, const GError *error)
{
  g_autofree char *hint = hint_for (cli, error);

  print_worded (cli, error);
  if (hint != NULL)
    mp_cli_print_error ("%s", hint);
  return exit_code_for (error);
}

/* ------------------------------------------------------------------ output */

/* errno of the first failed write to stdout, 0 while none failed. After it
 * nothing more is written: the rest of the output would be incomplete anyway. */
static int output_errno;

/* Exit status of an output error. A reader that went away (EPIPE: `list | head`)
 * is how a pipe normally ends, so, as other Unix tools, stop without a word. */
MpCliExit
mp_cli_write_error (void)
{
  if (output_errno != EPIPE)
    mp_cli_print_error (_("Cannot write the output: %s"),
                        g_strerror (output_errno != 0 ? output_errno : EIO));
  return MP_CLI_EXIT_OTHER;
}

/* Output that can never be written (stdout was closed at start): fails before the
 * command does anything. */
MpCliExit
mp_cli_output_error (int errnum)
{
  output_errno = errnum;
  return mp_cli_write_error ();
}

gboolean
mp_cli_output_failed (void)
{
  return output_errno != 0;
}

/* Writes and flushes: a reader (pipe, terminal) sees each message as it arrives.
 * FALSE once a write failed (see mp_cli_write_error()). */
gboolean
mp_cli_write (const char *data, gsize len)
{
  if (output_errno != 0)
    return FALSE;
  errno = 0;
  if ((len == 0 || fwrite (data, 1, len, stdout) == len) && fflush (stdout) == 0)
    return TRUE;
  output_errno = errno != 0 ? errno : EIO;
  return FALSE;
}

gboolean
mp_cli_emit (GString *out)
{
  gboolean ok = mp_cli_write (out->str, out->len);

  g_string_truncate (out, 0);
  return ok;
}

MpCliExit
mp_cli_finish_output (void)
{
  if (!mp_cli_write (NULL, 0))
    return mp_cli_write_error ();
  return MP_CLI_EXIT_OK;
}

/* The data of a body from the engine; never NULL (an empty body's GBytes has none). */
const char *
mp_cli_bytes_get_data (GBytes *bytes, gsize *len)
{
  const char *data = g_bytes_get_data (bytes, len);

  return data != NULL ? data : "";
}

/* ------------------------------------------------------------------ session */

MpCliExit
mp_cli_expect_no_args (char **args, const char *command)
{
  if (args[0] != NULL)
    /* TRANSLATORS: %s is a command name (capa, list, check) */
    return mp_cli_usage_error (_("%s takes no arguments after the URL"), command);
  return MP_CLI_EXIT_OK;
}

/* Appends the messages named with --number to @names (of MpCliName). */
MpCliExit
mp_cli_parse_numbers (const MpCliArgs *args, GArray *names)
{
  for (guint i = 0; args->numbers != NULL && args->numbers[i] != NULL; i++)
    {
      MpCliName name = { NULL, 0 };
      guint64 n;

      if (!g_ascii_string_to_unsigned (args->numbers[i], 10, 1, G_MAXUINT, &n, NULL))
        return mp_cli_usage_error (_("--number needs a message number (1, 2, …), not “%s”"),
                                   args->numbers[i]);
      name.number = (guint) n;
      g_array_append_val (names, name);
    }
  return MP_CLI_EXIT_OK;
}

/* The one message a command (top, retr) works on: --number N, or else the first of
 * *@args_inout, which is then moved past it. @usage is the command's usage line. */
MpCliExit
mp_cli_parse_one_name (const MpCliArgs *args, char ***args_inout, MpCliName *name,
                       const char *usage)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (MpCliName));
  MpCliExit rc;

  if ((rc = mp_cli_parse_numbers (args, numbers)) != MP_CLI_EXIT_OK)
    return rc;
  if (numbers->len > 1)
    return mp_cli_usage_error ("%s", usage);
  if (numbers->len == 1)
    {
      *name = g_array_index (numbers, MpCliName, 0);
      return MP_CLI_EXIT_OK;
    }
  if ((*args_inout)[0] == NULL)
    return mp_cli_usage_error ("%s", usage);
  name->uidl = (*args_inout)[0];
  name->number = 0;
  (*args_inout)++;
  return MP_CLI_EXIT_OK;
}

/* Connects and logs in. */
MpCliExit
mp_cli_connect (MpCli *cli)
{
  g_autoptr(GError) error = NULL;

  cli->session = mp_pop3_session_new (cli->options);
  if (!mp_pop3_session_connect_sync (cli->session, NULL, &error))
    return mp_cli_report (cli, error);
  return MP_CLI_EXIT_OK;
}

/* Lists the mailbox of a connected session (number, size, UIDL of every message). */
MpCliExit
mp_cli_scan (MpCli *cli, GPtrArray **entries_out)
{
  g_autoptr(GError) error = NULL;
  MpPop3Listing *listing;
  guint count = 0;

  /* In lock-step, STAT first: an empty mailbox then needs no LIST and UIDL (two
   * round trips). Pipelined, LIST and UIDL take one round trip together, all
   * that STAT would cost on its own, so it is left out. */
  if (!mp_pop3_session_is_pipelining (cli->session))
    {
      if (!mp_pop3_session_stat_sync (cli->session, &count, NULL, NULL, &error))
        return mp_cli_report (cli, error);
      if (count == 0)
        {
          *entries_out = g_ptr_array_new ();
          return MP_CLI_EXIT_OK;
        }
    }
  listing = mp_pop3_session_scan_sync (cli->session, NULL, &error);
  if (listing == NULL)
    return mp_cli_report (cli, error);
  *entries_out = mp_cli_adopt_listing (cli, listing);
  return MP_CLI_EXIT_OK;
}

/* Keeps @listing (owned) for the rest of the command; returns its entries as
 * borrowed pointers (8 bytes a message). */
GPtrArray *
mp_cli_adopt_listing (MpCli *cli, MpPop3Listing *listing)
{
  GPtrArray *entries = g_ptr_array_sized_new (listing->len);

  for (guint i = 0; i < listing->len; i++)
    g_ptr_array_add (entries, &listing->entries[i]);
  g_clear_pointer (&cli->listing, mp_pop3_listing_free);
  cli->listing = listing;
  return entries;
}

/* Connects, logs in and lists the mailbox (number, size, UIDL of every message). */
MpCliExit
mp_cli_open_mailbox (MpCli *cli, GPtrArray **entries_out)
{
  MpCliExit rc;

  if ((rc = mp_cli_connect (cli)) != MP_CLI_EXIT_OK)
    return rc;
  return mp_cli_scan (cli, entries_out);
}

/* mp_cli_open_mailbox(), then finds the message named @name (borrowed from the entries). */
MpCliExit
mp_cli_open_message (MpCli            *cli,
                     const MpCliName  *name,
                     GPtrArray       **entries_out,
                     MpPop3Entry     **entry_out)
{
  MpCliExit rc;

  if ((rc = mp_cli_open_mailbox (cli, entries_out)) != MP_CLI_EXIT_OK)
    return rc;
  return mp_cli_resolve (*entries_out, name, entry_out);
}

gboolean
mp_cli_all_have_uidl (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    if (((MpPop3Entry *) g_ptr_array_index (entries, i))->uidl == NULL)
      return FALSE;
  return TRUE;
}

MpCliExit
mp_cli_no_uidl_error (void)
{
  mp_cli_print_error (_("The server does not support UIDL, so messages have no stable names. "
                        "Name a message by its number instead, with --number N."));
  return MP_CLI_EXIT_SERVER;
}

/* The entry of message @number, or NULL. */
MpPop3Entry *
mp_cli_find_number (GPtrArray *entries, guint64 number)
{
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);
      if (e->number == number)
        return e;
    }
  return NULL;
}

static MpPop3Entry *
find_uidl (GPtrArray *entries, const char *uidl)
{
  for (guint i = 0; i < entries->len; i++)
    {
      MpPop3Entry *e = g_ptr_array_index (entries, i);
      if (strcmp (e->uidl, uidl) == 0)
        return e;
    }
  return NULL;
}

/* Finds the message named @name (by UIDL, or by number with --number). */
MpCliExit
mp_cli_resolve (GPtrArray *entries, const MpCliName *name, MpPop3Entry **out)
{
  if (name->uidl == NULL)
    {
      *out = mp_cli_find_number (entries, name->number);
      if (*out == NULL)
        {
          mp_cli_print_error (_("There is no message number %u on the server"), name->number);
          return MP_CLI_EXIT_OTHER;
        }
      return MP_CLI_EXIT_OK;
    }
  if (!mp_cli_all_have_uidl (entries))
    return mp_cli_no_uidl_error ();
  *out = find_uidl (entries, name->uidl);
  if (*out == NULL)
    {
      mp_cli_print_error (_("There is no message with UIDL “%s” on the server"), name->uidl);
      return MP_CLI_EXIT_OTHER;
    }
  return MP_CLI_EXIT_OK;
}

/* Read-only commands end with QUIT; a failed QUIT changes nothing for them,
 * unless it failed on a protocol error: then the server sent more than the
 * last reply (e.g. a message cut short by a "." line it did not dot-stuff),
 * and what was shown may be incomplete. */
MpCliExit
mp_cli_quit (MpCli *cli)
{
  g_autoptr(GError) error = NULL;

  if (mp_pop3_session_quit_sync (cli->session, NULL, &error))
    return MP_CLI_EXIT_OK;
  if (g_error_matches (error, MP_POP3_ERROR, MP_POP3_ERROR_PROTOCOL))
    return mp_cli_report (cli, error);
  g_debug ("QUIT failed: %s", error->message);
  return MP_CLI_EXIT_OK;
}

void
mp_cli_clear (MpCli *cli)
{
  /* Leave politely when a command stopped early on a -ERR; after transport and
   * protocol errors the engine has already closed the session. A delete that
   * must not be committed closes the session itself before getting here. */
  if (cli->session != NULL && mp_pop3_session_is_connected (cli->session))
    mp_pop3_session_quit_sync (cli->session, NULL, NULL);
  if (cli->session != NULL)
    mp_pop3_session_close (cli->session);
  g_clear_object (&cli->session);
  g_clear_pointer (&cli->listing, mp_pop3_listing_free);
  g_clear_pointer (&cli->options, mp_pop3_options_free);
  g_clear_pointer (&cli->account, g_free);
}
