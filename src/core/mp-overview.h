/* mp-overview.h — "who fills my mailbox": totals, largest, oldest, by sender
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Computed from a list of MpMessageSummary (the current list of an account);
 * plain data, no GTK, any thread.
 */
#pragma once

#include <glib.h>

#include "mp-message-summary.h"

G_BEGIN_DECLS

typedef struct {
  char      *key;          /* owned; lower-cased address or domain ("" = no sender) */
  guint      count;
  guint64    size;         /* octets */
  GPtrArray *uidls;        /* owned, of char*: the group's messages, to select or delete */
} MpOverviewGroup;

typedef struct {
  guint      n_messages;
  guint64    total_size;
  GPtrArray *largest;      /* owned, of MpMessageSummary (ref), largest first */
  GPtrArray *oldest;       /* owned, of MpMessageSummary (ref), oldest first (undated last) */
  GPtrArray *by_address;   /* owned, of MpOverviewGroup, by size then count, descending */
  GPtrArray *by_domain;    /* owned, of MpOverviewGroup, same order */
} MpOverview;

/* @summaries: MpMessageSummary; @top: how many largest / oldest to keep. */
MpOverview *mp_overview_new  (GPtrArray  *summaries,
                              guint       top);
void        mp_overview_free (MpOverview *overview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MpOverview, mp_overview_free)

G_END_DECLS
