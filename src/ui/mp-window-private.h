/* mp-window-private.h — MpWindow's fields, shared by mp-window.c (models,
 * status, accounts, lifecycle) and mp-window-actions.c (the win.* actions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-window.h"
#include "mp-delete-controller.h"
#include "mp-message-filter.h"
#include "mp-preview-loader.h"
#include "mp-resize-box.h"
#include "mp-session.h"
#include "mp-sorted-model.h"

G_BEGIN_DECLS

struct _MpWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkListBox           *account_list;
  GtkWidget            *content;
  GtkButton            *back_button;
  AdwWindowTitle       *window_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GMenuModel           *primary_menu;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_title;
  GtkLabel             *error_details;
  GtkButton            *trust_button;
  GtkButton            *error_action_button;
  AdwLeaflet           *message_leaflet;
  GtkWidget            *list_overlay;
  MpResizeBox          *preview_box;
  GtkScrolledWindow    *list_scroller;
  AdwStatusPage        *list_placeholder;
  GtkColumnView        *column_view;
  MpPreviewPane        *preview_pane;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;

  MpSession            *session;          /* owned; the app's accounts and their state */
  MpAccountStore       *store;            /* borrowed from session */
  GSettings            *settings;         /* owned; NULL when the schema is not installed */
  MpAccountState       *current;          /* borrowed from session, or NULL */
  GSignalGroup         *current_signals;  /* owned; follows current */

  MpMessageFilter      *filter;           /* owned */
  GtkFilterListModel   *filter_model;     /* owned */
  MpSortedModel        *sort_model;       /* owned */
  GtkMultiSelection    *selection;        /* owned */

  MpPreviewLoader      *preview_loader;   /* owned; what the preview pane shows */

  MpDeleteController   *deleter;          /* owned; confirmation, undo, failures */
  char                 *last_toast_title; /* owned */
  guint                 status_update_id; /* throttles status updates during a check */
  guint                 scroll_top_id;    /* keep_showing_top()'s pending scroll */
  guint                 scroll_quiet_id;  /* the same, once rows stop coming */
};

/* mp-window.c */
void mp_window_update_actions     (MpWindow         *self);
void mp_window_update_for_current (MpWindow         *self);
void mp_window_show_toast         (MpWindow         *self,
                                   const char       *title);
/* Shows @summary of the current mailbox in the preview pane (NULL: nothing). */
void mp_window_load_preview       (MpWindow         *self,
                                   MpMessageSummary *summary,
                                   gboolean          whole);

/* mp-window-layout.c: narrow and wide, the back button, the divider. */
void mp_window_layout_init        (MpWindow         *self);
void mp_window_layout_show_list   (MpWindow         *self);

/* mp-window-actions.c: installs the win.* actions on the class. */
void mp_window_actions_install    (GtkWidgetClass   *widget_class);

G_END_DECLS
