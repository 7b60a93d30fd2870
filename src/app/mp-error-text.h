/* mp-error-text.h — the one place that words errors for people.
 *
 * Every MP_ERROR code has a sentence; the window, the account rows, the tray, the
 * notifier and the account dialog all say the same thing for the same failure.
 * GTK-free (gettext is GLib's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Plain-words title for an error from a job (translated); "" for NULL. */
const char *mp_error_title (const GError *error);

G_END_DECLS
