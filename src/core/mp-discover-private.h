/* mp-discover-private.h — shared by mp-discover.c and mp-discover-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mp-discover.h"

G_BEGIN_DECLS

/* 0 implicit TLS, 1 STARTTLS, 2 none: the lower wins. */
static inline int
mp_discover_security_rank (MpPop3Security security)
{
  return security == MP_POP3_SECURITY_TLS ? 0 : security == MP_POP3_SECURITY_STARTTLS ? 1 : 2;
}

G_END_DECLS
