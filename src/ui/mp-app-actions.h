/* mp-app-actions.h — what other programs may ask of a running Mailpeek: the
 * app.check-all, app.check-account and app.open-account actions (exported on the
 * session bus by GApplication, interface org.gtk.Actions at
 * /io/github/mailpeek/Mailpeek) and the --check / --check-account=ID options,
 * which pass them on to the running instance.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-application.h"

G_BEGIN_DECLS

/* Adds the actions to @app; call from its startup (the session exists). */
void mp_app_actions_install     (MpApplication *app);
/* Adds --check and --check-account to @app (before g_application_run()). */
void mp_app_actions_add_options (GApplication  *app);

G_END_DECLS
