/* mp-mail-client.h — "Open Mail Client": starts the user's mail program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts @command (an account's mail-client key: a command line) when it is
 * non-empty; else, in a Flatpak, asks the OpenURI portal for "mailto:"; else
 * launches the desktop's default x-scheme-handler/mailto application (GAppInfo),
 * without a URI so it opens as from the app grid.  @context may be NULL.
 * FALSE with @error when nothing could be started (the portal's answer comes
 * later and is only logged). */
gboolean mp_mail_client_launch (const char         *command,
                                GAppLaunchContext  *context,
                                GError            **error);

/* Opens @file, a message saved as .eml, in the mail program: @command with the
 * file as its last argument when it is non-empty; else the desktop's default
 * application for the file's type (message/rfc822), which GIO reaches through
 * the OpenURI portal inside a Flatpak.  @context may be NULL. */
void     mp_mail_client_open_file_async  (const char           *command,
                                          GFile                *file,
                                          GAppLaunchContext    *context,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean mp_mail_client_open_file_finish (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
