/* fuzz-pop3-url.c — mp_pop3_url_parse() on arbitrary strings
 *
 * Checked beyond "no crash, no leak, no UB": a failure sets a GError and
 * nothing else; a success yields a non-empty host without brackets, slash,
 * CR or LF, a port, known security and auth values, and parsing is deterministic (same input → same result).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

#include "mp-pop3-url.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *url = fuzz_strndup (data, size);
  g_autoptr(MpPop3Options) options = mp_pop3_options_new ();
  g_autoptr(MpPop3Options) again = mp_pop3_options_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  gboolean ok = mp_pop3_url_parse (url, options, &error);
  gboolean ok2 = mp_pop3_url_parse (url, again, &error2);
  FUZZ_CHECK (ok == ok2);

  if (!ok)
    {
      FUZZ_CHECK (error != NULL && error->message != NULL);
      return 0;
    }

  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (options->host != NULL && options->host[0] != '\0');
  FUZZ_CHECK (strpbrk (options->host, "\r\n[]/") == NULL);
  FUZZ_CHECK (g_strcmp0 (options->host, again->host) == 0);
  FUZZ_CHECK (g_strcmp0 (options->username, again->username) == 0);
  FUZZ_CHECK (options->port == again->port);
  FUZZ_CHECK (options->security == again->security);
  FUZZ_CHECK (options->auth == again->auth);
  FUZZ_CHECK (mp_pop3_options_get_effective_port (options) != 0);
  FUZZ_CHECK (mp_pop3_security_to_string (options->security) != NULL);
  FUZZ_CHECK (mp_pop3_auth_method_to_string (options->auth) != NULL);

  g_autoptr(MpPop3Options) copy = mp_pop3_options_copy (options);
  FUZZ_CHECK (g_strcmp0 (copy->host, options->host) == 0);
  return 0;
}
