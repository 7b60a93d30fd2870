#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scripted fake POP3 server for Mailpeek tests (faults Dovecot cannot produce).

Usage: fake-pop3.py [--tls CERT KEY | --stls CERT KEY] [--io-timeout SECONDS] SCRIPT
       (SCRIPT '-' = stdin)

Listens on 127.0.0.1 port 0, prints "PORT <n>" (flushed) once listening, serves ONE
connection following SCRIPT, then exits 0 if every `expect` matched the client's
transcript; otherwise it prints the mismatch on stderr and exits 1 (exit 2 = bad script
or usage).  With --tls the connection is implicit TLS from the first byte (unless the
script has a `starttls` step); with --stls the connection always starts in clear and
CERT/KEY serve only the `starttls` step.

SCRIPT, one step per line (blank lines and lines starting with '#' are ignored):
  send <text>        send text + CRLF      (escapes: \\r \\n \\t \\\\ \\xHH)
  send-raw <text>    send text without CRLF
  expect <text>      read one client line; must equal text ('*' matches any run of chars)
  expect-any         read and ignore one client line
  expect-eof         the client must close the connection now (no further line)
  sleep <seconds>    pause
  hang               stop answering; keep the socket open until the client closes or
                     30 s pass
  close              close the connection (FIN)
  reset              close the connection with RST
  starttls           server side of a TLS handshake (after "send +OK"); needs --stls
                     (or --tls);
                     bytes the client sent before the handshake are a mismatch
  repeat <n> <text>  send text + CRLF n times; "{i}" in text becomes 1..n
  drip <seconds> <text>
                     send text + CRLF one byte at a time, pausing <seconds> before each
                     byte (a server too slow to be healthy, never silent long enough for
                     an idle timeout); stops early once the client has gone
  next-session       end this connection (close it) and serve the steps that follow
                     on the next one.  A script with next-session keeps listening
                     and locks the mailbox like RFC 1939 servers do: a connection
                     that arrives while a session is open (after a 1 s grace for a
                     session that is just ending) is answered "-ERR [IN-USE] ..." and
                     closed, and the run fails (exit 1: two sessions overlapped).
