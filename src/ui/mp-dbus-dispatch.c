/* mp-dbus-dispatch.c — see mp-dbus-dispatch.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-dbus-dispatch.h"

void
mp_dbus_dispatch (const MpDbusMethod    *methods,
                  gsize                  n_methods,
                  gpointer               self,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation)
{
  for (gsize i = 0; i < n_methods; i++)
    if (g_str_equal (methods[i].name, method_name))
      {
        methods[i].handler (self, parameters, invocation);
        return;
      }
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                         "No method %s", method_name);
}
