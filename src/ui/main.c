/* main.c — entry point of the Mailpeek window application.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "mp-application.h"
#include "mp-background.h"
#include "mp-pop3-stdfds.h"

int
main (int argc, char **argv)
{
  g_autoptr (MpApplication) app = NULL;

  /* Before anything opens a file or socket: none may become stdin/out/err. */
  if (mp_pop3_ensure_std_fds () < 0)
    return 1;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = mp_application_new ();
  mp_background_add_options (G_APPLICATION (app));
  return g_application_run (G_APPLICATION (app), argc, argv);
}
