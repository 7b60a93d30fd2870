/* mp-recycle-view.c — the Recycle Bin window.
 *
 * Lists every account's bin (MpRecycleBin, newest first); a selected copy is
 * read and parsed on a worker and shown in the same preview pane as the main
 * window's.  "Save as .eml" writes the bytes as kept, on a worker
 * (GtkFileChooserNative: GtkFileDialog is GTK 4.10); "Open in Mail Program"
 * writes them to a private .eml in the cache directory and hands that to the
 * mail program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mp-mail-client.h"
#include "mp-preview-pane.h"
#include "mp-recycle-bin.h"
#include "mp-recycle-view.h"
#include "mp-rules-ui.h"

typedef struct {
  char *dir;       /* owned: the bin */
  char *account;   /* owned: the bin's account id */
  char *id;        /* owned: the copy */
  char *subject;   /* owned: for the file name */
} Copy;

/* The window's data: it goes when the window is finalized, after its widgets
 * were disposed (which emits row-selected): so the view holds references to
 * the widgets it touches and disconnects from them first. */
typedef struct {
  GtkWindow     *window;     /* not owned (its data) */
  MpPreviewPane *pane;       /* owned ref */
  GtkListBox    *list;       /* owned ref */
  GtkWidget     *save_button; /* owned ref */
  GtkWidget     *open_button; /* owned ref */
  MpSession     *session;     /* owned ref: the accounts' mail-client commands */
  GCancellable  *cancellable; /* owned: the read running */
} View;

static void
copy_free (Copy *copy)
{
  g_free (copy->dir);
  g_free (copy->account);
  g_free (copy->id);
  g_free (copy->subject);
  g_free (copy);
}

static Copy *
copy_dup (const Copy *copy)
{
  Copy *dup = g_new0 (Copy, 1);

  dup->dir = g_strdup (copy->dir);
  dup->account = g_strdup (copy->account);
  dup->id = g_strdup (copy->id);
  dup->subject = g_strdup (copy->subject);
  return dup;
}

static void
view_free (View *view)
{
  g_signal_handlers_disconnect_by_data (view->list, view);
  g_signal_handlers_disconnect_by_data (view->save_button, view);
  g_signal_handlers_disconnect_by_data (view->open_button, view);
  g_object_unref (view->list);
  g_object_unref (view->save_button);
  g_object_unref (view->open_button);
  g_object_unref (view->session);
  g_object_unref (view->pane);
  g_cancellable_cancel (view->cancellable);
  g_clear_object (&view->cancellable);
  g_free (view);
}

static GBytes *
read_copy (Copy    *copy,
           GError **error)
{
  g_autoptr (MpRecycleBin) bin = mp_recycle_bin_new (copy->dir, copy->account);

  return mp_recycle_bin_read (bin, copy->id, error);
}

/* ---------------------------------------------------------------- open */

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr (GBytes) bytes = read_copy (task_data, &error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  g_task_return_pointer (task, mp_message_preview_new_from_bytes (data, len, TRUE), g_object_unref);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  View *view = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MpMessagePreview) preview = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *from = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (preview == NULL)
    {
      mp_preview_pane_show_error (view->pane, error->message);
      return;
    }
  from = mp_message_preview_dup_from_display (preview);
  mp_preview_pane_show_body (view->pane, from, mp_message_preview_get_to (preview),
                             mp_message_preview_get_subject (preview),
                             mp_message_preview_get_date (preview),
                             mp_message_preview_get_text (preview),
                             mp_message_preview_get_attachments (preview), TRUE, 0);
}

static Copy *
selected_copy (View *view)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (view->list);

  return row ? g_object_get_data (G_OBJECT (row), "copy") : NULL;
}

static void
on_row_selected (GtkListBox    *box,
                 GtkListBoxRow *row,
                 View          *view)
{
  Copy *copy = row ? g_object_get_data (G_OBJECT (row), "copy") : NULL;
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (view->cancellable);
  g_clear_object (&view->cancellable);
  gtk_widget_set_sensitive (view->save_button, copy != NULL);
  gtk_widget_set_sensitive (view->open_button, copy != NULL);
  if (copy == NULL)
    {
      mp_preview_pane_show_none (view->pane, _("No message selected"));
      return;
    }
  view->cancellable = g_cancellable_new ();
  mp_preview_pane_show_loading (view->pane, "", "", copy->subject, NULL);
  /* Cancelled in view_free: read_done then touches nothing of the view.  The
   * task keeps its own copy (the row may go first). */
  task = g_task_new (NULL, view->cancellable, read_done, view);
  g_task_set_task_data (task, copy_dup (copy), (GDestroyNotify) copy_free);
  g_task_set_check_cancellable (task, TRUE);
  g_task_run_in_thread (task, read_thread);
}

