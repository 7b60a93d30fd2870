/* mp-rules-dialog.c — the Rules dialog.
 *
 * The dialog edits a working copy (plain structs: name, flags, action and the
 * conditions as "key = value" text, the way the rules file writes them) and
 * builds a MpRuleSet from it whenever something changes: a condition that does
 * not parse (an invalid regular expression, say) is shown at once and blocks
 * saving.  The selected rule's dry run — every message in the current lists
 * of every account it would act on, and why — is shown under it after every
 * change; a rule is "previewed" (the rules file's previewed flag, which a
 * delete rule needs before it deletes anything) only once the dry run of its
 * current form was on screen.  Saving goes through MpRulesState, which puts
 * the set in force for every account's next check.
 *
 * Each condition is a MpRuleConditionRow (mp-rule-condition-row.c) and the
 * dry run is shown by mp-rules-dry-run.c; the working copy stays here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-rule-condition-row.h"
#include "mp-rules-dialog.h"
#include "mp-rules-dry-run.h"

typedef struct {
  char *key;    /* owned */
  char *value;  /* owned */
} EditCond;

typedef struct {
  char         *name;       /* owned */
  gboolean      enabled;
  gboolean      match_all;
  gboolean      previewed;
  MpRuleAction  action;
  GPtrArray    *conds;      /* owned, of EditCond */
} EditRule;

static const MpRuleAction action_values[] = {
  MP_RULE_ACTION_DELETE, MP_RULE_ACTION_JUNK, MP_RULE_ACTION_NO_NOTIFY,
};

struct _MpRulesDialog
{
  AdwWindow      parent_instance;

  /* template children */
  GtkButton     *cancel_button;
  GtkButton     *save_button;
  GtkLabel      *error_label;
  GtkListBox    *rule_list;
  GtkButton     *add_button;
  GtkButton     *remove_button;
  GtkButton     *up_button;
  GtkButton     *down_button;
  GtkEntry      *allow_senders_entry;
  GtkEntry      *allow_domains_entry;
  GtkWidget     *editor;
  GtkEntry      *name_entry;
  GtkLabel      *enabled_label;
  GtkSwitch     *enabled_switch;
  GtkDropDown   *action_dropdown;
  GtkDropDown   *match_dropdown;
  GtkBox        *cond_box;
  GtkButton     *add_cond_button;
  GtkLabel      *dry_run_title;
  GtkListBox    *dry_run_list;

  MpSession     *session;     /* owned */
  GPtrArray     *rules;       /* owned, of EditRule: the working copy */
  int            current;     /* index in rules, -1: none */
  gboolean       loading;     /* the editor is being filled: no edits */
};

G_DEFINE_FINAL_TYPE (MpRulesDialog, mp_rules_dialog, ADW_TYPE_WINDOW)

/* ---------------------------------------------------------------- working copy */

static void
edit_cond_free (EditCond *cond)
{
  g_free (cond->key);
  g_free (cond->value);
  g_free (cond);
}

static EditCond *
edit_cond_new (const char *key,
               const char *value)
{
  EditCond *cond = g_new0 (EditCond, 1);

  cond->key = g_strdup (key);
  cond->value = g_strdup (value ? value : "");
  return cond;
}

static void
edit_rule_free (EditRule *rule)
{
  g_free (rule->name);
  g_ptr_array_unref (rule->conds);
  g_free (rule);
}

static EditRule *
edit_rule_new (const char *name)
{
  EditRule *rule = g_new0 (EditRule, 1);

  rule->name = g_strdup (name);
  rule->match_all = TRUE;
  rule->action = MP_RULE_ACTION_JUNK;
  rule->conds = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_cond_free);
  return rule;
}

static EditRule *
edit_rule_from_rule (const MpRule *rule)
{
  EditRule *edit = edit_rule_new (rule->name);

  edit->enabled = rule->enabled;
  edit->match_all = rule->match_all;
  edit->previewed = rule->previewed;
  edit->action = rule->action;
  for (guint i = 0; i < rule->conditions->len; i++)
    {
      const MpRuleCondition *c = g_ptr_array_index (rule->conditions, i);

      g_ptr_array_add (edit->conds, edit_cond_new (c->key, c->raw));
    }
  return edit;
}

