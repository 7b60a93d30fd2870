/* mp-cli-cmd-capa.c — `capa`: the greeting, the login used and the capabilities
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-cli-format.h"
#include "mp-cli-private.h"

static void
append_capa_json (GString *out, MpPop3Session *session)
{
  const char * const *caps = mp_pop3_session_get_capabilities (session);

  g_string_append (out, "{\"greeting\": ");
  mp_cli_append_json_string (out, mp_pop3_session_get_greeting (session));
  g_string_append_printf (out, ", \"encrypted\": %s, \"pipelining\": %s, \"auth\": ",
                          mp_pop3_session_is_encrypted (session) ? "true" : "false",
                          mp_pop3_session_is_pipelining (session) ? "true" : "false");
  mp_cli_append_json_string (out, mp_pop3_auth_method_to_string (
                                    mp_pop3_session_get_auth_method (session)));
  g_string_append (out, ", \"capabilities\": [");
  for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      mp_cli_append_json_string (out, caps[i]);
    }
  g_string_append (out, "]}\n");
}

static void
append_capa_text (GString *out, MpPop3Session *session)
{
  const char * const *caps = mp_pop3_session_get_capabilities (session);

  for (guint i = 0; caps != NULL && caps[i] != NULL; i++)
    {
      mp_cli_append_field (out, caps[i]);
      g_string_append_c (out, '\n');
    }
}

MpCliExit
mp_cli_cmd_capa (MpCli *cli, char **args)
{
  g_autoptr(GString) out = g_string_new (NULL);
  MpCliExit rc;

  if ((rc = mp_cli_expect_no_args (args, "capa")) != MP_CLI_EXIT_OK
      || (rc = mp_cli_connect (cli)) != MP_CLI_EXIT_OK)
    return rc;
  if (cli->args->json)
    append_capa_json (out, cli->session);
  else
    append_capa_text (out, cli->session);
  mp_cli_emit (out);
  if ((rc = mp_cli_quit (cli)) != MP_CLI_EXIT_OK)
    return rc;
  return mp_cli_finish_output ();
}