When the script ends the connection is closed.  Every read is bounded (--io-timeout,
default 30 s) and waiting for the connection is bounded to 60 s, so the server never
outlives a test by much.
"""

import argparse
import re
import socket
import ssl
import struct
import sys
import threading
import time

MAX_LINE = 64 * 1024
HANG_SECONDS = 30.0
ACCEPT_SECONDS = 60.0


class Mismatch(Exception):
    pass


def unescape(text):
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            n = text[i + 1]
            if n == 'r':
                out.append('\r')
            elif n == 'n':
                out.append('\n')
            elif n == 't':
                out.append('\t')
            elif n == '\\':
                out.append('\\')
            elif n == "x" and i + 3 < len(text) and re.match(r'[0-9a-fA-F]{2}', text[i + 2:i + 4]):
                out.append(chr(int(text[i + 2:i + 4], 16)))
                i += 4
                continue
            else:
                out.append(c + n)
            i += 2
            continue
        out.append(c)
        i += 1
    # latin-1 keeps \xHH as the single byte HH
    return ''.join(out).encode('latin-1')


def glob_to_regex(pattern):
    return re.compile(b'.*'.join(re.escape(p) for p in pattern.split(b'*')) + b'\\Z', re.S)


class Conn:
    def __init__(self, sock, io_timeout):
        self.sock = sock
        self.buf = b''
        self.closed = False   # we closed it
        self.eof = False      # the client closed it
        self.io_timeout = io_timeout

    def send(self, data):
        if self.closed:
            return False
        try:
            self.sock.sendall(data)
        except OSError as e:
            # The client may legitimately have hung up; a later `expect` reports it.
            log('send failed: %s' % e)
            return False
        return True

    def drip(self, interval, data):
        for i in range(len(data)):
            time.sleep(interval)
            if not self.send(data[i:i + 1]):
                return

    def readline(self):
        deadline = time.monotonic() + self.io_timeout
        while True:
            idx = self.buf.find(b'\n')
            if idx >= 0:
                line = self.buf[:idx]
                self.buf = self.buf[idx + 1:]
                if line.endswith(b'\r'):
                    line = line[:-1]
                return line
            if len(self.buf) > MAX_LINE:
                raise Mismatch('client line longer than %d bytes' % MAX_LINE)
            if self.eof or self.closed:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise Mismatch('timed out after %g s waiting for a client line' % self.io_timeout)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (OSError, ssl.SSLError) as e:
                log('recv failed: %s' % e)
                chunk = b''
            if not chunk:
                self.eof = True
                if self.buf:
                    raise Mismatch('client closed the connection in the middle of a line: %r' % self.buf)
            self.buf += chunk

    def hang(self):
        deadline = time.monotonic() + HANG_SECONDS
        while not self.eof and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                if not self.sock.recv(65536):
                    self.eof = True
            except socket.timeout:
                pass
            except (OSError, ssl.SSLError):
                self.eof = True

    def close(self, rst=False):
        if self.closed:
            return
        self.closed = True
        try:
            if rst:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            elif isinstance(self.sock, ssl.SSLSocket):
                try:
                    self.sock.settimeout(2)
                    self.sock.unwrap()
                except (OSError, ssl.SSLError, ValueError):
                    pass
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


def log(msg):
    sys.stderr.write('fake-pop3: %s\n' % msg)
    sys.stderr.flush()


def parse_script(text):
    steps = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip('\r\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        cmd, _, arg = line.partition(' ')
        if cmd in ('send', 'send-raw', 'expect'):
            steps.append((lineno, cmd, unescape(arg)))
        elif cmd in ('expect-any', 'expect-eof', 'hang', 'close', 'reset', 'starttls',
                     'next-session'):
            steps.append((lineno, cmd, None))
        elif cmd == 'sleep':
            steps.append((lineno, cmd, float(arg)))
        elif cmd == 'repeat':
            n, _, t = arg.partition(' ')
            steps.append((lineno, cmd, (int(n), unescape(t))))
        elif cmd == 'drip':
            n, _, t = arg.partition(' ')
            steps.append((lineno, cmd, (float(n), unescape(t))))
        else:
            raise ValueError('line %d: unknown step %r' % (lineno, cmd))
    return steps


def run(conn, steps, tls_ctx):
    for lineno, cmd, arg in steps:
        if cmd == 'send':
            conn.send(arg + b'\r\n')
        elif cmd == 'send-raw':
            conn.send(arg)
        elif cmd == 'repeat':
            n, text = arg
            chunk = []
            for i in range(1, n + 1):
                chunk.append(text.replace(b'{i}', str(i).encode()) + b'\r\n')
                if len(chunk) >= 1024:
                    conn.send(b''.join(chunk))
                    chunk = []
            conn.send(b''.join(chunk))
        elif cmd == 'drip':
            conn.drip(arg[0], arg[1] + b'\r\n')
        elif cmd in ('expect', 'expect-any'):
            got = conn.readline()
            if got is None:
                raise Mismatch('script line %d: expected %r but the client closed the connection'
                               % (lineno, arg if arg is not None else '<any line>'))
            if cmd == 'expect' and not glob_to_regex(arg).match(got):
                raise Mismatch('script line %d: expected %r, client sent %r' % (lineno, arg, got))
        elif cmd == 'expect-eof':
            got = conn.readline()
            if got is not None:
                raise Mismatch('script line %d: expected the client to close, client sent %r'
                               % (lineno, got))
        elif cmd == 'sleep':
            time.sleep(arg)
        elif cmd == 'hang':
            conn.hang()
        elif cmd == 'close':
            conn.close()
        elif cmd == 'reset':
            conn.close(rst=True)
        elif cmd == 'starttls':
            if tls_ctx is None:
                raise Mismatch('script line %d: starttls needs --stls CERT KEY' % lineno)
            if conn.buf:
                raise Mismatch('script line %d: client sent %r before the TLS handshake'
                               % (lineno, conn.buf))
            conn.sock.settimeout(conn.io_timeout)
            try:
                conn.sock = tls_ctx.wrap_socket(conn.sock, server_side=True)
            except (OSError, ssl.SSLError) as e:
                conn.closed = True
                raise Mismatch('script line %d: TLS handshake failed: %s' % (lineno, e))


def split_sessions(steps):
    sessions = [[]]
    for step in steps:
        if step[1] == 'next-session':
            sessions.append([])
        else:
            sessions[-1].append(step)
    return sessions


class Locker:
    """Accepts connections on @lsock in a thread: hands them out one at a time and
    refuses (with [IN-USE]) one that arrives while a session is open."""
    GRACE = 1.0

    def __init__(self, lsock):
        self.lsock = lsock
        self.cond = threading.Condition()
        self.waiting = []
        self.active = False
        self.overlaps = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        self.lsock.settimeout(0.2)
        while not self.stopped:
            try:
                sock, _ = self.lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.cond:
                self.cond.wait_for(lambda: not self.active, timeout=self.GRACE)
                if self.active:
                    self.overlaps += 1
                    log('MISMATCH: a second session opened while one was open')
                    try:
                        sock.sendall(b'-ERR [IN-USE] mailbox locked by another session\r\n')
                    except OSError:
                        pass
                    sock.close()
                    continue
                self.waiting.append(sock)
                self.cond.notify_all()

    def next(self, timeout):
        with self.cond:
            if not self.cond.wait_for(lambda: self.waiting, timeout=timeout):
                return None
            self.active = True
            return self.waiting.pop(0)

    def done(self):
        with self.cond:
            self.active = False
            self.cond.notify_all()

    def stop(self):
        self.stopped = True
        self.thread.join()
        self.lsock.close()


def serve_sessions(lsock, sessions, args, tls_ctx):
    locker = Locker(lsock)
    status = 0
    try:
        for i, steps in enumerate(sessions):
            sock = locker.next(ACCEPT_SECONDS)
            if sock is None:
                log('session %d: no client connected within %d s' % (i + 1, ACCEPT_SECONDS))
                return 1
            conn = Conn(sock, args.io_timeout)
            try:
                run(conn, steps, tls_ctx)
            except Mismatch as e:
                log('MISMATCH: session %d: %s' % (i + 1, e))
                status = 1
            conn.close()
            locker.done()
            if status:
                return status
    finally:
        locker.stop()
    return 1 if locker.overlaps else 0


def main():
    ap = argparse.ArgumentParser(description='Scripted fake POP3 server')
    ap.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'), help='implicit TLS')
    ap.add_argument('--stls', nargs=2, metavar=('CERT', 'KEY'),
                    help='certificate for the starttls step; the connection starts in clear')
    ap.add_argument('--io-timeout', type=float, default=30.0)
    ap.add_argument('script')
    args = ap.parse_args()

    try:
        if args.script == '-':
            text = sys.stdin.read()
        else:
            with open(args.script, encoding='utf-8') as f:
                text = f.read()
        steps = parse_script(text)
    except (OSError, ValueError) as e:
        log('bad script: %s' % e)
        return 2

    tls_ctx = None
    if args.tls and args.stls:
        log('--tls and --stls exclude each other')
        return 2
    if args.tls or args.stls:
        pair = args.tls or args.stls
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(pair[0], pair[1])

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(1)
    sys.stdout.write('PORT %d\n' % lsock.getsockname()[1])
    sys.stdout.flush()

    sessions = split_sessions(steps)
    if len(sessions) > 1:
        if tls_ctx is not None:
            log('next-session works in clear only')
            return 2
        return serve_sessions(lsock, sessions, args, tls_ctx)

    lsock.settimeout(ACCEPT_SECONDS)
    try:
        sock, _ = lsock.accept()
    except socket.timeout:
        log('no client connected within %d s' % ACCEPT_SECONDS)
        return 1
    finally:
        lsock.close()

    conn = Conn(sock, args.io_timeout)
    try:
        # --tls with a script that has a starttls step means "certificate for STARTTLS"
        # (TLS inside TLS is meaningless), as HARNESS.md words it.
        implicit = args.tls and not any(c == 'starttls' for _, c, _ in steps)
        if implicit:
            sock.settimeout(args.io_timeout)
            try:
                conn.sock = tls_ctx.wrap_socket(sock, server_side=True)
            except (OSError, ssl.SSLError) as e:
                conn.closed = True
                # A client that rejects our certificate ends here; only a script that
                # still expects something counts that as a mismatch.
                if any(c in ('expect', 'expect-any') for _, c, _ in steps):
                    raise Mismatch('TLS handshake failed: %s' % e)
                log('TLS handshake failed: %s' % e)
                return 0
        run(conn, steps, tls_ctx)
    except Mismatch as e:
        log('MISMATCH: %s' % e)
        conn.close()
        return 1
    conn.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
