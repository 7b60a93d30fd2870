/* mp-rules-dry-run.c — what a rule would do now, for the Rules dialog.
 *
 * Plain helpers over the dialog's own widgets (its template has the title
 * label and the list): the dialog decides when a dry run is shown and what
 * that means for the rule's previewed flag.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-rules-dry-run.h"
#include "mp-rules-ui.h"

static void
clear_list_box (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

static GtkWidget *
dry_run_row (MpDryRunHit *hit)
{
  MpAccount *account = mp_account_state_get_account (hit->state);
  g_autofree char *from = mp_message_summary_dup_from_display (hit->summary);
  g_autofree char *size = g_format_size (mp_message_summary_get_size (hit->summary));
  const char *subject = mp_message_summary_get_subject (hit->summary);
  /* Translators: account name, sender, subject of a message a rule would hit */
  g_autofree char *title = g_strdup_printf (_("%s: %s — %s"), mp_account_get_name (account),
                                            from, *subject ? subject : _("(no subject)"));
  /* Translators: %s: why the rule hits (its matching conditions), size */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), hit->reason ? hit->reason : "", size);

  return mp_rules_ui_row_new (title, subtitle);
}

gboolean
mp_rules_dry_run_show (MpSession    *session,
                       MpRuleSet    *set,
                       const MpRule *rule,
                       GtkLabel     *title,
                       GtkListBox   *list)
{
  g_autoptr (GPtrArray) hits = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (MP_IS_SESSION (session), FALSE);

  clear_list_box (list);
  if (set == NULL || rule == NULL)
    {
      gtk_label_set_text (title, "");
      return FALSE;
    }
  if (rule->conditions->len == 0)
    {
      gtk_label_set_text (title, _("Dry run: a rule without conditions acts on nothing."));
      return FALSE;
    }
  hits = mp_rules_state_dry_run (mp_session_get_rules (session), set, rule);
  if (rule->action == MP_RULE_ACTION_DELETE)
    text = g_strdup_printf (ngettext ("Dry run: this rule would delete %u message now",
                                      "Dry run: this rule would delete %u messages now",
                                      hits->len), hits->len);
  else
    text = g_strdup_printf (ngettext ("Dry run: this rule would act on %u message now",
                                      "Dry run: this rule would act on %u messages now",
                                      hits->len), hits->len);
  gtk_label_set_text (title, text);
  for (guint i = 0; i < hits->len; i++)
    gtk_list_box_append (list, dry_run_row (g_ptr_array_index (hits, i)));
  return TRUE;
}

static guint
count_all_messages (MpSession *session)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (session));
  guint total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      MpAccountState *state = mp_session_lookup (session, mp_account_get_id (account));

      if (state)
        total += g_list_model_get_n_items (mp_account_state_get_messages (state));
    }
  return total;
}

char *
mp_rules_dry_run_deleting_everything (MpSession *session,
                                      MpRuleSet *set)
{
  guint total;

  g_return_val_if_fail (MP_IS_SESSION (session), NULL);

  total = count_all_messages (session);
  for (guint i = 0; total > 0 && i < set->rules->len; i++)
    {
      const MpRule *rule = g_ptr_array_index (set->rules, i);
      g_autoptr (GPtrArray) hits = NULL;

      if (!rule->enabled || rule->action != MP_RULE_ACTION_DELETE)
        continue;
      hits = mp_rules_state_dry_run (mp_session_get_rules (session), set, rule);
      if (hits->len == total)
        return g_strdup (rule->name);
    }
  return NULL;
}
