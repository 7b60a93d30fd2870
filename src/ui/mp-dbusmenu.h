/* mp-dbusmenu.h — the tray's menu, exported as com.canonical.dbusmenu.
 *
 * Owns the menu items and their export on a connection; says which item was
 * clicked through "item-activated" and leaves the meaning to its owner (MpTray).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mp-tray.h"

G_BEGIN_DECLS

typedef enum
{
  MP_DBUSMENU_ACTION_OPEN_ACCOUNT,   /* detail: the account id */
  MP_DBUSMENU_ACTION_CHECK_NOW,
  MP_DBUSMENU_ACTION_MARK_ALL_SEEN,
  MP_DBUSMENU_ACTION_OPEN,
  MP_DBUSMENU_ACTION_QUIT,
  MP_DBUSMENU_ACTION_OPEN_MAIL_CLIENT,
} MpDbusmenuAction;

#define MP_TYPE_DBUSMENU (mp_dbusmenu_get_type ())
G_DECLARE_FINAL_TYPE (MpDbusmenu, mp_dbusmenu, MP, DBUSMENU, GObject)

/* Signal "item-activated" (guint MpDbusmenuAction, const char *detail or NULL),
 * emitted from inside the D-Bus method handler. */
MpDbusmenu *mp_dbusmenu_new               (void);
gboolean    mp_dbusmenu_export            (MpDbusmenu          *self,
                                           GDBusConnection     *connection,
                                           const char          *object_path,
                                           GError             **error);
void        mp_dbusmenu_unexport          (MpDbusmenu          *self);
/* "Mark All as Seen" is enabled only with something new. */
void        mp_dbusmenu_set_can_mark_seen (MpDbusmenu          *self,
                                           gboolean             can_mark_seen);
void        mp_dbusmenu_set_accounts      (MpDbusmenu          *self,
                                           const MpTrayAccount *accounts,
                                           guint                n_accounts);

G_END_DECLS
