/* mp-resize-box.h — one child with a drag handle on its start edge: the divider
 * between the message list and the preview.  Its natural width is the "width"
 * the user dragged to (the child's own natural width does not widen it), so a
 * long subject in the preview never pushes the divider.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MP_TYPE_RESIZE_BOX (mp_resize_box_get_type ())
G_DECLARE_FINAL_TYPE (MpResizeBox, mp_resize_box, MP, RESIZE_BOX, GtkWidget)

GtkWidget *mp_resize_box_get_child        (MpResizeBox *self);
void       mp_resize_box_set_child        (MpResizeBox *self,
                                           GtkWidget   *child);
int        mp_resize_box_get_width        (MpResizeBox *self);
void       mp_resize_box_set_width        (MpResizeBox *self,
                                           int          width);
/* The widget on the other side of the divider: a drag never takes it below its
 * minimum width. */
void       mp_resize_box_set_start_sibling (MpResizeBox *self,
                                            GtkWidget   *sibling);
void       mp_resize_box_set_handle_visible (MpResizeBox *self,
                                             gboolean     visible);

G_END_DECLS
