/* mp-resize-box.c — see mp-resize-box.h.
 *
 * Inside an AdwLeaflet (libadwaita 1.2 has no split view with a divider), a
 * GtkPaned cannot fold: the leaflet lays the list and this box side by side by
 * their natural widths and folds when their minimum widths no longer fit, and
 * this box supplies the divider: a handle the pointer drags and the keyboard moves
 * (Left/Right), exposed to accessibility clients as a separator with a value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-resize-box.h"

#define HANDLE_WIDTH 6   /* the grab area; a 1 px line is drawn in its middle */
#define KEY_STEP     24

struct _MpResizeBox
{
  GtkWidget  parent_instance;

  GtkWidget *handle;         /* owned (unparented in dispose) */
  GtkWidget *child;          /* owned (unparented in dispose) */
  GtkWidget *start_sibling;  /* weak */
  int        width;          /* the divider: wanted width of the child */
  int        drag_start;     /* width when the drag began */
};

enum { PROP_0, PROP_CHILD, PROP_WIDTH, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MpResizeBox, mp_resize_box, GTK_TYPE_WIDGET)

static int
child_min_width (MpResizeBox *self)
{
  int min = 0;

  if (self->child)
    gtk_widget_measure (self->child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

/* The widest the child may get now: what the parent has, less the sibling's minimum. */
static int
max_width (MpResizeBox *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  int sibling_min = 0;

  if (!parent || gtk_widget_get_width (parent) <= 0)
    return G_MAXINT;
  if (self->start_sibling)
    gtk_widget_measure (self->start_sibling, GTK_ORIENTATION_HORIZONTAL, -1,
                        &sibling_min, NULL, NULL, NULL);
  return MAX (child_min_width (self), gtk_widget_get_width (parent) - sibling_min - HANDLE_WIDTH);
}

static void
update_accessible_value (MpResizeBox *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->handle),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, (double) child_min_width (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) self->width,
                                  -1);
}

static void
set_width_clamped (MpResizeBox *self,
                   int          width)
{
  mp_resize_box_set_width (self, CLAMP (width, child_min_width (self), max_width (self)));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               MpResizeBox    *self)
{
  self->drag_start = self->child ? gtk_widget_get_width (self->child) : self->width;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                MpResizeBox    *self)
{
  /* The handle is on the start edge: dragging it left widens the child. */
  int sign = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? 1 : -1;

  set_width_clamped (self, self->drag_start + sign * (int) dx);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                MpResizeBox           *self)
{
  int sign = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? -1 : 1;

  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    set_width_clamped (self, self->width + sign * KEY_STEP);
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    set_width_clamped (self, self->width - sign * KEY_STEP);
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

static void
mp_resize_box_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  MpResizeBox *self = MP_RESIZE_BOX (widget);
  int min = 0, nat = 0, hmin = 0, hnat = 0, handle_width = 0;

  if (gtk_widget_get_visible (self->handle))
    {
      gtk_widget_measure (self->handle, orientation, -1, &hmin, &hnat, NULL, NULL);
      gtk_widget_measure (self->handle, GTK_ORIENTATION_HORIZONTAL, -1,
                          &handle_width, NULL, NULL, NULL);
    }
  /* A height for a given width: the child has that width less the handle's. */
  if (self->child)
    gtk_widget_measure (self->child, orientation,
                        orientation == GTK_ORIENTATION_VERTICAL && for_size > 0
                          ? MAX (0, for_size - handle_width) : -1,
                        &min, &nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min + hmin;
      *natural = MAX (min, self->width) + hmin;
    }
  else
    {
      *minimum = MAX (min, hmin);
      *natural = MAX (nat, hnat);
    }
}

static void
mp_resize_box_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  MpResizeBox *self = MP_RESIZE_BOX (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int handle = 0;

  if (gtk_widget_get_visible (self->handle))
    {
      gtk_widget_measure (self->handle, GTK_ORIENTATION_HORIZONTAL, -1, &handle, NULL, NULL, NULL);
      gtk_widget_size_allocate (self->handle,
                                &(GtkAllocation) { rtl ? width - handle : 0, 0, handle, height }, -1);
    }
  if (self->child)
    gtk_widget_size_allocate (self->child,
                              &(GtkAllocation) { rtl ? 0 : handle, 0, width - handle, height }, -1);
}

static void
mp_resize_box_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MpResizeBox *self = MP_RESIZE_BOX (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_resize_box_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MpResizeBox *self = MP_RESIZE_BOX (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      mp_resize_box_set_child (self, g_value_get_object (value));
      break;
    case PROP_WIDTH:
      mp_resize_box_set_width (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_resize_box_dispose (GObject *object)
{
  MpResizeBox *self = MP_RESIZE_BOX (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);
  g_clear_pointer (&self->handle, gtk_widget_unparent);
  g_clear_weak_pointer (&self->start_sibling);
  G_OBJECT_CLASS (mp_resize_box_parent_class)->dispose (object);
}

static void
mp_resize_box_class_init (MpResizeBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_resize_box_dispose;
  object_class->get_property = mp_resize_box_get_property;
  object_class->set_property = mp_resize_box_set_property;
  widget_class->measure = mp_resize_box_measure;
  widget_class->size_allocate = mp_resize_box_size_allocate;

  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 360,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "mp-resize-box");
}

static void
mp_resize_box_init (MpResizeBox *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkWidget *line = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  g_autoptr (GdkCursor) cursor = gdk_cursor_new_from_name ("col-resize", NULL);

  self->width = 360;
  self->handle = g_object_new (GTK_TYPE_BOX,
                               "accessible-role", GTK_ACCESSIBLE_ROLE_SEPARATOR,
                               "width-request", HANDLE_WIDTH,
                               "focusable", TRUE,
                               "cursor", cursor,
                               NULL);
  gtk_widget_add_css_class (self->handle, "mp-resize-handle");
  gtk_widget_set_hexpand (line, TRUE);
  gtk_widget_set_halign (line, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->handle), line);
  gtk_widget_set_parent (self->handle, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->handle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preview Width"),
                                  GTK_ACCESSIBLE_PROPERTY_ORIENTATION, GTK_ORIENTATION_VERTICAL,
                                  -1);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (self->handle, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (self->handle, keys);
}

GtkWidget *
mp_resize_box_get_child (MpResizeBox *self)
{
  g_return_val_if_fail (MP_IS_RESIZE_BOX (self), NULL);
  return self->child;
}

void
mp_resize_box_set_child (MpResizeBox *self,
                         GtkWidget   *child)
{
  g_return_if_fail (MP_IS_RESIZE_BOX (self));

  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  update_accessible_value (self);
}

int
mp_resize_box_get_width (MpResizeBox *self)
{
  g_return_val_if_fail (MP_IS_RESIZE_BOX (self), 0);
  return self->width;
}

void
mp_resize_box_set_width (MpResizeBox *self,
                         int          width)
{
  g_return_if_fail (MP_IS_RESIZE_BOX (self));

  width = MAX (width, 0);
  if (width == self->width)
    return;
  self->width = width;
  update_accessible_value (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
}

void
mp_resize_box_set_start_sibling (MpResizeBox *self,
                                 GtkWidget   *sibling)
{
  g_return_if_fail (MP_IS_RESIZE_BOX (self));
  g_set_weak_pointer (&self->start_sibling, sibling);
}

void
mp_resize_box_set_handle_visible (MpResizeBox *self,
                                  gboolean     visible)
{
  g_return_if_fail (MP_IS_RESIZE_BOX (self));
  gtk_widget_set_visible (self->handle, visible);
}