/* ---------------------------------------------------------------- save */

/* Worker: the kept bytes, as kept, to the chosen file. */
static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Copy *copy = task_data;
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = read_copy (copy, &error);
  if (bytes == NULL ||
      !g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (MpPreviewPane) pane = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the message: %s"), error->message);

      g_message ("%s", text);
      mp_preview_pane_show_error (pane, text);
    }
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  Copy *copy = user_data;
  MpPreviewPane *pane = g_object_get_data (G_OBJECT (dialog), "pane");
  GFile *file = response == GTK_RESPONSE_ACCEPT ?
                gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)) : NULL;
  g_autoptr (GTask) task = NULL;

  if (file != NULL)
    {
      /* Reading the copy and writing the file can block (a slow or network
       * disk): a worker does both, as for Open in Mail Program.  The pane, not
       * the view, gets the result: the window may close first. */
      task = g_task_new (NULL, NULL, save_done, g_object_ref (pane));
      g_task_set_task_data (task, copy, (GDestroyNotify) copy_free);
      g_object_set_data_full (G_OBJECT (task), "file", file, g_object_unref);
      g_task_run_in_thread (task, save_thread);
    }
  else
    copy_free (copy);
  g_object_unref (dialog);
}

/* Where a saved message goes first: Documents if the user has one, else home
 * (not the working directory).  No stat here, on the main thread: the chooser
 * itself says so if the folder has gone. */
static const char *
documents_dir (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  return documents ? documents : g_get_home_dir ();
}

static void
on_save_clicked (GtkButton *button,
                 View      *view)
{
  Copy *copy = selected_copy (view);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autoptr (GFile) folder = NULL;

  if (copy == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Save Message"), view->window,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s.eml", *copy->subject ? copy->subject : _("message"));
  g_strdelimit (name, "/\\", '_');
  folder = g_file_new_for_path (documents_dir ());
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* The row may go meanwhile: the response gets its own copy. */
  g_object_set_data_full (G_OBJECT (chooser), "pane", g_object_ref (view->pane), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), copy_dup (copy));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---------------------------------------------------------------- open in the mail program */

#define OPENED_MAX_AGE (24 * G_TIME_SPAN_HOUR)

/* Copies handed to a mail program stay a day (it may read them late), then go
 * at the next open. */
static void
prune_opened (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time ();
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_str_has_suffix (name, ".eml") && g_stat (path, &st) == 0 &&
          now - (gint64) st.st_mtime * G_USEC_PER_SEC > OPENED_MAX_AGE)
        g_unlink (path);
    }
}

/* Worker: the kept bytes as <cache>/mailpeek/opened/<id>.eml, readable by this
 * user only (a mail program needs a name with the type's extension). */
static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Copy *copy = task_data;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "mailpeek", "opened", NULL);
  g_autofree char *base = g_strconcat (copy->id, ".eml", NULL);
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Could not create %s: %s"), dir, g_strerror (errsv));
      return;
    }
  prune_opened (dir);
  g_strdelimit (base, "/\\", '_');
  path = g_build_filename (dir, base, NULL);
  bytes = read_copy (copy, &error);
  if (bytes == NULL ||
      !g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (MpPreviewPane) pane = user_data;
  g_autoptr (GError) error = NULL;

  if (!mp_mail_client_open_file_finish (result, &error))
    mp_preview_pane_show_error (pane, error->message);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (MpPreviewPane) pane = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_task_propagate_pointer (G_TASK (result), &error);
  const char *command = g_object_get_data (G_OBJECT (result), "mail-client");
  g_autoptr (GdkAppLaunchContext) context = NULL;

  if (file == NULL)
    {
      mp_preview_pane_show_error (pane, error->message);
      return;
    }
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (pane)));
  mp_mail_client_open_file_async (command, file, G_APP_LAUNCH_CONTEXT (context),
                                  opened_cb, g_object_ref (pane));
}

static void
on_open_clicked (GtkButton *button,
                 View      *view)
{
  Copy *copy = selected_copy (view);
  MpAccount *account;
  g_autoptr (GTask) task = NULL;

  if (copy == NULL)
    return;
  account = mp_account_store_lookup (mp_session_get_store (view->session), copy->account);
  /* The pane, not the view: the window may close before the program starts. */
  task = g_task_new (NULL, NULL, export_done, g_object_ref (view->pane));
  g_task_set_task_data (task, copy_dup (copy), (GDestroyNotify) copy_free);
  g_object_set_data_full (G_OBJECT (task), "mail-client",
                          g_strdup (account ? mp_account_get_mail_client (account) : NULL), g_free);
  g_task_run_in_thread (task, export_thread);
}

/* ---------------------------------------------------------------- list */

