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

/* The body under the title: why it failed, said once.  For MP_ERROR_CERTIFICATE the
 * engine's reason (self-signed, expired, wrong host…) and the SHA-256 fingerprint in
 * colon-separated pairs; otherwise the error's message.  Free with g_free(). */
char       *mp_error_dup_details (const GError *error);

/* "5e7ecb…" or "5E:7E:CB:…" -> "5E:7E:CB:…" (upper-case hex pairs); NULL for NULL. */
char       *mp_format_fingerprint (const char *hex);

G_END_DECLS
