/* mp-preview-loader.c — see mp-preview-loader.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mp-preview-loader.h"

struct _MpPreviewLoader
{
  GObject           parent_instance;

  MpPreviewPane    *pane;         /* owned */
  MpAccountState    *mailbox;      /* owned; where the summary comes from */
  MpMessageSummary *summary;      /* owned; what the pane shows */
  MpMessagePreview *preview;      /* owned; the last loaded preview */
  GCancellable     *cancellable;  /* owned; of the load running or last run */
  gboolean          loading;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MpPreviewLoader, mp_preview_loader, G_TYPE_OBJECT)

static void
changed (MpPreviewLoader *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
preview_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (MpPreviewLoader) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpMessagePreview) preview = NULL;
  g_autofree char *from = NULL;

  preview = mp_account_state_fetch_preview_finish (MP_ACCOUNT_STATE (source), result, &error);
  /* The window may be closing, or another row was selected meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->summary || !self->pane)
    return;
  self->loading = FALSE;
  if (!preview)
    {
      g_autofree char *msg = g_strdup_printf ("%s\n%s",
                                              mp_error_title (error),
                                              error->message);
      mp_preview_pane_show_error (self->pane, msg);
      changed (self);
      return;
    }

  g_set_object (&self->preview, preview);
  from = mp_message_summary_dup_from_display (self->summary);
  mp_preview_pane_show_body (self->pane,
                             from,
                             mp_message_summary_get_to (self->summary),
                             mp_message_summary_get_subject (self->summary),
                             mp_message_summary_get_date (self->summary),
                             mp_message_preview_get_text (preview),
                             mp_message_preview_get_attachments (preview),
                             mp_message_preview_get_is_complete (preview),
                             mp_account_get_preview_lines (mp_account_state_get_account (self->mailbox)));
  changed (self);
}

void
mp_preview_loader_load (MpPreviewLoader  *self,
                        MpAccountState    *mailbox,
                        MpMessageSummary *summary,
                        gboolean          whole)
{
  g_autofree char *from = NULL;

  g_return_if_fail (MP_IS_PREVIEW_LOADER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->preview);
  g_set_object (&self->summary, summary);
  g_set_object (&self->mailbox, mailbox);
  self->loading = FALSE;

  if (!summary || !mailbox || !self->pane)
    {
      changed (self);
      return;
    }

  from = mp_message_summary_dup_from_display (summary);
  mp_preview_pane_show_loading (self->pane, from,
                                mp_message_summary_get_to (summary),
                                mp_message_summary_get_subject (summary),
                                mp_message_summary_get_date (summary));
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  mp_account_state_fetch_preview (mailbox, summary, whole, self->cancellable,
                                 preview_loaded, g_object_ref (self));
  changed (self);
}

gboolean
mp_preview_loader_stop (MpPreviewLoader *self)
{
  g_return_val_if_fail (MP_IS_PREVIEW_LOADER (self), FALSE);

  if (!self->loading)
    return FALSE;
  g_cancellable_cancel (self->cancellable);
  self->loading = FALSE;
  if (self->pane)
    mp_preview_pane_show_error (self->pane, _("Loading was stopped."));
  changed (self);
  return TRUE;
}

void
mp_preview_loader_shutdown (MpPreviewLoader *self)
{
  g_return_if_fail (MP_IS_PREVIEW_LOADER (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  self->loading = FALSE;
  g_clear_object (&self->pane);
}

MpMessageSummary *
mp_preview_loader_get_summary (MpPreviewLoader *self)
{
  g_return_val_if_fail (MP_IS_PREVIEW_LOADER (self), NULL);
  return self->summary;
}

MpMessagePreview *
mp_preview_loader_get_preview (MpPreviewLoader *self)
{
  g_return_val_if_fail (MP_IS_PREVIEW_LOADER (self), NULL);
  return self->preview;
}

gboolean
mp_preview_loader_get_loading (MpPreviewLoader *self)
{
  g_return_val_if_fail (MP_IS_PREVIEW_LOADER (self), FALSE);
  return self->loading;
}

void
mp_preview_loader_show_source (MpPreviewLoader *self,
                               GtkWindow       *parent)
{
  GtkWidget *window, *box, *header, *scroller, *view;
  GtkTextBuffer *buffer;

  g_return_if_fail (MP_IS_PREVIEW_LOADER (self));

  if (!self->preview || !self->summary)
    return;

  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_title (GTK_WINDOW (window), _("Message Source"));
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 560);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Message Source"),
                                                         mp_message_summary_get_subject (self->summary)));
  gtk_box_append (GTK_BOX (box), header);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  view = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Raw message headers"), -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, mp_message_preview_get_raw_headers (self->preview), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
mp_preview_loader_dispose (GObject *object)
{
  MpPreviewLoader *self = MP_PREVIEW_LOADER (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pane);
  g_clear_object (&self->mailbox);
  g_clear_object (&self->summary);
  g_clear_object (&self->preview);
  G_OBJECT_CLASS (mp_preview_loader_parent_class)->dispose (object);
}

static void
mp_preview_loader_class_init (MpPreviewLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mp_preview_loader_dispose;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mp_preview_loader_init (MpPreviewLoader *self)
{
}

MpPreviewLoader *
mp_preview_loader_new (MpPreviewPane *pane)
{
  MpPreviewLoader *self;

  g_return_val_if_fail (MP_IS_PREVIEW_PANE (pane), NULL);

  self = g_object_new (MP_TYPE_PREVIEW_LOADER, NULL);
  self->pane = g_object_ref (pane);
  return self;
}