static EditRule *
current_rule (MpRulesDialog *self)
{
  if (self->current < 0 || (guint) self->current >= self->rules->len)
    return NULL;
  return g_ptr_array_index (self->rules, self->current);
}

/* The rule as MpRule; NULL with @error naming the rule and the condition. */
static MpRule *
build_rule (const EditRule  *edit,
            GError         **error)
{
  g_autoptr (MpRule) rule = mp_rule_new (edit->name, edit->action);

  rule->enabled = edit->enabled;
  rule->match_all = edit->match_all;
  rule->previewed = edit->previewed;
  for (guint i = 0; i < edit->conds->len; i++)
    {
      EditCond *cond = g_ptr_array_index (edit->conds, i);

      if (!mp_rule_add_condition (rule, cond->key, cond->value, error))
        {
          /* Translators: %s is a rule's name. */
          g_prefix_error (error, _("Rule “%s”: "), edit->name);
          return NULL;
        }
    }
  return g_steal_pointer (&rule);
}

static char **
split_allow (GtkEntry *entry)
{
  g_auto (GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (entry)), ";", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    {
      g_autofree char *item = g_ascii_strdown (g_strstrip (parts[i]), -1);

      if (*item)
        g_ptr_array_add (out, g_steal_pointer (&item));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* The whole working copy as a set; @rule_out (optional): the MpRule of the
 * current rule in it. */
static MpRuleSet *
build_set (MpRulesDialog  *self,
           const MpRule  **rule_out,
           GError        **error)
{
  g_autoptr (MpRuleSet) set = mp_rule_set_new ();

  for (guint i = 0; i < self->rules->len; i++)
    {
      MpRule *rule = build_rule (g_ptr_array_index (self->rules, i), error);

      if (rule == NULL)
        return NULL;
      if (rule_out && (int) i == self->current)
        *rule_out = rule;
      g_ptr_array_add (set->rules, rule);
    }
  g_strfreev (set->allow_senders);
  g_strfreev (set->allow_domains);
  set->allow_senders = split_allow (self->allow_senders_entry);
  set->allow_domains = split_allow (self->allow_domains_entry);
  return g_steal_pointer (&set);
}

/* ---------------------------------------------------------------- list of rules */

static char *
rule_subtitle (const EditRule *rule)
{
  const char *action = rule->action == MP_RULE_ACTION_DELETE ? _("Delete from the server")
                     : rule->action == MP_RULE_ACTION_JUNK ? _("Mark as junk")
                     : _("Don’t notify");

  if (!rule->enabled)
    /* Translators: %s is a rule's action, e.g. "Mark as junk" */
    return g_strdup_printf (_("%s (disabled)"), action);
  return g_strdup (action);
}

static void
refresh_list (MpRulesDialog *self)
{
  GtkWidget *child;
  gboolean was_loading = self->loading;

  self->loading = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rule_list))) != NULL)
    gtk_list_box_remove (self->rule_list, child);
  for (guint i = 0; i < self->rules->len; i++)
    {
      EditRule *rule = g_ptr_array_index (self->rules, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = rule_subtitle (rule);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rule->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      rule->name, -1);
      gtk_list_box_append (self->rule_list, row);
      if ((int) i == self->current)
        gtk_list_box_select_row (self->rule_list, GTK_LIST_BOX_ROW (row));
    }
  self->loading = was_loading;
}

/* ---------------------------------------------------------------- dry run */

static void
show_error (MpRulesDialog *self,
            const char    *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Builds the set, shows the current rule's dry run and counts it as seen. */
static void
refresh_dry_run (MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (MpRuleSet) set = NULL;
  const MpRule *rule = NULL;

  set = build_set (self, &rule, &error);
  show_error (self, error ? error->message : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), set != NULL);
  if (mp_rules_dry_run_show (self->session, set, rule, self->dry_run_title, self->dry_run_list))
    /* What the user sees now is what the rule would do: it may delete. */
    edit->previewed = TRUE;
}

/* ---------------------------------------------------------------- editor */

static void fill_editor (MpRulesDialog *self);

/* Any change makes the rule's last dry run stale: it is shown again. */
static void
rule_edited (MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);

  if (self->loading || edit == NULL)
    return;
  edit->previewed = FALSE;
  refresh_dry_run (self);
}

