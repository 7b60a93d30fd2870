/* mp-choice-row.c — a row choosing one of a few labelled options.
 *
 * Why not AdwComboRow or GtkDropDown: with GTK 4.8 and libadwaita 1.2 neither can
 * be changed through the accessibility tree.  The row exposes no action, and a
 * choice selected in the popup's list through AT-SPI's Selection interface is not
 * taken (both take a choice only on the list's "activate").  A group of toggle
 * buttons is: each is a named button with a "click" action, and the chosen one
 * has the "pressed" state — what screen readers announce for a set of options.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include "mp-choice-row.h"

struct _MpChoiceRow
{
  AdwPreferencesRow  parent_instance;

  GtkWidget         *title_label;
  GtkWidget         *flow;        /* the buttons, wrapped when the row is narrow */
  GPtrArray         *buttons;     /* owned array, unowned GtkToggleButton */
  guint              selected;
  gboolean           updating;
};

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MpChoiceRow, mp_choice_row, ADW_TYPE_PREFERENCES_ROW)

static void
on_button_toggled (GtkToggleButton *button,
                   MpChoiceRow     *self)
{
  guint position;

  if (self->updating || !gtk_toggle_button_get_active (button))
    return;
  if (!g_ptr_array_find (self->buttons, button, &position) || position == self->selected)
    return;
  self->selected = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
clear_buttons (MpChoiceRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->flow)))
    gtk_flow_box_remove (GTK_FLOW_BOX (self->flow), child);
  g_ptr_array_set_size (self->buttons, 0);
}

void
mp_choice_row_set_choices (MpChoiceRow        *self,
                           const char * const *labels)
{
  GtkToggleButton *first = NULL;

  g_return_if_fail (MP_IS_CHOICE_ROW (self));

  self->updating = TRUE;
  clear_buttons (self);
  for (guint i = 0; labels && labels[i]; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (labels[i]);

      if (first)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      else
        first = GTK_TOGGLE_BUTTON (button);
      g_signal_connect (button, "toggled", G_CALLBACK (on_button_toggled), self);
      g_ptr_array_add (self->buttons, button);
      gtk_flow_box_append (GTK_FLOW_BOX (self->flow), button);
      /* The flow box's child is only a frame: keyboard focus goes to the button. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
  if (first)
    gtk_toggle_button_set_active (first, TRUE);
  self->updating = FALSE;
  if (self->selected != 0)
    {
      self->selected = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }
}

guint
mp_choice_row_get_n_choices (MpChoiceRow *self)
{
  g_return_val_if_fail (MP_IS_CHOICE_ROW (self), 0);
  return self->buttons->len;
}

guint
mp_choice_row_get_selected (MpChoiceRow *self)
{
  g_return_val_if_fail (MP_IS_CHOICE_ROW (self), 0);
  return self->selected;
}

void
mp_choice_row_set_selected (MpChoiceRow *self,
                            guint        position)
{
  g_return_if_fail (MP_IS_CHOICE_ROW (self));

  if (position >= self->buttons->len || position == self->selected)
    return;
  /* The toggled handler records the position and notifies. */
  gtk_toggle_button_set_active (g_ptr_array_index (self->buttons, position), TRUE);
}

void
mp_choice_row_set_choice_sensitive (MpChoiceRow *self,
                                    guint        position,
                                    gboolean     sensitive,
                                    const char  *reason)
{
  GtkWidget *button;

  g_return_if_fail (MP_IS_CHOICE_ROW (self));
  g_return_if_fail (position < self->buttons->len);

  button = g_ptr_array_index (self->buttons, position);
  gtk_widget_set_sensitive (button, sensitive);
  gtk_widget_set_tooltip_text (button, reason);
  if (reason)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
on_title_changed (MpChoiceRow *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));

  gtk_label_set_text (GTK_LABEL (self->title_label), title);
  /* Screen readers announce the group of buttons by the row's title. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->flow),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static void
mp_choice_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MpChoiceRow *self = MP_CHOICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_uint (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_choice_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MpChoiceRow *self = MP_CHOICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      mp_choice_row_set_selected (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mp_choice_row_finalize (GObject *object)
{
  MpChoiceRow *self = MP_CHOICE_ROW (object);

  g_ptr_array_unref (self->buttons);
  G_OBJECT_CLASS (mp_choice_row_parent_class)->finalize (object);
}

static void
mp_choice_row_class_init (MpChoiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mp_choice_row_get_property;
  object_class->set_property = mp_choice_row_set_property;
  object_class->finalize = mp_choice_row_finalize;

  properties[PROP_SELECTED] =
    g_param_spec_uint ("selected", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mp_choice_row_init (MpChoiceRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->buttons = g_ptr_array_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  self->title_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0);
  gtk_box_append (GTK_BOX (box), self->title_label);

  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow), FALSE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow), 6);
  gtk_box_append (GTK_BOX (box), self->flow);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
  g_signal_connect (self, "notify::title", G_CALLBACK (on_title_changed), NULL);
}
