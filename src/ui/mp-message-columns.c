/* mp-message-columns.c — see mp-message-columns.h.
 *
 * Cells are GtkInscriptions (cheap to create and measure: GTK 4.8's list views
 * keep ~200 rows of widgets); bind sets the text, and the From cell's bind names
 * the row and makes the row follow the summary's is-new flag.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mp-message-columns.h"
#include "mp-message-order.h"
#include "mp-message-summary.h"

/* The local time zone and today's date in it, looked up at most once a second:
 * binding a screenful of rows must not ask for the local time zone hundreds of
 * times (with TZ unset, GLib 2.74 reads /etc/localtime again for every
 * g_date_time_to_local(): a fifth of the cost of binding a fresh screen of rows). */
static GTimeZone *
local_zone (gint *today)
{
  static gint64 checked_at;
  static gint stamp;
  static GTimeZone *zone;
  gint64 now = g_get_monotonic_time ();

  if (checked_at == 0 || now - checked_at > G_USEC_PER_SEC)
    {
      g_autoptr (GDateTime) local = NULL;

      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      local = g_date_time_new_now (zone);
      stamp = g_date_time_get_year (local) * 1000 + g_date_time_get_day_of_year (local);
      checked_at = now;
    }
  *today = stamp;
  return zone;
}

typedef struct {
  gint  today;  /* the day (local_zone()) the text was made for */
  char *text;   /* owned */
} DateText;

static void
date_text_free (gpointer data)
{
  DateText *dt = data;

  g_free (dt->text);
  g_free (dt);
}

/* The Date column's text: the time for today's messages, else date and time.
 * Kept on the summary (rebinding rows after a sort formats each date once). */
static const char *
date_text (MpMessageSummary *summary)
{
  static GQuark quark;
  GDateTime *date = mp_message_summary_get_date (summary);
  gint today;
  GTimeZone *zone = local_zone (&today);
  DateText *dt;
  g_autoptr (GDateTime) local = NULL;

  if (!date)
    return "";
  if (!quark)
    quark = g_quark_from_static_string ("mp-date-text");
  dt = g_object_get_qdata (G_OBJECT (summary), quark);
  if (dt && dt->today == today)
    return dt->text;

  local = g_date_time_to_timezone (date, zone);
  dt = g_new0 (DateText, 1);
  dt->today = today;
  if (g_date_time_get_year (local) * 1000 + g_date_time_get_day_of_year (local) == today)
    dt->text = g_date_time_format (local, "%H:%M");
  else
    /* Translators: short date in the message list, see g_date_time_format() */
    dt->text = g_date_time_format (local, _("%Y-%m-%d %H:%M"));
  if (!dt->text)
    dt->text = g_strdup ("");
  g_object_set_qdata_full (G_OBJECT (summary), quark, dt, date_text_free);
  return dt->text;
}

typedef MpMessageColumn ColumnKind;

#define COLUMN_FROM       MP_MESSAGE_COLUMN_FROM
#define COLUMN_SUBJECT    MP_MESSAGE_COLUMN_SUBJECT
#define COLUMN_DATE       MP_MESSAGE_COLUMN_DATE
#define COLUMN_SIZE       MP_MESSAGE_COLUMN_SIZE
#define COLUMN_ATTACHMENT MP_MESSAGE_COLUMN_ATTACHMENT

static void
update_new_class (GtkWidget        *widget,
                  MpMessageSummary *summary)
{
  if (mp_message_summary_get_is_new (summary))
    gtk_widget_add_css_class (widget, "mp-new");
  else
    gtk_widget_remove_css_class (widget, "mp-new");
}

static void
on_summary_is_new (MpMessageSummary *summary,
                   GParamSpec       *pspec,
                   GtkWidget        *row)
{
  update_new_class (row, summary);
}

/* The summary a row follows (its is-new flag), and the handler that does. */
typedef struct {
  MpMessageSummary *summary;  /* owned */
  gulong            handler;
} RowWatch;

static void
row_watch_free (gpointer data)
{
  RowWatch *watch = data;

  g_clear_signal_handler (&watch->handler, watch->summary);
  g_clear_object (&watch->summary);
  g_free (watch);
}