static void
on_cond_changed (MpRuleConditionRow *row,
                 MpRulesDialog      *self)
{
  EditCond *cond = g_object_get_data (G_OBJECT (row), "cond");

  if (self->loading || cond == NULL)
    return;
  g_free (cond->key);
  cond->key = g_strdup (mp_rule_condition_row_get_key (row));
  g_free (cond->value);
  cond->value = g_strdup (mp_rule_condition_row_get_value (row));
  rule_edited (self);
}

static void
on_cond_remove (MpRuleConditionRow *row,
                MpRulesDialog      *self)
{
  EditRule *edit = current_rule (self);
  EditCond *cond = g_object_get_data (G_OBJECT (row), "cond");

  if (edit == NULL)
    return;
  g_ptr_array_remove (edit->conds, cond);
  fill_editor (self);
  rule_edited (self);
}

static GtkWidget *
cond_row (MpRulesDialog *self,
          EditCond      *cond)
{
  GtkWidget *row = mp_rule_condition_row_new (cond->key, cond->value);

  g_object_set_data (G_OBJECT (row), "cond", cond);
  g_signal_connect (row, "changed", G_CALLBACK (on_cond_changed), self);
  g_signal_connect (row, "remove", G_CALLBACK (on_cond_remove), self);
  return row;
}

static guint
action_index (MpRuleAction action)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_values); i++)
    if (action_values[i] == action)
      return i;
  return 0;
}

static void
fill_editor (MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);
  GtkWidget *child;

  self->loading = TRUE;
  gtk_widget_set_sensitive (self->editor, edit != NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cond_box))) != NULL)
    gtk_box_remove (self->cond_box, child);
  if (edit)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), edit->name);
      gtk_switch_set_active (self->enabled_switch, edit->enabled);
      gtk_drop_down_set_selected (self->action_dropdown, action_index (edit->action));
      gtk_drop_down_set_selected (self->match_dropdown, edit->match_all ? 0 : 1);
      for (guint i = 0; i < edit->conds->len; i++)
        gtk_box_append (self->cond_box, cond_row (self, g_ptr_array_index (edit->conds, i)));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), edit != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->up_button), self->current > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->down_button),
                            edit != NULL && (guint) self->current + 1 < self->rules->len);
  self->loading = FALSE;
  refresh_dry_run (self);
}

static void
select_rule (MpRulesDialog *self,
             int            index)
{
  self->current = index;
  refresh_list (self);
  fill_editor (self);
}

static void
on_rule_selected (GtkListBox    *box,
                  GtkListBoxRow *row,
                  MpRulesDialog *self)
{
  if (self->loading || row == NULL)
    return;
  self->current = gtk_list_box_row_get_index (row);
  fill_editor (self);
}

static void
on_name_changed (GtkEditable   *entry,
                 MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);
  GtkListBoxRow *row;

  if (self->loading || edit == NULL)
    return;
  g_free (edit->name);
  edit->name = g_strdup (gtk_editable_get_text (entry));
  row = gtk_list_box_get_row_at_index (self->rule_list, self->current);
  if (row)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), edit->name);
  rule_edited (self);
}

static void
update_current_row (MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rule_list, self->current);
  g_autofree char *subtitle = NULL;

  if (edit == NULL || row == NULL)
    return;
  subtitle = rule_subtitle (edit);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
on_enabled_changed (GtkSwitch     *sw,
                    GParamSpec    *pspec,
                    MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);

  if (self->loading || edit == NULL)
    return;
  /* Switching a rule on or off changes nothing it would hit: the dry run shown
   * stays valid. */
  edit->enabled = gtk_switch_get_active (sw);
  update_current_row (self);
}

static void
on_action_changed (GtkDropDown   *dropdown,
                   GParamSpec    *pspec,
                   MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (self->loading || edit == NULL || pos >= G_N_ELEMENTS (action_values))
    return;
  edit->action = action_values[pos];
  update_current_row (self);
  rule_edited (self);
}

static void
on_match_changed (GtkDropDown   *dropdown,
                  GParamSpec    *pspec,
                  MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);

  if (self->loading || edit == NULL)
    return;
  edit->match_all = gtk_drop_down_get_selected (dropdown) == 0;
  rule_edited (self);
}

static void
on_allow_changed (GtkEditable   *entry,
                  MpRulesDialog *self)
{
  if (!self->loading)
    refresh_dry_run (self);
}

