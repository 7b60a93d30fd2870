/* mp-error-text.c — a sentence for every error code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mp-config.h"

#include <glib/gi18n.h>

#include "mp-error.h"
#include "mp-error-text.h"

const char *
mp_error_title (const GError *error)
{
  if (!error)
    return "";
  if (error->domain != MP_ERROR)
    return _("Something went wrong");

  /* No default: the compiler warns when a new code has no sentence. */
  switch ((MpErrorCode) error->code)
    {
    case MP_ERROR_NETWORK:
      return _("Could not reach the mail server");
    case MP_ERROR_TIMEOUT:
      return _("The mail server stopped answering");
    case MP_ERROR_CERTIFICATE:
      return _("The server’s certificate is not trusted");
    case MP_ERROR_AUTH:
      return _("The server did not accept the user name or password");
    case MP_ERROR_NEEDS_PASSWORD:
      return _("No password is stored for this account");
    case MP_ERROR_SERVER_BUSY:
      return _("The mailbox is busy; Mailpeek will try again later");
    case MP_ERROR_PROTOCOL:
      return _("The server sent an answer Mailpeek does not understand");
    case MP_ERROR_NOT_DELETED:
      return _("Nothing was deleted");
    case MP_ERROR_INSECURE:
      return _("The connection is not secure enough to send the password");
    case MP_ERROR_CONFIG:
      return _("The account settings are incomplete or invalid");
    case MP_ERROR_GONE:
      return _("The message is no longer on the server");
    case MP_ERROR_CREDENTIALS:
      return _("Could not get the password or token for this account");
    case MP_ERROR_TOO_LARGE:
      return _("The message is too large to keep a copy in the recycle bin");
    }
  return _("Something went wrong");
}
