/* mp-test-driver.h — scripted UI actions for the GUI tests (MAILPEEK_TEST_SCRIPT,
 * read by mailpeek-test-app.c; none of this is in the installed `mailpeek`).
 *
 * Reads one command per line and performs it through the real UI: GActions of
 * the window, the column view's selection model, the delete dialog's responses,
 * the undo button of the toast.  Observations (rows shown, preview text, status,
 * timings) are written as JSON lines to MAILPEEK_TEST_OUTPUT (stdout if unset);
 * the test compares them with the Dovecot manifest and with a second POP3
 * connection, so nothing here can fake a result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-window.h"

G_BEGIN_DECLS

/* Runs the script from an idle once the application started; the main window
 * is whichever is open when a command needs it. */
void mp_test_driver_start (MpApplication *app,
                           const char    *script_path,
                           const char    *output_path);

G_END_DECLS