static void
on_add_cond (GtkButton     *button,
             MpRulesDialog *self)
{
  EditRule *edit = current_rule (self);

  if (edit == NULL)
    return;
  g_ptr_array_add (edit->conds, edit_cond_new ("subject-contains", ""));
  fill_editor (self);
  rule_edited (self);
}

static void
on_add_rule (GtkButton     *button,
             MpRulesDialog *self)
{
  /* Translators: the name of a new rule; %u its number */
  g_autofree char *name = g_strdup_printf (_("Rule %u"), self->rules->len + 1);
  EditRule *edit = edit_rule_new (name);

  g_ptr_array_add (edit->conds, edit_cond_new ("subject-contains", ""));
  g_ptr_array_add (self->rules, edit);
  select_rule (self, self->rules->len - 1);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
on_remove_rule (GtkButton     *button,
                MpRulesDialog *self)
{
  if (current_rule (self) == NULL)
    return;
  g_ptr_array_remove_index (self->rules, self->current);
  select_rule (self, MIN (self->current, (int) self->rules->len - 1));
}

static void
move_rule (MpRulesDialog *self,
           int            delta)
{
  int to = self->current + delta;
  gpointer tmp;

  if (current_rule (self) == NULL || to < 0 || (guint) to >= self->rules->len)
    return;
  tmp = self->rules->pdata[to];
  self->rules->pdata[to] = self->rules->pdata[self->current];
  self->rules->pdata[self->current] = tmp;
  /* The order decides which rule takes a message: every dry run may change. */
  for (guint i = 0; i < self->rules->len; i++)
    ((EditRule *) g_ptr_array_index (self->rules, i))->previewed = FALSE;
  select_rule (self, to);
}

static void
on_up (GtkButton *button, MpRulesDialog *self)
{
  move_rule (self, -1);
}

static void
on_down (GtkButton *button, MpRulesDialog *self)
{
  move_rule (self, 1);
}

/* ---------------------------------------------------------------- saving */

static void
save_now (MpRulesDialog *self,
          gboolean       replace)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MpRuleSet) set = build_set (self, NULL, &error);

  if (set == NULL || !mp_rules_state_save (mp_session_get_rules (self->session), set, replace, &error))
    {
      show_error (self, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void save_checked (MpRulesDialog *self,
                          gboolean       everything_agreed);

/* "everything": the user agreed to a rule that deletes every message;
 * "replace": to replacing an unreadable rules file. */
static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     MpRulesDialog    *self)
{
  if (g_str_equal (response, "everything"))
    save_checked (self, TRUE);
  else if (g_str_equal (response, "replace"))
    save_now (self, TRUE);
}

static void
confirm (MpRulesDialog *self,
         const char    *heading,
         const char    *body,
         const char    *response,
         const char    *save_label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, save_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saves unless something needs the user's yes first. */
static void
save_checked (MpRulesDialog *self,
              gboolean       everything_agreed)
{
  MpRulesState *state = mp_session_get_rules (self->session);
  g_autoptr (GError) error = NULL;
  g_autoptr (MpRuleSet) set = build_set (self, NULL, &error);
  g_autofree char *everything = NULL;

  if (set == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (!everything_agreed)
    everything = mp_rules_dry_run_deleting_everything (self->session, set);
  if (everything)
    {
      /* Translators: %s is a rule's name */
      g_autofree char *body = g_strdup_printf (_("The rule “%s” would delete every message in every account. Copies are kept in the recycle bin."),
                                               everything);

      confirm (self, _("Delete Every Message?"), body, "everything", _("_Save Anyway"));
      return;
    }
  if (mp_rules_state_get_load_error (state))
    {
      confirm (self, _("Replace the Rules File?"),
               _("The rules file could not be read. Saving replaces it; the old file is kept beside it."),
               "replace", _("_Replace"));
      return;
    }
  save_now (self, FALSE);
}

static void
on_save (GtkButton     *button,
         MpRulesDialog *self)
{
  save_checked (self, FALSE);
}

static void
on_cancel (GtkButton     *button,
           MpRulesDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---------------------------------------------------------------- GObject */

static void
load_rules (MpRulesDialog *self)
{
  MpRulesState *state = mp_session_get_rules (self->session);
  MpRuleSet *set = mp_rules_state_get_rules (state);
  const GError *load_error = mp_rules_state_get_load_error (state);
  g_autofree char *senders = g_strjoinv ("; ", set->allow_senders ? set->allow_senders : (char *[]) { NULL });
  g_autofree char *domains = g_strjoinv ("; ", set->allow_domains ? set->allow_domains : (char *[]) { NULL });

  for (guint i = 0; i < set->rules->len; i++)
    g_ptr_array_add (self->rules, edit_rule_from_rule (g_ptr_array_index (set->rules, i)));
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->allow_senders_entry), senders);
  gtk_editable_set_text (GTK_EDITABLE (self->allow_domains_entry), domains);
  self->loading = FALSE;
  select_rule (self, self->rules->len > 0 ? 0 : -1);
  if (load_error)
    show_error (self, load_error->message);
}

static void
mp_rules_dialog_dispose (GObject *object)
{
  MpRulesDialog *self = MP_RULES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MP_TYPE_RULES_DIALOG);
  g_clear_object (&self->session);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  G_OBJECT_CLASS (mp_rules_dialog_parent_class)->dispose (object);
}

static void
mp_rules_dialog_class_init (MpRulesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_rules_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/mailpeek/Mailpeek/ui/mp-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, rule_list);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, remove_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, up_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, down_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, allow_senders_entry);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, allow_domains_entry);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, editor);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, enabled_label);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, cond_box);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, add_cond_button);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, dry_run_title);
  gtk_widget_class_bind_template_child (widget_class, MpRulesDialog, dry_run_list);
}

