/* mp-rule-condition-row.c — one condition of a rule in the Rules dialog.
 *
 * The row only shows and reports: the dialog keeps the working copy, copies
 * the row's key and value into it on "changed" and rebuilds its condition
 * rows on "remove".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-rule-condition-row.h"

static const struct { const char *key; const char *label; } cond_keys[] = {
  { "from-address-is", N_("From address is") },
  { "from-address-contains", N_("From address contains") },
  { "from-address-ends-with", N_("From address ends with") },
  { "from-domain-is", N_("From domain is") },
  { "from-domain-contains", N_("From domain contains") },
  { "from-domain-ends-with", N_("From domain ends with") },
  { "to-address-is", N_("To address is") },
  { "to-address-contains", N_("To address contains") },
  { "to-address-ends-with", N_("To address ends with") },
  { "to-domain-is", N_("To domain is") },
  { "to-domain-contains", N_("To domain contains") },
  { "to-domain-ends-with", N_("To domain ends with") },
  { "cc-address-is", N_("Cc address is") },
  { "cc-address-contains", N_("Cc address contains") },
  { "cc-address-ends-with", N_("Cc address ends with") },
  { "cc-domain-is", N_("Cc domain is") },
  { "cc-domain-contains", N_("Cc domain contains") },
  { "cc-domain-ends-with", N_("Cc domain ends with") },
  { "subject-contains", N_("Subject contains") },
  { "subject-regex", N_("Subject matches regular expression") },
  { "header-contains", N_("Header contains (Name: text)") },
  { "header-regex", N_("Header matches (Name: pattern)") },
  { "size-over", N_("Size over (bytes)") },
  { "has-attachment", N_("Has an attachment (true)") },
  { "older-than-days", N_("Older than (days)") },
  { "spam-flag", N_("Marked as spam by the server (true)") },
  { "spam-score-at-least", N_("Spam score at least") },};

struct _MpRuleConditionRow
{
  GtkBox        parent_instance;

  GtkDropDown  *dropdown;
  GtkEntry     *entry;
  GtkButton    *remove;
  char         *key;         /* owned: as given until another is picked */
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpRuleConditionRow, mp_rule_condition_row, GTK_TYPE_BOX)

static guint
cond_key_index (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (cond_keys); i++)
    if (g_str_equal (cond_keys[i].key, key))
      return i;
  return 0;
}

static void
on_key_changed (GtkDropDown        *dropdown,
                GParamSpec         *pspec,
                MpRuleConditionRow *self)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  /* No selection (GTK_INVALID_LIST_POSITION) keeps the key it had. */
  if (pos >= G_N_ELEMENTS (cond_keys))
    return;
  g_free (self->key);
  self->key = g_strdup (cond_keys[pos].key);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_value_changed (GtkEditable        *entry,
                  MpRuleConditionRow *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_remove_clicked (GtkButton          *button,
                   MpRuleConditionRow *self)
{
  g_signal_emit (self, signals[SIGNAL_REMOVE], 0);
}

static void
mp_rule_condition_row_finalize (GObject *object)
{
  MpRuleConditionRow *self = MP_RULE_CONDITION_ROW (object);

  g_free (self->key);
  G_OBJECT_CLASS (mp_rule_condition_row_parent_class)->finalize (object);
}

static void
mp_rule_condition_row_class_init (MpRuleConditionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mp_rule_condition_row_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mp_rule_condition_row_init (MpRuleConditionRow *self)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  for (guint i = 0; i < G_N_ELEMENTS (cond_keys); i++)
    gtk_string_list_append (labels, _(cond_keys[i].label));
  self->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
  self->entry = GTK_ENTRY (gtk_entry_new ());
  self->remove = GTK_BUTTON (gtk_button_new_from_icon_name ("edit-delete-symbolic"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove), _("Remove Condition"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Condition"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Condition value"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove Condition"), -1);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->dropdown));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->remove));
}

GtkWidget *
mp_rule_condition_row_new (const char *key,
                           const char *value)
{
  MpRuleConditionRow *self = g_object_new (MP_TYPE_RULE_CONDITION_ROW, NULL);

  /* Filled before the handlers are connected: showing a condition is no edit. */
  self->key = g_strdup (key);
  gtk_drop_down_set_selected (self->dropdown, cond_key_index (key));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), value);
  g_signal_connect (self->dropdown, "notify::selected", G_CALLBACK (on_key_changed), self);
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect (self->remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  return GTK_WIDGET (self);
}

const char *
mp_rule_condition_row_get_key (MpRuleConditionRow *self)
{
  g_return_val_if_fail (MP_IS_RULE_CONDITION_ROW (self), NULL);
  return self->key;
}

const char *
mp_rule_condition_row_get_value (MpRuleConditionRow *self)
{
  g_return_val_if_fail (MP_IS_RULE_CONDITION_ROW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}
