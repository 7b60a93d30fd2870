/* mp-tray.h — tray icon as a StatusNotifierItem with a com.canonical.dbusmenu menu.
 *
 * GTK 4 has no GtkStatusIcon; desktops that show tray icons (KDE, GNOME with the
 * AppIndicator extension, XFCE, …) implement org.kde.StatusNotifierWatcher instead.
 * Without a watcher the tray stays unregistered and everything else keeps working.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MP_TRAY_ITEM_PATH "/StatusNotifierItem"
#define MP_TRAY_MENU_PATH "/MenuBar"

#define MP_TYPE_TRAY (mp_tray_get_type ())
G_DECLARE_FINAL_TYPE (MpTray, mp_tray, MP, TRAY, GObject)

/* One line of the menu per account. */
typedef struct
{
  const char *id;
  const char *name;
  guint       new_count;
  gboolean    failed;    /* last check failed */
} MpTrayAccount;

/* Exports the item and the menu on @connection and registers with the watcher
 * whenever one appears. Signals: "activate" (left click), "check-now",
 * "mark-all-seen", "quit", "open-account" (const char *account_id). */
MpTray   *mp_tray_new             (GDBusConnection     *connection);
/* @tooltip: nullable; shown under the title. */
void      mp_tray_set_state       (MpTray              *self,
                                   guint                new_count,
                                   const char          *tooltip);
/* Marks the icon as showing a failure (no new mail but an account failed). */
void      mp_tray_set_error       (MpTray              *self,
                                   gboolean             error);
void      mp_tray_set_accounts    (MpTray              *self,
                                   const MpTrayAccount *accounts,
                                   guint                n_accounts);
/* TRUE while a StatusNotifierWatcher has accepted the item (property "registered"). */
gboolean  mp_tray_is_registered   (MpTray              *self);
guint     mp_tray_get_new_count   (MpTray              *self);
/* Unexports the objects; called by dispose, usable earlier. */
void      mp_tray_unexport        (MpTray              *self);

G_END_DECLS
