/* mp-choice-row.h — a row choosing one of a few labelled options.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MP_TYPE_CHOICE_ROW (mp_choice_row_get_type ())
G_DECLARE_FINAL_TYPE (MpChoiceRow, mp_choice_row, MP, CHOICE_ROW, AdwPreferencesRow)

/* Replaces the options (translated labels, NULL-terminated); the first is selected. */
void         mp_choice_row_set_choices     (MpChoiceRow        *self,
                                            const char * const *labels);
guint        mp_choice_row_get_n_choices   (MpChoiceRow        *self);
/* Property "selected": the chosen option's position. */
guint        mp_choice_row_get_selected    (MpChoiceRow        *self);
void         mp_choice_row_set_selected    (MpChoiceRow        *self,
                                            guint               position);
/* An option that cannot be chosen now; @reason (or NULL) is its tooltip and
 * accessible description. */
void         mp_choice_row_set_choice_sensitive (MpChoiceRow   *self,
                                                 guint          position,
                                                 gboolean       sensitive,
                                                 const char    *reason);

G_END_DECLS
