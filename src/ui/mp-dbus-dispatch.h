/* mp-dbus-dispatch.h — table dispatch of exported D-Bus methods, shared by the tray
 * item (org.kde.StatusNotifierItem) and its menu (com.canonical.dbusmenu).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Answers @invocation (GDBus has checked @parameters against the introspection). */
typedef void (*MpDbusMethodFunc) (gpointer               self,
                                  GVariant              *parameters,
                                  GDBusMethodInvocation *invocation);

typedef struct
{
  const char       *name;
  MpDbusMethodFunc  handler;
} MpDbusMethod;

/* Calls the handler of @method_name in @methods, or answers UnknownMethod. */
void mp_dbus_dispatch (const MpDbusMethod    *methods,
                       gsize                  n_methods,
                       gpointer               self,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation);

G_END_DECLS