/* A new message is bold: the class is on the row, whose cells inherit the font,
 * and the row follows its summary with one handler, kept while it shows the same
 * summary.  Rows are bound again and again to the same message as the list
 * changes (rows arriving, sorting); a handler per cell and bind cost as much as
 * the rest of binding.  The watch goes with the row or its next summary. */
static void
watch_row (GtkWidget        *row,
           MpMessageSummary *summary)
{
  RowWatch *watch = g_object_get_data (G_OBJECT (row), "mp-row-watch");

  update_new_class (row, summary);
  if (watch && watch->summary == summary)
    return;
  watch = g_new0 (RowWatch, 1);
  watch->summary = g_object_ref (summary);
  watch->handler = g_signal_connect (summary, "notify::is-new",
                                     G_CALLBACK (on_summary_is_new), row);
  g_object_set_data_full (G_OBJECT (row), "mp-row-watch", watch, row_watch_free);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  ColumnKind kind = GPOINTER_TO_INT (user_data);
  GtkWidget *widget;

  if (kind == COLUMN_ATTACHMENT)
    {
      widget = gtk_image_new_from_icon_name ("mail-attachment-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Has attachments"),
                                      -1);
    }
  else
    {
      /* GtkInscription: the light text widget made for long lists (no min/nat
       * size from the text, cheap to create and measure). */
      widget = gtk_inscription_new (NULL);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (widget),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_inscription_set_xalign (GTK_INSCRIPTION (widget), kind == COLUMN_SIZE ? 1.0f : 0.0f);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (widget), 4);
      if (kind == COLUMN_SIZE || kind == COLUMN_DATE)
        gtk_widget_add_css_class (widget, "numeric");
    }
  gtk_list_item_set_child (item, widget);
}

/* The row widget of a cell's @widget: the parent of its column cell. */
static GtkWidget *
row_of (GtkWidget *widget)
{
  GtkWidget *cell = gtk_widget_get_parent (widget);

  return cell ? gtk_widget_get_parent (cell) : NULL;
}

/* A screen reader reads a row by its name: sender, subject and date.  GTK 4.8's
 * GtkListItem has no accessible label of its own (4.12 adds one), so the row widget
 * gets it when the From cell is bound, which happens for every row. */
static void
name_row (GtkWidget        *row,
          MpMessageSummary *summary,
          const char       *from)
{
  const char *subject = mp_message_summary_get_subject (summary);
  g_autofree char *label = NULL;

  /* Translators: how a screen reader names a message row: sender, subject, date */
  label = g_strdup_printf (_("%s, %s, %s"), from,
                           subject && *subject ? subject : _("(no subject)"),
                           date_text (summary));
  /* Rows are bound again and again as the list changes (rows arriving, sorting)
   * to the same message: with the accessibility bus up, each update of the
   * name is a D-Bus signal to every client, so only a new name is sent. */
  if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "mp-row-label"), label) == 0)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (row), "mp-row-label", g_steal_pointer (&label), g_free);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ColumnKind kind = GPOINTER_TO_INT (user_data);
  MpMessageSummary *summary = gtk_list_item_get_item (item);
  GtkWidget *widget = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;

  switch (kind)
    {
    case COLUMN_FROM:
      {
        const char *name = mp_message_summary_get_from_name (summary);
        GtkWidget *row = row_of (widget);

        /* No per-cell tooltip: setting one costs more than the rest of the bind,
         * and the preview shows the full address. */
        text = g_strdup (name && *name ? name : mp_message_summary_get_from_address (summary));
        if (row)
          {
            name_row (row, summary, text);
            watch_row (row, summary);
          }
      }
      break;
    case COLUMN_SUBJECT:
      {
        const char *subject = mp_message_summary_get_subject (summary);
        text = g_strdup (subject && *subject ? subject : _("(no subject)"));
      }
      break;
    case COLUMN_DATE:
      text = g_strdup (date_text (summary));
      break;
    case COLUMN_SIZE:
      text = g_format_size (mp_message_summary_get_size (summary));
      break;
    case COLUMN_ATTACHMENT:
      gtk_widget_set_visible (widget, mp_message_summary_get_has_attachments (summary));
      return;
    default:
      g_assert_not_reached ();
    }

  gtk_inscription_set_text (GTK_INSCRIPTION (widget), text ? text : "");
}

