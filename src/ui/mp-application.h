/* mp-application.h — the Mailpeek AdwApplication.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-session.h"

G_BEGIN_DECLS

#define MP_TYPE_APPLICATION (mp_application_get_type ())
G_DECLARE_FINAL_TYPE (MpApplication, mp_application, MP, APPLICATION, AdwApplication)

typedef struct _MpWindow MpWindow;

MpApplication *mp_application_new             (void);
/* TRUE until the first activation when started with --background: the window is
 * created (jobs run) but not presented. The desktop code sets it from its option. */
gboolean       mp_application_get_background  (MpApplication *self);
void           mp_application_set_background  (MpApplication *self,
                                               gboolean       background);
/* Borrowed; the accounts (loaded at startup). */
/* The process's accounts and their state, from startup to shutdown. */
MpSession     *mp_application_get_session     (MpApplication *self);
/* Borrowed; NULL when no window exists. */
MpWindow      *mp_application_get_main_window (MpApplication *self);
/* Borrowed; creates the (hidden) main window when needed. */
MpWindow      *mp_application_ensure_window   (MpApplication *self);
/* A job that must finish even when the last window closes (a confirmed deletion
 * being sent) holds the application; quitting waits for it. */
/* Closes every window (their pending deletions are sent now) and quits once no
 * job holds the application any more. */
void           mp_application_quit            (MpApplication *self);

G_END_DECLS
