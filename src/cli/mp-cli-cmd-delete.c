/* mp-cli-cmd-delete.c — `delete`: committed only when the server confirms QUIT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-cli-private.h"

static MpCliExit
not_deleted (MpCli *cli, const GError *error)
{
  if (error != NULL)
    mp_cli_report (cli, error);
  mp_cli_print_error (_("Nothing was deleted."));
  return MP_CLI_EXIT_NOT_DELETED;
}

/* The message numbers named by @names (of MpCliName), each once. All names must
 * resolve before the first DELE: a typo deletes nothing. */
static MpCliExit
resolve_all (GPtrArray *entries, GArray *names, GArray *numbers)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_direct_hash, g_direct_equal);
  MpCliExit rc;

  for (guint i = 0; i < names->len; i++)
    {
      MpPop3Entry *e = NULL;

      if ((rc = mp_cli_resolve (entries, &g_array_index (names, MpCliName, i), &e))
          != MP_CLI_EXIT_OK)
        {
          mp_cli_print_error (_("Nothing was deleted."));
          return rc;
        }
      if (g_hash_table_add (chosen, GUINT_TO_POINTER (e->number)))
        g_array_append_val (numbers, e->number);
    }
  return MP_CLI_EXIT_OK;
}

MpCliExit
mp_cli_cmd_delete (MpCli *cli, char **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GArray) names = g_array_new (FALSE, FALSE, sizeof (MpCliName));
  MpCliExit rc;

  for (guint i = 0; args[i] != NULL; i++)
    {
      MpCliName name = { args[i], 0 };
      g_array_append_val (names, name);
    }
  if ((rc = mp_cli_parse_numbers (cli->args, names)) != MP_CLI_EXIT_OK)
    return rc;
  if (names->len == 0)
    return mp_cli_usage_error (_("Usage: mailpeek-cli delete URL UIDL... [--number N]..."));
  if ((rc = mp_cli_open_mailbox (cli, &entries)) != MP_CLI_EXIT_OK
      || (rc = resolve_all (entries, names, numbers)) != MP_CLI_EXIT_OK)
    return rc;
  if (!mp_pop3_session_dele_many_sync (cli->session, (guint *) numbers->data, numbers->len,
                                       NULL, &error))
    {
      /* Closing without QUIT abandons the deletions the server did accept. */
      mp_pop3_session_close (cli->session);
      return not_deleted (cli, error);
    }
  if (!mp_pop3_session_quit_sync (cli->session, NULL, &error))
    {
      g_prefix_error (&error, _("The server did not confirm QUIT: "));
      return not_deleted (cli, error);
    }
  if (cli->args->json)
    g_string_printf (out, "{\"deleted\": %u}\n", numbers->len);
  else
    g_string_printf (out, ngettext ("Deleted %u message.\n", "Deleted %u messages.\n",
                                    numbers->len), numbers->len);
  mp_cli_emit (out);
  return mp_cli_finish_output ();
}
