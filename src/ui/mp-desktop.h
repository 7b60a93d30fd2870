/* mp-desktop.h — ties the tray icon, notifications and background mode to the
 * application and its window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-application.h"

G_BEGIN_DECLS

#define MP_TYPE_DESKTOP (mp_desktop_get_type ())
G_DECLARE_FINAL_TYPE (MpDesktop, mp_desktop, MP, DESKTOP, GObject)

/* Call from MpApplication's startup (after chaining up). Creates the tray icon, the
 * notifier and the background keeper, and follows every MpWindow the application
 * gets. The MpDesktop lives as long as @app. */
MpDesktop *mp_desktop_attach (MpApplication *app);
/* The one attached to @app, or NULL. */
MpDesktop *mp_desktop_get    (MpApplication *app);

G_END_DECLS
