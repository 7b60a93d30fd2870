/* mp-sorted-model.h — a list model that keeps another one sorted by a GtkSorter
 * and reports each change as exactly the rows it touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MP_TYPE_SORTED_MODEL (mp_sorted_model_get_type ())
G_DECLARE_FINAL_TYPE (MpSortedModel, mp_sorted_model, MP, SORTED_MODEL, GObject)

/* Whether the view has a row widget for @item. */
typedef gboolean (*MpSortedModelHasRowFunc) (gpointer item,
                                             gpointer user_data);

MpSortedModel *mp_sorted_model_new          (GListModel              *model,
                                             GtkSorter               *sorter);
gboolean       mp_sorted_model_get_pending  (MpSortedModel           *self);
void           mp_sorted_model_set_has_row  (MpSortedModel           *self,
                                             MpSortedModelHasRowFunc  func,
                                             gpointer                 user_data);

G_END_DECLS
