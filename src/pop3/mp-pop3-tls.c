/* mp-pop3-tls.c — OpenSSL transport (implicit TLS and STLS): TLS >= 1.2,
 * SNI, chain and host name verification, optional SHA-256 pin.
 *
 * The handshake runs with SSL_VERIFY_NONE and the verification result is
 * judged afterwards, so that a failed verification can still report the
 * certificate's fingerprint and a pinned certificate can be accepted.
 * Nothing is sent on the connection before that judgement.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mp-pop3-private.h"

typedef struct {
  MpPop3Transport  parent;
  MpPop3Transport *inner;    /* owned; the TCP transport */
  SSL_CTX         *ctx;      /* owned */
  SSL             *ssl;      /* owned */
  char             description[96];
} TlsTransport;

/* ---- socket BIO without SIGPIPE ----
 * OpenSSL's socket BIO writes with write(2): a peer that went away would
 * raise SIGPIPE and kill the application. This BIO uses send(MSG_NOSIGNAL)
 * and reports EPIPE as an ordinary error instead. */

static int
nosig_write (BIO *bio, const char *buf, int len)
{
  int fd = GPOINTER_TO_INT (BIO_get_data (bio));
  ssize_t r;

  do
    r = send (fd, buf, (size_t) len, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  BIO_clear_retry_flags (bio);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    BIO_set_retry_write (bio);
  return (int) r;
}

static int
nosig_read (BIO *bio, char *buf, int len)
{
  int fd = GPOINTER_TO_INT (BIO_get_data (bio));
  ssize_t r;

  do
    r = recv (fd, buf, (size_t) len, 0);
  while (r < 0 && errno == EINTR);
  BIO_clear_retry_flags (bio);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    BIO_set_retry_read (bio);
  return (int) r;
}

static long
nosig_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
nosig_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static BIO_METHOD *
nosig_method (void)
{
  static gsize once = 0;
  static BIO_METHOD *method;

  if (g_once_init_enter (&once))
    {
      method = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK, "mp-pop3-socket");
      BIO_meth_set_write (method, nosig_write);
      BIO_meth_set_read (method, nosig_read);
      BIO_meth_set_ctrl (method, nosig_ctrl);
      BIO_meth_set_create (method, nosig_create);
      g_once_init_leave (&once, 1);
    }
  return method;
}

/* ---- OpenSSL and process exit ----
 * A front end may leave main while the CA-store helper thread below is
 * still inside OpenSSL (a connection refused fails long before the store
 * is parsed). OpenSSL's default atexit cleanup would then free the locks
 * and tables that thread is using: a crash instead of the exit status.
 * - The engine initialises OpenSSL without that atexit cleanup; the process
 *   is ending anyway, so nothing needs freeing. This only works if the
 *   engine is first to initialise OpenSSL in the process.
 * - If it was not (another library came first), OPENSSL_cleanup() still runs
 *   at exit, from the atexit handler OpenSSL registered then. The engine's
 *   own atexit handler, registered later, runs before it (in reverse order)
 *   and waits for the helper thread while OpenSSL still works. Waiting only
 *   in an OPENSSL_atexit() handler came too late: OPENSSL_cleanup() marks
 *   OpenSSL stopped before it runs those, and the helper's calls then failed
 *   in ways OpenSSL does not survive (ASan: a SEGV in its decoders, about one
 *   run in ten of test-pop3-exit's foreign-init case under load).
 * - An explicit OPENSSL_cleanup() by an application still gets the
 *   OPENSSL_atexit() handler's wait, the best that can be done then.
 * Either wait first tells the helper to stop: it reads the bundle one
 * certificate at a time and gives up between two of them, so a process
 * ending waits for one certificate's parse, not the whole file's (50 ms,
 * 2-5 s under AddressSanitizer with the slow unwinder: longer than the bound
 * below under load, and LeakSanitizer's exit scan then crashed on the busy
 * thread). The wait stays bounded for a disk that hangs in read(). */

#define EXIT_WAIT_MS 5000   /* bound: a hung disk must not hang exit */

