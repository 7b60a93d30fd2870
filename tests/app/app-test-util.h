/* app-test-util.h — what the src/app tests share: a session of one account
 * ("Work", user alice) on the scripted fake server, in a private HOME, and
 * main-loop waits bounded by a timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-session.h"
#include "mp-test-util.h"

G_BEGIN_DECLS

#define MP_APP_TEST_TIMEOUT_S 30

typedef struct {
  char             *home;     /* owned */
  MpSession        *session;  /* owned */
  MpAccount        *account;  /* owned */
  MpTestFakeServer *server;   /* owned */
} MpAppFixture;

/* @rules: the user's rules file, written before the session starts (NULL:
 * none).  Every job QUITs right away (idle timeout 0); the first check is due
 * at once.  FALSE (test skipped) when the fake server cannot start. */
gboolean mp_app_fixture_start     (MpAppFixture   *f,
                                   const char     *rules,
                                   const char     *script);
/* Shuts the session down and asserts the server saw exactly its script. */
void     mp_app_fixture_finish    (MpAppFixture   *f);
void     mp_app_run_until         (const gboolean *flag);
void     mp_app_run_until_nonzero (const guint    *value);

G_END_DECLS
