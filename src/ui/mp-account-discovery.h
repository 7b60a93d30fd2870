/* mp-account-discovery.h — the account dialog's search for an address's POP3
 * settings: Continue, its progress and Cancel Search, Configure Manually, and
 * what was found and where from, or why nothing was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mp-discover.h"

G_BEGIN_DECLS

#define MP_TYPE_ACCOUNT_DISCOVERY (mp_account_discovery_get_type ())
G_DECLARE_FINAL_TYPE (MpAccountDiscovery, mp_account_discovery, MP, ACCOUNT_DISCOVERY,
                      AdwPreferencesGroup)

/* Property "address": the e-mail address searched for; Continue needs its '@'.
 * Property "searching" (read-only): a search runs.
 * Signals: "found" (const MpDiscoverResult *settings, gboolean guessed): the
 * settings to show, the search's own or, when it found nothing, guesses from
 * the address (the status says which); "stopped": Cancel Search ended the
 * search; "manual": Configure Manually was clicked. */
void      mp_account_discovery_set_address        (MpAccountDiscovery *self,
                                                   const char         *address);
gboolean  mp_account_discovery_get_searching      (MpAccountDiscovery *self);
/* What Continue does: a search for the address, unless one runs or the
 * address has no '@'. */
void      mp_account_discovery_start              (MpAccountDiscovery *self);
/* Ends a running search without a word or a signal: for a dialog that is
 * going, whose fields its result must not reach. */
void      mp_account_discovery_cancel             (MpAccountDiscovery *self);
/* Continue is the suggested action only while the settings are hidden: once
 * they are on screen, saving them is the next step, not searching. */
void      mp_account_discovery_set_settings_shown (MpAccountDiscovery *self,
                                                   gboolean            shown);

G_END_DECLS