static X509_STORE *system_store;          /* owned, never freed; set before ready */
static gint        system_store_ready;    /* atomic; helper is done with OpenSSL */
static int         system_store_fd = -1;  /* eventfd, readable once ready */
static pid_t       system_store_pid;      /* process that runs the helper */
static gint        loader_stop;           /* atomic; the process is ending */

static void
wait_loader (void)
{
  struct pollfd pfd = { .fd = system_store_fd, .events = POLLIN };

  g_atomic_int_set (&loader_stop, 1);
  /* A forked child has no helper thread to wait for. */
  if (system_store_fd < 0 || getpid () != system_store_pid)
    return;
  if (!g_atomic_int_get (&system_store_ready))
    poll (&pfd, 1, EXIT_WAIT_MS);
  /* poll() orders no memory: this load of the flag the helper set after its
   * last OpenSSL call is what makes those calls happen before the cleanup
   * that follows (ThreadSanitizer reported the free as a race without it). */
  if (!g_atomic_int_get (&system_store_ready))
    g_debug ("CA store still loading at exit");
}

static void
init_openssl (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      if (OPENSSL_init_ssl (OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS |
                            OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1)
        g_debug ("OPENSSL_init_ssl failed");
      ERR_clear_error ();
      g_once_init_leave (&once, 1);
    }
}

/* ---- the system CA store, loaded once, in the background ----
 * Parsing the system bundle takes ~50 ms (much more under sanitizers). It
 * is loaded once per process on a helper thread, started as soon as a TLS
 * session is created, and shared by all sessions; a session waits for it
 * with poll() so that cancellation still answers within 100 ms. */

/* The default bundle file (SSL_CERT_FILE or OpenSSL's built-in path), as
 * X509_STORE_set_default_paths() loads it, but one certificate at a time
 * (see wait_loader). A missing file is no error: the directory may do. */
static void
load_default_file (X509_STORE *store)
{
  const char *file = g_getenv (X509_get_default_cert_file_env ());
  BIO *bio;
  X509 *cert;

  bio = BIO_new_file (file != NULL ? file : X509_get_default_cert_file (), "r");
  if (bio == NULL)
    return;
  while (!g_atomic_int_get (&loader_stop) &&
         (cert = PEM_read_bio_X509_AUX (bio, NULL, NULL, "")) != NULL)
    {
      X509_STORE_add_cert (store, cert);
      X509_free (cert);
    }
  BIO_free (bio);
}

/* What X509_STORE_set_default_paths() sets up besides the file: the hashed
 * directory and the store URI (both default to SSL_CERT_DIR or the built-in
 * directory), looked up per certificate at verification time. */
static gboolean
add_default_lookups (X509_STORE *store)
{
  X509_LOOKUP *dir = X509_STORE_add_lookup (store, X509_LOOKUP_hash_dir ());
  X509_LOOKUP *uri = X509_STORE_add_lookup (store, X509_LOOKUP_store ());

  if (dir == NULL || uri == NULL)
    return FALSE;
  X509_LOOKUP_add_dir (dir, NULL, X509_FILETYPE_DEFAULT);
  X509_LOOKUP_add_store (uri, NULL);
  return TRUE;
}

static gpointer
load_system_store (gpointer data)
{
  X509_STORE *store = X509_STORE_new ();
  guint64 one = 1;

  if (store != NULL)
    load_default_file (store);
  /* While the process ends OpenSSL may refuse work: a failure then is no
   * news for anybody. */
  if ((store == NULL || !add_default_lookups (store)) && !g_atomic_int_get (&loader_stop))
    g_warning ("Could not load the system CA store");
  ERR_clear_error ();
  g_atomic_pointer_set (&system_store, store);
  /* Free this thread's OpenSSL state now rather than in a thread-exit
   * destructor: once ready is set, this thread never touches OpenSSL. */
  OPENSSL_thread_stop ();
  g_atomic_int_set (&system_store_ready, 1);
  if (write (system_store_fd, &one, sizeof one) < 0)
    g_warning ("eventfd: %s", g_strerror (errno));
  return NULL;
}

