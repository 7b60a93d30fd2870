/* mp-pop3-stdfds.c — descriptors 0, 1 and 2 open before anything else is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "mp-pop3-stdfds.h"

int
mp_pop3_ensure_std_fds (void)
{
  int closed = 0;

  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      int null_fd;

      if (fcntl (fd, F_GETFD) != -1 || errno != EBADF)
        continue;
      /* open() takes the lowest free descriptor, which is @fd as the lower ones
       * are open by now; dup2() covers a thread that was quicker. */
      null_fd = open ("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
      if (null_fd < 0)
        return -1;
      if (null_fd != fd)
        {
          int saved_errno;
          gboolean ok = dup2 (null_fd, fd) == fd;

          saved_errno = errno;
          close (null_fd);
          if (!ok)
            {
              errno = saved_errno;
              return -1;
            }
        }
      closed |= 1 << fd;
    }
  return closed;
}
