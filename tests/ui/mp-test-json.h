/* mp-test-json.h — the test driver's observations: one JSON object per line,
 * {"cmd": NAME, key: value, …}.  Only what the driver needs: strings, integers,
 * booleans.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @text as a JSON string literal (NULL as ""). */
void     mp_test_json_string   (GString    *s,
                                const char *text);
/* A new object with "cmd" set; the caller closes it. */
GString *mp_test_json_begin    (const char *cmd);
void     mp_test_json_add_str  (GString    *s,
                                const char *key,
                                const char *value);
void     mp_test_json_add_int  (GString    *s,
                                const char *key,
                                gint64      value);
void     mp_test_json_add_bool (GString    *s,
                                const char *key,
                                gboolean    value);

G_END_DECLS
