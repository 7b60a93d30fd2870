/* mp-account-row.c — name, message and new counts, and state (idle / spinner /
 * error icon) of one account in the sidebar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-a11y.h"
#include "mp-account-row.h"

struct _MpAccountRow
{
  GtkListBoxRow   parent_instance;

  GtkLabel       *name_label;
  GtkLabel       *count_label;
  GtkLabel       *new_badge;
  GtkStack       *state_stack;
  GtkSpinner     *spinner;
  GtkImage       *error_image;

  MpAccountState  *mailbox;   /* owned */
  guint           update_id; /* throttles count updates during a check */
};

G_DEFINE_FINAL_TYPE (MpAccountRow, mp_account_row, GTK_TYPE_LIST_BOX_ROW)

static void
update (MpAccountRow *self)
{
  MpAccount *account = mp_account_state_get_account (self->mailbox);
  g_autofree char *name = mp_account_dup_display_name (account);
  g_autofree char *counts = NULL;
  g_autofree char *badge = NULL;
  g_autofree char *accessible = NULL;
  guint n = mp_account_state_get_n_messages (self->mailbox);
  guint n_new = mp_account_state_get_n_new (self->mailbox);
  MpMailboxState state = mp_account_state_get_state (self->mailbox);
  const GError *error = mp_account_state_get_error (self->mailbox);

  gtk_label_set_text (self->name_label, name);

  if (state == MP_MAILBOX_STATE_ERROR && error)
    counts = g_strdup (mp_error_title (error));
  else if (!mp_account_state_get_last_check (self->mailbox) && n == 0)
    counts = g_strdup (state == MP_MAILBOX_STATE_CHECKING ? _("Checking…") : _("Not checked yet"));
  else if (state == MP_MAILBOX_STATE_OFFLINE)
    /* Translators: an account row while its server cannot be reached (rows kept) */
    counts = g_strdup_printf (ngettext ("Offline — %u message", "Offline — %u messages", n), n);
  else
    counts = g_strdup_printf (ngettext ("%u message", "%u messages", n), n);
  gtk_label_set_text (self->count_label, counts);

  badge = g_strdup_printf ("%u", n_new);
  gtk_label_set_text (self->new_badge, badge);
  gtk_widget_set_visible (GTK_WIDGET (self->new_badge), n_new > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->new_badge),
                               n_new > 0 ? ngettext ("%u new message", "%u new messages", n_new) : NULL);

  switch (state)
    {
    case MP_MAILBOX_STATE_CHECKING:
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->state_stack, "checking");
      break;
    case MP_MAILBOX_STATE_ERROR:
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->state_stack, "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_image),
                                   error ? error->message : NULL);
      break;
    case MP_MAILBOX_STATE_IDLE:
    default:
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->state_stack, "idle");
      break;
    }

  /* Translators: accessible description of an account row: name, counts, new */
  accessible = g_strdup_printf (ngettext ("%s: %s, %u new", "%s: %s, %u new", n_new),
                                name, counts, n_new);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static gboolean
update_due (gpointer user_data)
{
  MpAccountRow *self = user_data;

  self->update_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* Counts and progress change with every batch of a big check: the row follows a
 * few times a second (each change relayouts the window).  A change of state or
 * error shows at once. */
#define UPDATE_INTERVAL_MS 250

static void
on_mailbox_notify (MpAccountState *mailbox,
                   GParamSpec     *pspec,
                   MpAccountRow   *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "progress") || g_str_equal (name, "n-messages") ||
      g_str_equal (name, "n-new"))
    {
      if (!self->update_id)
        self->update_id = g_timeout_add (UPDATE_INTERVAL_MS, update_due, self);
      return;
    }
  g_clear_handle_id (&self->update_id, g_source_remove);
  update (self);
}

static void
mp_account_row_dispose (GObject *object)
{
  MpAccountRow *self = MP_ACCOUNT_ROW (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->mailbox)
    {
      g_signal_handlers_disconnect_by_data (self->mailbox, self);
      g_signal_handlers_disconnect_by_data (mp_account_state_get_account (self->mailbox), self);
    }
  g_clear_object (&self->mailbox);
  gtk_widget_dispose_template (GTK_WIDGET (object), MP_TYPE_ACCOUNT_ROW);
  G_OBJECT_CLASS (mp_account_row_parent_class)->dispose (object);
}

static void
mp_account_row_class_init (MpAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_account_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, count_label);
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, new_badge);
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MpAccountRow, error_image);
}

static void
mp_account_row_init (MpAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mp_a11y_name_buttons (GTK_WIDGET (self));
}

GtkWidget *
mp_account_row_new (MpAccountState *mailbox)
{
  MpAccountRow *self;

  g_return_val_if_fail (MP_IS_ACCOUNT_STATE (mailbox), NULL);

  self = g_object_new (MP_TYPE_ACCOUNT_ROW, NULL);
  self->mailbox = g_object_ref (mailbox);
  g_signal_connect (mailbox, "notify", G_CALLBACK (on_mailbox_notify), self);
  g_signal_connect_swapped (mp_account_state_get_account (mailbox), "notify",
                            G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

MpAccountState *
mp_account_row_get_mailbox (MpAccountRow *self)
{
  g_return_val_if_fail (MP_IS_ACCOUNT_ROW (self), NULL);
  return self->mailbox;
}
