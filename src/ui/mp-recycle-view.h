/* mp-recycle-view.h — the Recycle Bin: copies of deleted messages, from every
 * account's bin; open one (the preview pane), save it as .eml.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-session.h"

G_BEGIN_DECLS

GtkWindow *mp_recycle_view_new (GtkWindow *parent,
                                MpSession *session);

G_END_DECLS
