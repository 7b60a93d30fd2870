/* mp-preview-pane.c — header fields, decoded text and attachments of one message.
 *
 * The pane is passive: the window decides what to fetch and calls show_*().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mp-a11y.h"
#include "mp-preview-pane.h"

struct _MpPreviewPane
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  AdwStatusPage  *none_page;
  GtkLabel       *subject_label;
  GtkLabel       *from_label;
  GtkLabel       *to_label;
  GtkLabel       *date_label;
  GtkStack       *body_stack;
  GtkSpinner     *spinner;
  GtkTextView    *body_view;
  AdwStatusPage  *error_page;
  GtkRevealer    *attachments_revealer;
  GtkListBox     *attachments_list;
  GtkLabel       *partial_label;
  GtkButton      *load_whole_button;
};

G_DEFINE_FINAL_TYPE (MpPreviewPane, mp_preview_pane, GTK_TYPE_WIDGET)

static void
mp_preview_pane_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MP_TYPE_PREVIEW_PANE);
  G_OBJECT_CLASS (mp_preview_pane_parent_class)->dispose (object);
}

static void
mp_preview_pane_class_init (MpPreviewPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mp_preview_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/mailpeek/Mailpeek/ui/mp-preview-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, stack);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, none_page);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, subject_label);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, from_label);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, to_label);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, date_label);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, body_stack);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, body_view);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, attachments_revealer);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, attachments_list);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, partial_label);
  gtk_widget_class_bind_template_child (widget_class, MpPreviewPane, load_whole_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mp-preview-pane");
}

static void
mp_preview_pane_init (MpPreviewPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mp_a11y_name_buttons (GTK_WIDGET (self));
}

GtkWidget *
mp_preview_pane_new (void)
{
  return g_object_new (MP_TYPE_PREVIEW_PANE, NULL);
}

void
mp_preview_pane_show_none (MpPreviewPane *self,
                           const char    *title)
{
  g_return_if_fail (MP_IS_PREVIEW_PANE (self));

  adw_status_page_set_title (self->none_page, title ? title : _("No Message Selected"));
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "none");
}

static void
clear_attachments (MpPreviewPane *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attachments_list))))
    gtk_list_box_remove (self->attachments_list, child);
  gtk_revealer_set_reveal_child (self->attachments_revealer, FALSE);
}

static void
set_headers (MpPreviewPane *self,
             const char    *from,
             const char    *to,
             const char    *subject,
             GDateTime     *date)
{
  g_autofree char *date_text = NULL;

  if (date)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (date);
      /* Translators: date and time of a message, see g_date_time_format() */
      date_text = g_date_time_format (local, _("%A, %-d %B %Y, %H:%M"));
    }

  gtk_label_set_text (self->subject_label,
                      subject && *subject ? subject : _("(no subject)"));
  gtk_label_set_text (self->from_label, from ? from : "");
  gtk_label_set_text (self->to_label, to ? to : "");
  gtk_label_set_text (self->date_label, date_text ? date_text : _("Unknown"));
}

void
mp_preview_pane_show_loading (MpPreviewPane *self,
                              const char    *from,
                              const char    *to,
                              const char    *subject,
                              GDateTime     *date)
{
  g_return_if_fail (MP_IS_PREVIEW_PANE (self));

  set_headers (self, from, to, subject, date);
  clear_attachments (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), "", 0);
  gtk_label_set_text (self->partial_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->load_whole_button), FALSE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->body_stack, "loading");
  gtk_stack_set_visible_child_name (self->stack, "message");
}

void
mp_preview_pane_show_body (MpPreviewPane *self,
                           const char    *from,
                           const char    *to,
                           const char    *subject,
                           GDateTime     *date,
                           const char    *text,
                           GPtrArray     *attachments,
                           gboolean       complete,
                           guint          preview_lines)
{
  g_return_if_fail (MP_IS_PREVIEW_PANE (self));

  set_headers (self, from, to, subject, date);
  clear_attachments (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view),
                            text ? text : "", -1);

  for (guint i = 0; attachments && i < attachments->len; i++)
    {
      MpAttachmentInfo *info = g_ptr_array_index (attachments, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *size_text = g_format_size (info->size);
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     info->filename && *info->filename ? info->filename
                                                                      : _("(unnamed attachment)"));
      /* Only part of the message was fetched: sizes are estimated from encoded data. */
      if (info->size_is_estimate)
        /* Translators: %s is a size such as "12.3 kB" */
        subtitle = g_strdup_printf (_("about %s"), size_text);
      else
        subtitle = g_strdup (size_text);
      if (info->content_type && *info->content_type)
        {
          g_autofree char *with_type = g_strdup_printf ("%s — %s", subtitle, info->content_type);
          g_free (subtitle);
          subtitle = g_steal_pointer (&with_type);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("mail-attachment-symbolic"));
      gtk_list_box_append (self->attachments_list, row);
    }
  gtk_revealer_set_reveal_child (self->attachments_revealer,
                                 attachments && attachments->len > 0);

  if (complete)
    gtk_label_set_text (self->partial_label, _("Whole message"));
  else
    {
      g_autofree char *msg =
        g_strdup_printf (ngettext ("Preview of the first %u line",
                                   "Preview of the first %u lines", preview_lines),
                         preview_lines);
      gtk_label_set_text (self->partial_label, msg);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->load_whole_button), !complete);

  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->body_stack, "text");
  gtk_stack_set_visible_child_name (self->stack, "message");
}

void
mp_preview_pane_show_error (MpPreviewPane *self,
                            const char    *message)
{
  g_return_if_fail (MP_IS_PREVIEW_PANE (self));

  adw_status_page_set_description (self->error_page, message);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->body_stack, "error");
  gtk_stack_set_visible_child_name (self->stack, "message");
}

