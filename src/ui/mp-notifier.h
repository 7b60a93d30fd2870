/* mp-notifier.h — desktop notifications for new mail and failing accounts (libnotify).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MP_TYPE_NOTIFIER (mp_notifier_get_type ())
G_DECLARE_FINAL_TYPE (MpNotifier, mp_notifier, MP, NOTIFIER, GObject)

/* One "Sender — Subject" line of a new-mail notification. */
typedef struct
{
  const char *from;     /* display name or address */
  const char *subject;
} MpNotifierMessage;

/* @settings: nullable; the app's io.github.mailpeek.Mailpeek settings, whose
 * "notifications-enabled" key switches every notification off.
 * Signals: "open" (const char *account_id) and "mark-seen" (const char *account_id),
 * from the notification's actions. */
MpNotifier *mp_notifier_new                (GSettings               *settings);
/* The account's new-mail notification: @n_new messages still unseen (not only
 * those of the last check), replacing the account's previous bubble.
 * @account_notify is the account's own "notify" flag.  At most three of @messages
 * (newest first) are listed, then "and N more". Returns TRUE if one was sent. */
gboolean    mp_notifier_new_mail           (MpNotifier              *self,
                                            const char              *account_id,
                                            const char              *account_name,
                                            gboolean                 account_notify,
                                            guint                    n_new,
                                            const MpNotifierMessage *messages,
                                            guint                    n_messages);
/* Notifies once per failure streak: later failures are quiet until
 * mp_notifier_account_ok() ends the streak. Returns TRUE if a notification was sent. */
gboolean    mp_notifier_account_failed     (MpNotifier              *self,
                                            const char              *account_id,
                                            const char              *account_name,
                                            const char              *message);
void        mp_notifier_account_ok         (MpNotifier              *self,
                                            const char              *account_id);
/* The per-account notify flag for failure notifications (default TRUE). */
void        mp_notifier_set_account_notify (MpNotifier              *self,
                                            const char              *account_id,
                                            gboolean                 notify);
/* Closes the account's new-mail notification (its mail was seen in the window). */
void        mp_notifier_withdraw           (MpNotifier              *self,
                                            const char              *account_id);
/* Closes every new-mail notification (the application quits). */
void        mp_notifier_withdraw_all       (MpNotifier              *self);
/* The count the account's new-mail bubble shows; 0 when none is on screen. */
guint       mp_notifier_get_new_mail_count (MpNotifier              *self,
                                            const char              *account_id);
gboolean    mp_notifier_get_enabled        (MpNotifier              *self);

G_END_DECLS