/* The collation key of a sort text, computed once per summary and kept on it:
 * sorting 10,000 rows compares each one some twenty times, and a collation key
 * costs far more than the comparison (the texts of a summary never change). */
static const char *
collate_key (MpMessageSummary *summary,
             GQuark            quark,
             const char       *text)
{
  char *key = g_object_get_qdata (G_OBJECT (summary), quark);

  if (!key)
    {
      key = g_utf8_collate_key (text ? text : "", -1);
      g_object_set_qdata_full (G_OBJECT (summary), quark, key, g_free);
    }
  return key;
}

static const char *
from_key (MpMessageSummary *summary)
{
  static GQuark quark;
  const char *name = mp_message_summary_get_from_name (summary);

  if (!quark)
    quark = g_quark_from_static_string ("mp-sort-key-from");
  if (!name || !*name)
    name = mp_message_summary_get_from_address (summary);
  return collate_key (summary, quark, name);
}

static const char *
subject_key (MpMessageSummary *summary)
{
  static GQuark quark;

  if (!quark)
    quark = g_quark_from_static_string ("mp-sort-key-subject");
  return collate_key (summary, quark, mp_message_summary_get_subject (summary));
}

/* GTK 4.8 has no getter for the column a column view sorts by, nor its direction
 * (GtkColumnViewSorter's primary-sort-column comes with 4.10).  So the column view's
 * sorter is asked to compare two marker objects: every column's sort function
 * answers "smaller" for them and notes its column, and the column view's sorter
 * asks its primary column first and inverts the answer when that one is
 * descending.  Main thread only, like every sort of the list. */
static GObject *probe_first, *probe_second;
static int probe_hit = -1;

static int
sort_func (gconstpointer a_,
           gconstpointer b_,
           gpointer      user_data)
{
  MpMessageSummary *a = (MpMessageSummary *) a_;
  MpMessageSummary *b = (MpMessageSummary *) b_;
  ColumnKind kind = GPOINTER_TO_INT (user_data);

  if (a_ == probe_first && b_ == probe_second)
    {
      if (probe_hit < 0)
        probe_hit = kind;
      return GTK_ORDERING_SMALLER;
    }

  switch (kind)
    {
    case COLUMN_FROM:
      return strcmp (from_key (a), from_key (b));
    case COLUMN_SUBJECT:
      return strcmp (subject_key (a), subject_key (b));
    case COLUMN_DATE:
      /* Arrival order where the Date header is missing or absurd. */
      return mp_message_order_compare (a, b);
    case COLUMN_SIZE:
      {
        guint64 sa = mp_message_summary_get_size (a);
        guint64 sb = mp_message_summary_get_size (b);
        return (sa > sb) - (sa < sb);
      }
    case COLUMN_ATTACHMENT:
      return (int) mp_message_summary_get_has_attachments (a) -
             (int) mp_message_summary_get_has_attachments (b);
    default:
      g_assert_not_reached ();
    }
}

/* Which items have a row widget now: the From cell's binds (every row has
 * one), counted per item.  Kept on the view. */
static GHashTable *
bound_rows (GtkColumnView *view)
{
  return g_object_get_data (G_OBJECT (view), "mp-bound-rows");
}

static void
on_from_bound (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               GHashTable               *bound)
{
  gpointer summary = gtk_list_item_get_item (item);

  g_hash_table_insert (bound, summary,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (bound, summary)) + 1));
}

static void
on_from_unbound (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 GHashTable               *bound)
{
  gpointer summary = gtk_list_item_get_item (item);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (bound, summary));

  if (n > 1)
    g_hash_table_insert (bound, summary, GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (bound, summary);
}