void
mp_pop3_tls_preload (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      init_openssl ();
      system_store_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (system_store_fd >= 0)
        {
          system_store_pid = getpid ();
          if (OPENSSL_atexit (wait_loader) != 1)
            g_debug ("OPENSSL_atexit failed");
          if (atexit (wait_loader) != 0)
            g_debug ("atexit failed");
          g_thread_unref (g_thread_new ("mp-pop3-ca-store", load_system_store, NULL));
        }
      g_once_init_leave (&once, 1);
    }
}

gboolean
mp_pop3_tls_system_store_ready (void)
{
  return g_atomic_int_get (&system_store_ready);
}

static X509_STORE *
wait_system_store (guint          timeout_ms,
                   MpPop3Pace    *pace,
                   GCancellable  *cancellable,
                   GError       **error)
{
  X509_STORE *store;

  mp_pop3_tls_preload ();
  if (system_store_fd < 0)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_TLS,
                           _("Could not load the system CA store"));
      return NULL;
    }
  while (!g_atomic_int_get (&system_store_ready))
    {
      if (!mp_pop3_wait_fd (system_store_fd, POLLIN, timeout_ms, pace, cancellable, error))
        return NULL;
    }
  store = g_atomic_pointer_get (&system_store);
  if (store == NULL)
    g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_TLS,
                         _("Could not load the system CA store"));
  return store;
}

static void
set_ssl_error (GError      **error,
               gint          code,
               const char   *what)
{
  unsigned long e = ERR_get_error ();
  char buf[256];

  if (e != 0)
    {
      ERR_error_string_n (e, buf, sizeof buf);
      g_set_error (error, MP_POP3_ERROR, code, "%s: %s", what, buf);
    }
  else
    g_set_error (error, MP_POP3_ERROR, code, "%s", what);
  ERR_clear_error ();
}

static MpPop3IoStatus
map_ssl_result (TlsTransport *tls,
                int           ret,
                GError      **error)
{
  int err = SSL_get_error (tls->ssl, ret);

  switch (err)
    {
    case SSL_ERROR_WANT_READ:
      return MP_POP3_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
      return MP_POP3_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
      return MP_POP3_IO_EOF;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error () == 0 && errno == 0)
        return MP_POP3_IO_EOF;
      {
        int errsv = errno;
        g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CLOSED,
                     _("Connection lost: %s"), g_strerror (errsv));
        ERR_clear_error ();
      }
      return MP_POP3_IO_ERROR;
    default:
      set_ssl_error (error, MP_POP3_ERROR_TLS, _("TLS error"));
      return MP_POP3_IO_ERROR;
    }
}

static MpPop3IoStatus
tls_read (MpPop3Transport *t, guint8 *buf, gsize len, gsize *done, GError **error)
{
  TlsTransport *tls = (TlsTransport *) t;
  int ret;

  ERR_clear_error ();
  errno = 0;
  ret = SSL_read_ex (tls->ssl, buf, len, done);
  if (ret == 1)
    return MP_POP3_IO_OK;
  return map_ssl_result (tls, ret, error);
}

static MpPop3IoStatus
tls_write (MpPop3Transport *t, const guint8 *buf, gsize len, gsize *done, GError **error)
{
  TlsTransport *tls = (TlsTransport *) t;
  int ret;

  ERR_clear_error ();
  errno = 0;
  ret = SSL_write_ex (tls->ssl, buf, len, done);
  if (ret == 1)
    return MP_POP3_IO_OK;
  return map_ssl_result (tls, ret, error);
}

static gsize
tls_pending (MpPop3Transport *t)
{
  return (gsize) SSL_pending (((TlsTransport *) t)->ssl);
}

static int
tls_get_fd (MpPop3Transport *t)
{
  TlsTransport *tls = (TlsTransport *) t;

  return tls->inner->vtable->get_fd (tls->inner);
}

static void
tls_free (MpPop3Transport *t)
{
  TlsTransport *tls = (TlsTransport *) t;

  if (tls->ssl != NULL)
    {
      /* One non-blocking attempt at close_notify; a peer that has gone
       * away must not delay closing. */
      ERR_clear_error ();
      SSL_shutdown (tls->ssl);
      ERR_clear_error ();
      SSL_free (tls->ssl);
    }
  if (tls->ctx != NULL)
    SSL_CTX_free (tls->ctx);
  mp_pop3_transport_free (tls->inner);
  g_free (tls);
}

