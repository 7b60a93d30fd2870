/* mp-pop3-caps.c — placeholder, implemented next */
#include "mp-pop3-session.h"
#include "mp-pop3-transport.h"
#include "mp-pop3-url.h"