static void
set_label (gpointer    widget,
           const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
mp_rules_dialog_init (MpRulesDialog *self)
{
  const char *actions[] = { _("Delete from the server"), _("Mark as junk"), _("Don’t notify"), NULL };
  const char *matches[] = { _("All conditions"), _("Any condition"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_rule_free);
  self->current = -1;

  gtk_drop_down_set_model (self->action_dropdown, G_LIST_MODEL (gtk_string_list_new (actions)));
  gtk_drop_down_set_model (self->match_dropdown, G_LIST_MODEL (gtk_string_list_new (matches)));
  set_label (self->rule_list, _("Rules"));
  set_label (self->add_button, _("Add Rule"));
  set_label (self->remove_button, _("Delete Rule"));
  set_label (self->up_button, _("Move Rule Up"));
  set_label (self->down_button, _("Move Rule Down"));
  set_label (self->allow_senders_entry, _("Allowed senders"));
  set_label (self->allow_domains_entry, _("Allowed domains"));
  set_label (self->name_entry, _("Rule name"));
  set_label (self->enabled_switch, _("Enabled"));
  set_label (self->action_dropdown, _("Action"));
  set_label (self->match_dropdown, _("Match"));
  set_label (self->dry_run_list, _("Dry run"));

  g_signal_connect (self->rule_list, "row-selected", G_CALLBACK (on_rule_selected), self);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (on_add_rule), self);
  g_signal_connect (self->remove_button, "clicked", G_CALLBACK (on_remove_rule), self);
  g_signal_connect (self->up_button, "clicked", G_CALLBACK (on_up), self);
  g_signal_connect (self->down_button, "clicked", G_CALLBACK (on_down), self);
  g_signal_connect (self->name_entry, "changed", G_CALLBACK (on_name_changed), self);
  g_signal_connect (self->enabled_switch, "notify::active", G_CALLBACK (on_enabled_changed), self);
  g_signal_connect (self->action_dropdown, "notify::selected", G_CALLBACK (on_action_changed), self);
  g_signal_connect (self->match_dropdown, "notify::selected", G_CALLBACK (on_match_changed), self);
  g_signal_connect (self->add_cond_button, "clicked", G_CALLBACK (on_add_cond), self);
  g_signal_connect (self->allow_senders_entry, "changed", G_CALLBACK (on_allow_changed), self);
  g_signal_connect (self->allow_domains_entry, "changed", G_CALLBACK (on_allow_changed), self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (on_save), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel), self);
}

MpRulesDialog *
mp_rules_dialog_new (GtkWindow *parent,
                     MpSession *session)
{
  MpRulesDialog *self;

  g_return_val_if_fail (MP_IS_SESSION (session), NULL);

  self = g_object_new (MP_TYPE_RULES_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  load_rules (self);
  return self;
}
