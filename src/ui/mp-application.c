/* mp-application.c — the Mailpeek AdwApplication: single instance, app actions,
 * keyboard accelerators, and the MpSession (the accounts, their mailboxes and the
 * scheduler) that lives from startup to shutdown, with or without a window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-a11y.h"
#include "mp-application.h"
#include "mp-app-actions.h"
#include "mp-window.h"
#include "mp-desktop.h"
#include "mp-rules-ui.h"
#include "mp-session.h"

struct _MpApplication
{
  AdwApplication  parent_instance;

  /* When set (by the --background option, handled by the desktop code) the
   * window is not presented on activate: checks run without a window. */
  gboolean        background;

  MpSession      *session;      /* owned, from startup on */
  gboolean        held;         /* held while the session is busy */
  gboolean        quit_pending; /* quit once the session is no longer busy */
};

G_DEFINE_FINAL_TYPE (MpApplication, mp_application, ADW_TYPE_APPLICATION)

MpApplication *
mp_application_new (void)
{
  return g_object_new (MP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/mailpeek/Mailpeek",
                       NULL);
}

gboolean
mp_application_get_background (MpApplication *self)
{
  g_return_val_if_fail (MP_IS_APPLICATION (self), FALSE);
  return self->background;
}

void
mp_application_set_background (MpApplication *self,
                               gboolean       background)
{
  g_return_if_fail (MP_IS_APPLICATION (self));
  self->background = !!background;
}

MpWindow *
mp_application_get_main_window (MpApplication *self)
{
  GList *windows;

  g_return_val_if_fail (MP_IS_APPLICATION (self), NULL);

  for (windows = gtk_application_get_windows (GTK_APPLICATION (self));
       windows; windows = windows->next)
    if (MP_IS_WINDOW (windows->data))
      return windows->data;
  return NULL;
}

MpWindow *
mp_application_ensure_window (MpApplication *self)
{
  MpWindow *window;

  g_return_val_if_fail (MP_IS_APPLICATION (self), NULL);

  window = mp_application_get_main_window (self);
  if (!window)
    window = mp_window_new (self);
  return window;
}

MpSession *
mp_application_get_session (MpApplication *self)
{
  g_return_val_if_fail (MP_IS_APPLICATION (self), NULL);
  return self->session;
}

/* Deletions being sent keep the process alive, window or not. */
static void
on_session_busy (MpApplication *self)
{
  gboolean busy = mp_session_get_busy (self->session);

  if (busy && !self->held)
    g_application_hold (G_APPLICATION (self));
  else if (!busy && self->held)
    g_application_release (G_APPLICATION (self));
  self->held = busy;
  if (!busy && self->quit_pending)
    g_application_quit (G_APPLICATION (self));
}

/* A window shows a failed deletion itself; with none left (closed right after
 * confirming), the user who confirmed it must still not believe it happened. */
static void
on_delete_failed (MpApplication  *self,
                  MpAccountState *state,
                  const GError   *error)
{
  if (mp_application_get_main_window (self))
    return;
  /* Translators: %s are the account name and the reason */
  g_printerr (_("Mailpeek: the messages could not be deleted from “%s”: %s\n"),
              mp_account_get_name (mp_account_state_get_account (state)), error->message);
}

static void
create_session (MpApplication *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MpAccountStore) store = mp_account_store_new ();
  g_autoptr (MpScheduler) scheduler = mp_scheduler_new (NULL, g_random_int (), TRUE);

  if (!mp_account_store_load (store, &error))
    g_warning ("%s", error->message);
  self->session = mp_session_new (store, scheduler);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (on_session_busy), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "delete-failed", G_CALLBACK (on_delete_failed), self,
                           G_CONNECT_SWAPPED);
}

static void
mp_application_activate (GApplication *app)
{
  MpApplication *self = MP_APPLICATION (app);

  /* The first activation with --background opens no window (the session checks
   * without one); any later activation (launching the app again) opens it. */
  if (self->background)
    {
      self->background = FALSE;
      return;
    }
  gtk_window_present (GTK_WINDOW (mp_application_ensure_window (self)));
}

void
mp_application_quit (MpApplication *self)
{
  GList *windows;

  g_return_if_fail (MP_IS_APPLICATION (self));

  /* The session cancels every job before the main loop ends; deletions the user
   * confirmed are sent first, and the quit waits for them (a quit ends the main
   * loop whatever holds the application). */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  if (self->session)
    mp_session_shutdown (self->session);
  if (self->session && mp_session_get_busy (self->session))
    self->quit_pending = TRUE;
  else
    g_application_quit (G_APPLICATION (self));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  mp_application_quit (MP_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MpApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { "The Mailpeek developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Mailpeek"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("See and delete mail waiting on POP3 servers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
};

static void
mp_application_startup (GApplication *app)
{
  MpApplication *self = MP_APPLICATION (app);
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.check", { "<Control>r", "F5", NULL } },
    { "win.stop", { "Escape", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.delete", { "Delete", NULL } },
    { "win.add-account", { "<Control>n", NULL } },
    { "win.edit-account", { "<Control>comma", NULL } },
    { "win.load-whole", { "<Control>l", NULL } },
    { "win.view-source", { "<Control>u", NULL } },
    { "win.select-all", { "<Control>a", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.rules", { "<Control><Shift>r", NULL } },
    { "win.recycle-bin", { "<Control><Shift>b", NULL } },
    { "win.overview", { "<Control><Shift>o", NULL } },
    { "win.activity", { "<Control><Shift>a", NULL } },
    { "win.show-junk", { "<Control>j", NULL } },
  };

  G_APPLICATION_CLASS (mp_application_parent_class)->startup (app);
  mp_a11y_watch_toplevels ();
  create_session (self);
  mp_rules_ui_attach_app (app, self->session);
  /* Tray icon, notifications, background mode (desktop engineer). */
  mp_desktop_attach (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  /* check-all, check-account, open-account: for scripts and shortcuts too. */
  mp_app_actions_install (self);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);
  /* Dark style follows the system: AdwStyleManager's default scheme. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

static void
mp_application_shutdown (GApplication *app)
{
  MpApplication *self = MP_APPLICATION (app);

  /* The main loop ended (last window closed, nothing holding): no job outlives it. */
  if (self->session)
    mp_session_shutdown (self->session);
  G_APPLICATION_CLASS (mp_application_parent_class)->shutdown (app);
}

static void
mp_application_finalize (GObject *object)
{
  MpApplication *self = MP_APPLICATION (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (mp_application_parent_class)->finalize (object);
}

static void
mp_application_class_init (MpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mp_application_finalize;
  app_class->activate = mp_application_activate;
  app_class->startup = mp_application_startup;
  app_class->shutdown = mp_application_shutdown;
}

static void
mp_application_init (MpApplication *self)
{
  /* --check and --check-account, for every program built on the application. */
  mp_app_actions_add_options (G_APPLICATION (self));
}
