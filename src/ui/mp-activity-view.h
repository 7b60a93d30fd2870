/* mp-activity-view.h — the activity log: what rules deleted, newest first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-session.h"

G_BEGIN_DECLS

GtkWindow *mp_activity_view_new (GtkWindow *parent,
                                 MpSession *session);

G_END_DECLS