static const MpPop3TransportVTable tls_vtable = {
  tls_read, tls_write, tls_pending, tls_get_fd, tls_free,
};

const char *
mp_pop3_tls_describe (MpPop3Transport *t)
{
  if (t == NULL || t->vtable != &tls_vtable)
    return NULL;
  return ((TlsTransport *) t)->description;
}

gboolean
mp_pop3_normalize_fingerprint (const char *in,
                               char        out[65])
{
  guint n = 0;

  for (const char *p = in; p != NULL && *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p) || n >= 64)
        return FALSE;
      out[n++] = g_ascii_tolower (*p);
    }
  out[n] = '\0';
  return n == 64;
}

static char *
cert_fingerprint (X509 *cert)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  GString *hex;

  if (X509_digest (cert, EVP_sha256 (), md, &md_len) != 1)
    return NULL;
  hex = g_string_sized_new (md_len * 2);
  for (unsigned int i = 0; i < md_len; i++)
    g_string_append_printf (hex, "%02x", md[i]);
  return g_string_free (hex, FALSE);
}

SSL_CTX *
mp_pop3_tls_context_new (const MpPop3Options  *options,
                         GError              **error)
{
  SSL_CTX *ctx;

  init_openssl ();
  ctx = SSL_CTX_new (TLS_client_method ());
  if (ctx == NULL)
    {
      set_ssl_error (error, MP_POP3_ERROR_TLS, _("Could not set up TLS"));
      return NULL;
    }
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  /* The pipeline appends to its output buffer between a WANT_WRITE and the
   * retry (the buffer may move and grow, its unsent prefix stays), and it
   * drops whatever was written as soon as a record went out. */
  SSL_CTX_set_mode (ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                         SSL_MODE_ENABLE_PARTIAL_WRITE);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  SSL_CTX_set_options (ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  /* Read what the socket has, not a record header and then its body: a long
   * listing comes as thousands of small records (Dovecot writes ~4 KiB each),
   * two recv() calls apiece otherwise.  Safe here: readers call SSL_read until
   * it wants more and only then poll the socket. */
  SSL_CTX_set_read_ahead (ctx, 1);
  SSL_CTX_set_default_read_buffer_len (ctx, 64 * 1024);
  if (options->ca_file != NULL &&
      SSL_CTX_load_verify_locations (ctx, options->ca_file, NULL) != 1)
    {
      set_ssl_error (error, MP_POP3_ERROR_TLS, _("Could not load the CA file"));
      SSL_CTX_free (ctx);
      return NULL;
    }
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  return ctx;
}

void
mp_pop3_tls_context_free (SSL_CTX *ctx)
{
  SSL_CTX_free (ctx);
}

static gboolean
setup (TlsTransport         *tls,
       const MpPop3Options  *options,
       SSL_CTX              *ctx,
       guint                 timeout_ms,
       MpPop3Pace           *pace,
       GCancellable         *cancellable,
       GError              **error)
{
  const char *name = options->verify_host != NULL ? options->verify_host : options->host;
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (name);
  X509_VERIFY_PARAM *param;
  BIO *bio;

  if (ctx != NULL && SSL_CTX_up_ref (ctx) == 1)
    tls->ctx = ctx;
  else if ((tls->ctx = mp_pop3_tls_context_new (options, error)) == NULL)
    return FALSE;
  if (options->ca_file == NULL)
    {
      X509_STORE *store = wait_system_store (timeout_ms, pace, cancellable, error);

      if (store == NULL)
        return FALSE;
      SSL_CTX_set1_cert_store (tls->ctx, store);   /* shared, refcounted */
    }

  tls->ssl = SSL_new (tls->ctx);
  bio = BIO_new (nosig_method ());
  if (tls->ssl == NULL || bio == NULL)
    {
      BIO_free (bio);
      set_ssl_error (error, MP_POP3_ERROR_TLS, _("Could not set up TLS"));
      return FALSE;
    }
  BIO_set_data (bio, GINT_TO_POINTER (tls_get_fd (&tls->parent)));
  SSL_set_bio (tls->ssl, bio, bio);   /* one reference, owned by ssl */
  param = SSL_get0_param (tls->ssl);
  if (literal != NULL)
    X509_VERIFY_PARAM_set1_ip_asc (param, name);
  else
    {
      X509_VERIFY_PARAM_set_hostflags (param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host (param, name, 0);
      SSL_set_tlsext_host_name (tls->ssl, name);
    }
  return TRUE;
}

static gboolean
handshake (TlsTransport  *tls,
           guint          timeout_ms,
           MpPop3Pace    *pace,
           GCancellable  *cancellable,
           GError       **error)
{
  for (;;)
    {
      int ret, err;

      ERR_clear_error ();
      errno = 0;
      ret = SSL_connect (tls->ssl);
      if (ret == 1)
        return TRUE;
      err = SSL_get_error (tls->ssl, ret);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        {
          if (!mp_pop3_wait_fd (tls_get_fd (&tls->parent),
                                err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                timeout_ms, pace, cancellable, error))
            return FALSE;
          continue;
        }
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error () == 0)
        g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_TLS,
                             _("The server closed the connection during the TLS handshake"));
      else
        set_ssl_error (error, MP_POP3_ERROR_TLS, _("TLS handshake failed"));
      return FALSE;
    }
}

