/* mp-pop3-stdfds.h — descriptors 0, 1 and 2 open before anything else is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call first thing in main() of every program that uses the engine. A program
 * started with a standard descriptor closed (`prog >&-`) would otherwise get its
 * next socket or file on it, and printf() would write to the server. Each closed
 * one of 0, 1, 2 is opened on /dev/null. Returns a mask of the descriptors that
 * were closed (bit N for descriptor N), or -1 with errno when /dev/null cannot be
 * opened (then the program must not go on). */
int mp_pop3_ensure_std_fds (void);

G_END_DECLS
