/* mp-background.h — "Run in background", the --background option and "Start at login".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MP_TYPE_BACKGROUND (mp_background_get_type ())
G_DECLARE_FINAL_TYPE (MpBackground, mp_background, MP, BACKGROUND, GObject)

/* Adds the --background option to @app (call before g_application_run()). A second
 * `mailpeek --background` while Mailpeek already runs does nothing at all. */
void          mp_background_add_options            (GApplication *app);
/* TRUE when this (primary) instance was started with --background. */
gboolean      mp_background_get_started_in_background (GApplication *app);
/* Starts @app as --background does (call before it registers): another option that
 * starts Mailpeek for a job of its own (--check) opens no window. */
void          mp_background_set_started_in_background (GApplication *app);

/* Keeps @app alive without windows while "run-in-background" is on and there is a
 * way back to it (a registered tray icon, or a --background start), and keeps the
 * autostart entry in step with "start-at-login". @settings: the app's settings. */
MpBackground *mp_background_new                    (GApplication *app,
                                                    GSettings    *settings);
/* Whether a tray icon is registered (MpTray:registered). Without one, closing the
 * window quits, unless the app was started with --background. */
void          mp_background_set_tray_available     (MpBackground *self,
                                                    gboolean      available);
/* The user switched the tray icon off: forget that one was ever there. */
void          mp_background_forget_tray            (MpBackground *self);
/* TRUE while the application is held (closing the last window keeps it running). */
gboolean      mp_background_is_holding             (MpBackground *self);

/* $XDG_CONFIG_HOME/autostart/io.github.mailpeek.Mailpeek.desktop */
char         *mp_background_dup_autostart_path     (void);
/* TRUE inside a Flatpak sandbox (/.flatpak-info exists): autostart then goes
 * through org.freedesktop.portal.Background. */
gboolean      mp_background_in_flatpak             (void);

G_END_DECLS
