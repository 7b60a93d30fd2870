/* mp-password-mask.h — keeps the text typed into a GtkPasswordEntry out of the
 * entry, so accessibility clients read only what the screen shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MP_TYPE_PASSWORD_MASK (mp_password_mask_get_type ())
G_DECLARE_FINAL_TYPE (MpPasswordMask, mp_password_mask, MP, PASSWORD_MASK, GObject)

MpPasswordMask *mp_password_mask_new      (GtkPasswordEntry *entry);
const char     *mp_password_mask_get_text (MpPasswordMask   *self);

G_END_DECLS
