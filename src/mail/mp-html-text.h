/* mp-html-text.h — reduce HTML mail bodies to readable plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *mp_html_to_text (const char *html,
                       gssize      len);

G_END_DECLS