static GtkWidget *
copy_row (MpRecycleEntry *entry,
          const char     *dir,
          const char     *account_name)
{
  g_autofree char *size = g_format_size (entry->size);
  g_autoptr (GDateTime) local = g_date_time_to_local (entry->deleted);
  g_autofree char *when = g_date_time_format (local, "%x %H:%M");
  const char *rule = g_str_equal (entry->rule, "manual") ? _("by hand") : entry->rule;
  /* Translators: sender — subject of a kept message */
  g_autofree char *title = g_strdup_printf (_("%s — %s"), entry->from,
                                            *entry->subject ? entry->subject : _("(no subject)"));
  /* Translators: account · size · deleted DATE · rule or "by hand" */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s · deleted %s · %s"), account_name, size,
                                               when, rule);
  GtkWidget *row = mp_rules_ui_row_new (title, subtitle);
  Copy *copy = g_new0 (Copy, 1);

  copy->dir = g_strdup (dir);
  copy->account = g_strdup (entry->account);
  copy->id = g_strdup (entry->id);
  copy->subject = g_strdup (entry->subject);
  g_object_set_data_full (G_OBJECT (row), "copy", copy, (GDestroyNotify) copy_free);
  return row;
}

static int
compare_newest (gconstpointer a,
                gconstpointer b)
{
  const MpRecycleEntry *ea = *(MpRecycleEntry **) a, *eb = *(MpRecycleEntry **) b;

  return g_date_time_compare (eb->deleted, ea->deleted);
}

static guint
fill_list (View      *view,
           MpSession *session)
{
  GListModel *store = G_LIST_MODEL (mp_session_get_store (session));
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) mp_recycle_entry_free);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr (MpAccount) account = g_list_model_get_item (store, i);
      const char *id = mp_account_get_id (account);
      char *dir = mp_recycle_bin_default_dir (id);
      g_autoptr (MpRecycleBin) bin = mp_recycle_bin_new (dir, id);
      g_autoptr (GPtrArray) entries = mp_recycle_bin_list (bin, NULL);

      g_hash_table_insert (names, (gpointer) id, (gpointer) mp_account_get_name (account));
      g_hash_table_insert (dirs, (gpointer) id, dir);
      for (guint j = 0; entries && j < entries->len; j++)
        g_ptr_array_add (all, g_steal_pointer (&entries->pdata[j]));
    }
  g_ptr_array_sort (all, compare_newest);
  for (guint i = 0; i < all->len; i++)
    {
      MpRecycleEntry *entry = g_ptr_array_index (all, i);
      const char *name = g_hash_table_lookup (names, entry->account);
      const char *dir = g_hash_table_lookup (dirs, entry->account);

      if (dir)
        gtk_list_box_append (view->list, copy_row (entry, dir, name ? name : entry->account));
    }
  return all->len;
}

GtkWindow *
mp_recycle_view_new (GtkWindow *parent,
                     MpSession *session)
{
  View *view = g_new0 (View, 1);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *window;
  GtkWidget *placeholder;
  GtkWidget *buttons;
  guint n;

  view->list = g_object_ref_sink (GTK_LIST_BOX (gtk_list_box_new ()));
  view->pane = g_object_ref_sink (MP_PREVIEW_PANE (mp_preview_pane_new ()));
  view->session = g_object_ref (session);
  view->save_button = g_object_ref_sink (gtk_button_new_with_mnemonic (_("Save as _.eml…")));
  gtk_widget_set_sensitive (view->save_button, FALSE);
  view->open_button = g_object_ref_sink (gtk_button_new_with_mnemonic (_("Open in _Mail Program")));
  gtk_widget_set_sensitive (view->open_button, FALSE);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (buttons), view->open_button);
  gtk_box_append (GTK_BOX (buttons), view->save_button);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Deleted messages"), -1);
  placeholder = gtk_label_new (_("The recycle bin is empty."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (view->list, placeholder);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_paned_set_start_child (GTK_PANED (paned), scroller);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (view->pane));
  gtk_paned_set_position (GTK_PANED (paned), 420);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);

  n = fill_list (view, session);
  window = mp_rules_ui_window_new (parent, _("Recycle Bin"), buttons, paned);
  view->window = GTK_WINDOW (window);
  mp_preview_pane_show_none (view->pane, n > 0 ? _("Select a message to open it") : NULL);
  g_object_set_data_full (G_OBJECT (window), "mp-recycle-view", view, (GDestroyNotify) view_free);
  g_signal_connect (view->list, "row-selected", G_CALLBACK (on_row_selected), view);
  g_signal_connect (view->save_button, "clicked", G_CALLBACK (on_save_clicked), view);
  g_signal_connect (view->open_button, "clicked", G_CALLBACK (on_open_clicked), view);
  return GTK_WINDOW (window);
}