/* Trusted chain + host, or the pinned certificate. A pin is an extra trust
 * anchor: a certificate that verifies normally is accepted too. */
static gboolean
judge_certificate (TlsTransport         *tls,
                   const MpPop3Options  *options,
                   char                **fingerprint_out,
                   GError              **error)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  X509 *cert = SSL_get1_peer_certificate (tls->ssl);
#else
  X509 *cert = SSL_get_peer_certificate (tls->ssl);
#endif
  g_autofree char *fingerprint = NULL;
  char pin[65];
  long result;

  if (cert == NULL)
    {
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_CERTIFICATE,
                           _("The server sent no certificate"));
      return FALSE;
    }
  fingerprint = cert_fingerprint (cert);
  X509_free (cert);
  if (fingerprint == NULL)
    {
      set_ssl_error (error, MP_POP3_ERROR_TLS, _("Could not hash the server certificate"));
      return FALSE;
    }
  if (fingerprint_out != NULL)
    *fingerprint_out = g_strdup (fingerprint);

  if (options->pin_sha256 != NULL && *options->pin_sha256 != '\0' &&
      mp_pop3_normalize_fingerprint (options->pin_sha256, pin) &&
      strcmp (pin, fingerprint) == 0)
    return TRUE;

  result = SSL_get_verify_result (tls->ssl);
  if (result != X509_V_OK)
    {
      g_set_error (error, MP_POP3_ERROR, MP_POP3_ERROR_CERTIFICATE,
                   _("The server’s certificate is not trusted (%s). SHA-256 fingerprint: %s"),
                   X509_verify_cert_error_string (result), fingerprint);
      return FALSE;
    }
  return TRUE;
}

MpPop3Transport *
mp_pop3_tls_wrap (MpPop3Transport      *inner,
                  const MpPop3Options  *options,
                  SSL_CTX              *ctx,
                  MpPop3Pace           *pace,
                  char                **fingerprint_out,
                  GCancellable         *cancellable,
                  GError              **error)
{
  TlsTransport *tls;
  guint timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : MP_POP3_DEFAULT_TIMEOUT_MS;

  if (inner->vtable->get_fd (inner) < 0)
    {
      mp_pop3_transport_free (inner);
      g_set_error_literal (error, MP_POP3_ERROR, MP_POP3_ERROR_TLS,
                           _("TLS is not possible on this transport"));
      return NULL;
    }

  tls = g_new0 (TlsTransport, 1);
  tls->parent.vtable = &tls_vtable;
  tls->parent.encrypted = TRUE;
  tls->inner = inner;

  if (!setup (tls, options, ctx, timeout_ms, pace, cancellable, error) ||
      !handshake (tls, timeout_ms, pace, cancellable, error) ||
      !judge_certificate (tls, options, fingerprint_out, error))
    {
      tls_free (&tls->parent);
      return NULL;
    }
  g_snprintf (tls->description, sizeof tls->description, "%s, %s",
              SSL_get_version (tls->ssl), SSL_get_cipher_name (tls->ssl));
  return &tls->parent;
}