static void
add_column (GtkColumnView *view,
            ColumnKind     kind,
            const char    *title,
            gboolean       expand,
            int            fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkColumnViewColumn) column = NULL;
  g_autoptr (GtkSorter) sorter = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), GINT_TO_POINTER (kind));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), GINT_TO_POINTER (kind));
  if (kind == COLUMN_FROM)
    {
      g_signal_connect (factory, "bind", G_CALLBACK (on_from_bound), bound_rows (view));
      g_signal_connect (factory, "unbind", G_CALLBACK (on_from_unbound), bound_rows (view));
    }

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  sorter = GTK_SORTER (gtk_custom_sorter_new (sort_func, GINT_TO_POINTER (kind), NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_append_column (view, column);
}

void
mp_message_columns_add (GtkColumnView *view)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  g_object_set_data_full (G_OBJECT (view), "mp-bound-rows",
                          g_hash_table_new (NULL, NULL), (GDestroyNotify) g_hash_table_unref);
  add_column (view, COLUMN_FROM, _("From"), FALSE, 170);
  add_column (view, COLUMN_SUBJECT, _("Subject"), TRUE, -1);
  add_column (view, COLUMN_DATE, _("Date"), FALSE, 140);
  add_column (view, COLUMN_SIZE, _("Size"), FALSE, 85);
  /* Translators: column header of the attachment mark; keep it very short */
  add_column (view, COLUMN_ATTACHMENT, _("Att."), FALSE, 44);
}

/**
 * mp_message_columns_has_row:
 * @view: a view given its columns by mp_message_columns_add()
 * @item: an item of its model
 *
 * Returns: whether @view has a row widget for @item now (GTK 4.8 keeps them
 * for the rows in view and ~200 around them).
 */
gboolean
mp_message_columns_has_row (GtkColumnView *view,
                            gpointer       item)
{
  GHashTable *bound = bound_rows (view);

  return bound && g_hash_table_contains (bound, item);
}

static const char * const sort_keys[] = {
  [COLUMN_FROM] = "from",
  [COLUMN_SUBJECT] = "subject",
  [COLUMN_DATE] = "date",
  [COLUMN_SIZE] = "size",
  [COLUMN_ATTACHMENT] = "attachment",
};

gboolean
mp_message_columns_get_sort (GtkColumnView   *view,
                             MpMessageColumn *column,
                             gboolean        *descending)
{
  GtkOrdering order;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), FALSE);

  if (!probe_first)
    {
      probe_first = g_object_new (G_TYPE_OBJECT, NULL);
      probe_second = g_object_new (G_TYPE_OBJECT, NULL);
    }
  probe_hit = -1;
  order = gtk_sorter_compare (gtk_column_view_get_sorter (view), probe_first, probe_second);
  if (order == GTK_ORDERING_EQUAL || probe_hit < 0)
    return FALSE;
  *column = probe_hit;
  *descending = order == GTK_ORDERING_LARGER;
  return TRUE;
}

#define SORT_SETTINGS_KEY "mp-sort-settings"

static void
on_sorter_changed (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   GtkColumnView   *view)
{
  GSettings *settings = g_object_get_data (G_OBJECT (view), SORT_SETTINGS_KEY);
  MpMessageColumn column;
  gboolean descending;

  if (!mp_message_columns_get_sort (view, &column, &descending))
    return;
  g_settings_set_string (settings, "sort-column", sort_keys[column]);
  g_settings_set_boolean (settings, "sort-descending", descending);
}

static gboolean
has_sort_keys (GSettings *settings)
{
  g_autoptr (GSettingsSchema) schema = NULL;

  if (!settings)
    return FALSE;
  g_object_get (settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, "sort-column") &&
         g_settings_schema_has_key (schema, "sort-descending");
}

void
mp_message_columns_follow_settings (GtkColumnView *view,
                                    GSettings     *settings)
{
  MpMessageColumn column = COLUMN_DATE;
  gboolean descending = TRUE;
  g_autoptr (GtkColumnViewColumn) col = NULL;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  if (has_sort_keys (settings))
    {
      g_autofree char *key = g_settings_get_string (settings, "sort-column");

      for (gsize i = 0; i < G_N_ELEMENTS (sort_keys); i++)
        if (g_str_equal (key, sort_keys[i]))
          column = i;
      descending = g_settings_get_boolean (settings, "sort-descending");
    }
  col = g_list_model_get_item (gtk_column_view_get_columns (view), column);
  if (col)
    gtk_column_view_sort_by_column (view, col,
                                    descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  if (!has_sort_keys (settings))
    return;
  g_object_set_data_full (G_OBJECT (view), SORT_SETTINGS_KEY, g_object_ref (settings),
                          g_object_unref);
  g_signal_connect_object (gtk_column_view_get_sorter (view), "changed",
                           G_CALLBACK (on_sorter_changed), view, 0);
}
