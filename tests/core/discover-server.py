#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local HTTPS server and HTTP proxy for the account-discovery tests.

Usage: discover-server.py DIR [DOMAIN=HOST:PORT:SOCKETTYPE:USERNAME ...]

Makes a private CA and a server certificate (openssl) in DIR, then serves:
  - HTTPS on 127.0.0.1 (port 0): Thunderbird config-v1.1.xml documents for the test
    domains below, as their provider's autoconfig (Host autoconfig.D, or D for the
    /.well-known/ path) and as an ISP database (path /v1.1/D, any Host);
  - an HTTP proxy on 127.0.0.1 (port 0) that tunnels CONNECT for the test host names
    (and 127.0.0.1) to that HTTPS server and answers 502 for any other host, so a
    client whose https_proxy points here reaches "https://autoconfig.D/" without DNS
    or port 443.
Prints "PROXY <port>\nHTTPS <port>\n" (flushed) once listening, logs every HTTPS
request as "HOST PATH?QUERY" lines in DIR/requests.log, and exits when stdin closes.
Files: DIR/ca.pem (the CA to trust), DIR/server.pem, DIR/server.key.
Each DOMAIN=... argument adds an ISP database entry with one POP3 server (the GUI
test points one at its Dovecot); USERNAME may be a template such as %EMAILLOCALPART%.
"""

import http.server
import os
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse


def config(*servers, imap=False):
    """servers: (hostname, port, socketType, username)"""
    parts = ['<?xml version="1.0"?>\n<clientConfig version="1.1">\n'
             ' <emailProvider id="test">\n  <domain>test</domain>\n']
    if imap:
        parts.append('  <incomingServer type="imap"><hostname>imap.example.test</hostname>'
                     '<port>993</port><socketType>SSL</socketType>'
                     '<username>imap-user</username></incomingServer>\n')
    for host, port, sock, user in servers:
        parts.append('  <incomingServer type="pop3">\n'
                     f'   <hostname>{host}</hostname>\n   <port>{port}</port>\n'
                     f'   <socketType>{sock}</socketType>\n'
                     f'   <username>{user}</username>\n'
                     '   <authentication>password-cleartext</authentication>\n'
                     '  </incomingServer>\n')
    parts.append('  <outgoingServer type="smtp"><hostname>smtp.example.test</hostname>'
                 '<port>465</port><socketType>SSL</socketType></outgoingServer>\n'
                 ' </emailProvider>\n</clientConfig>\n')
    return ('xml', ''.join(parts).encode())


GOOD = config(('pop.good.test', 110, 'STARTTLS', '%EMAILLOCALPART%'),
              ('pop.%EMAILDOMAIN%', 995, 'SSL', '%EMAILLOCALPART%'),
              ('pop-plain.good.test', 110, 'plain', '%EMAILLOCALPART%'), imap=True)
MALFORMED = ('xml', b'<clientConfig version="1.1"><emailProvider id="x">'
                    b'<incomingServer type="pop3"><hostname>pop.x.test</hostname>'
                    b'</emailProvider></clientConfig>')
HUGE = ('huge', None)
DECLARED_HUGE = ('declared-huge', None)

# domain -> {'autoconfig': response, 'wellknown': response, 'ispdb': response}
# A response is ('xml', bytes), ('huge', None), ('declared-huge', None),
# ('hang', None) or ('redirect', location).
DOMAINS = {
    'good.test': {'autoconfig': GOOD},
    'wellknown.test': {'wellknown': config(('pop.wellknown.test', 995, 'SSL',
                                            '%EMAILADDRESS%'))},
    'isp.test': {'ispdb': config(('pop.isp.test', 110, 'STARTTLS', '%EMAILADDRESS%'))},
    'plain.test': {'ispdb': config(('pop.plain.test', 110, 'plain', '%EMAILLOCALPART%'))},
    # the MX provider of mx.test: its ISPDB entry
    'provider.test': {'ispdb': config(('pop.provider.test', 995, 'SSL', '%EMAILADDRESS%'))},
    # the MX provider of mx2.test: only its own autoconfig
    'hoster.test': {'autoconfig': config(('pop.hoster.test', 995, 'SSL', '%EMAILADDRESS%'))},
    'malformed.test': {'autoconfig': MALFORMED, 'ispdb': MALFORMED},
    'huge.test': {'autoconfig': HUGE, 'ispdb': HUGE},
    'declaredhuge.test': {'autoconfig': DECLARED_HUGE},
    'imaponly.test': {'autoconfig': config(imap=True)},
    # answers nothing for a minute: a search the user cancels
    'slow.test': {'autoconfig': ('hang', None)},
    'redirect.test': {'autoconfig': ('redirect', 'https://evil.test/mail/config-v1.1.xml')},
    'redirecthttp.test': {'autoconfig': ('redirect',
                                         'http://autoconfig.redirecthttp.test/mail/config-v1.1.xml')},
    'redirectok.test': {'autoconfig': ('redirect', '/moved/config-v1.1.xml')},
    'evil.test': {'wellknown': GOOD},
}
MOVED = GOOD   # what autoconfig.redirectok.test serves at /moved/

# pop3.guess.test: the fake POP3 servers of the guess tests use this certificate too.
HOSTS = sorted({'autoconfig.' + d for d in DOMAINS} | set(DOMAINS) | {'ispdb.test', 'pop3.guess.test'})


def make_certs(d):
    def run(*args):
        subprocess.run(['openssl', *args], cwd=d, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key')
    run('req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.pem', '-days', '30',
        '-subj', '/CN=Mailpeek discovery test CA',
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'server.key')
    run('req', '-new', '-key', 'server.key', '-out', 'server.csr', '-subj', '/CN=discovery')
    san = ','.join(['DNS:' + h for h in HOSTS] + ['IP:127.0.0.1'])
    with open(os.path.join(d, 'server.ext'), 'w') as f:
        f.write(f'subjectAltName={san}\nbasicConstraints=CA:FALSE\n'
                'extendedKeyUsage=serverAuth\n')
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
        '-CAcreateserial', '-out', 'server.pem', '-days', '30', '-extfile', 'server.ext')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'   # the body ends when the connection closes

    def log_message(self, *args):
        pass

    def route(self, host, path):
        if path.startswith('/v1.1/'):
            return DOMAINS.get(path[len('/v1.1/'):], {}).get('ispdb')
        if host.startswith('autoconfig.') and path == '/mail/config-v1.1.xml':
            return DOMAINS.get(host[len('autoconfig.'):], {}).get('autoconfig')
        if host == 'autoconfig.redirectok.test' and path == '/moved/config-v1.1.xml':
            return MOVED
        if path == '/.well-known/autoconfig/mail/config-v1.1.xml':
            return DOMAINS.get(host, {}).get('wellknown')
        return None

    def do_GET(self):
        host = self.headers.get('Host', '').split(':')[0].lower()
        url = urllib.parse.urlsplit(self.path)
        with open(self.server.log_path, 'a') as log:
            log.write(f'{host} {self.path}\n')
        response = self.route(host, url.path)
        if response is None:
            self.send_error(404)
            return
        kind, value = response
        if kind == 'hang':
            time.sleep(60)
            return
        if kind == 'redirect':
            self.send_response(302)
            self.send_header('Location', value)
            self.end_headers()
        elif kind == 'huge':
            # 10 MiB, no Content-Length: the client must stop reading by itself.
            self.send_response(200)
            self.send_header('Content-Type', 'text/xml')
            self.end_headers()
            chunk = b'<!-- padding -->' * 4096
            try:
                for _ in range(10 * 1024 * 1024 // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif kind == 'declared-huge':
            # Says 10 MiB up front, sends a little: refused on the header alone.
            self.send_response(200)
            self.send_header('Content-Type', 'text/xml')
            self.send_header('Content-Length', str(10 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b'<clientConfig>')
        else:
            self.send_response(200)
            self.send_header('Content-Type', 'text/xml')
            self.send_header('Content-Length', str(len(value)))
            self.end_headers()
            self.wfile.write(value)


class Proxy(socketserver.StreamRequestHandler):
    def handle(self):
        request = self.rfile.readline(8192).decode('latin-1').split()
        while self.rfile.readline(8192) not in (b'\r\n', b'\n', b''):
            pass
        if len(request) < 2 or request[0] != 'CONNECT':
            self.wfile.write(b'HTTP/1.1 405 Method Not Allowed\r\n\r\n')
            return
        host = request[1].rsplit(':', 1)[0].lower()
        if host not in HOSTS and host != '127.0.0.1':
            self.wfile.write(b'HTTP/1.1 502 Bad Gateway\r\n\r\n')
            return
        upstream = socket.create_connection(('127.0.0.1', self.server.https_port))
        self.wfile.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
        self.wfile.flush()
        pipe(self.connection, upstream)
        upstream.close()


def pipe(a, b):
    peers = {a: b, b: a}
    while True:
        ready, _, _ = select.select([a, b], [], [], 60)
        if not ready:
            return
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            try:
                peers[s].sendall(data)
            except OSError:   # the client gave up (a refused certificate, a cancel)
                return


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def add_ispdb_domains(specs):
    for spec in specs:
        domain, server = spec.split('=', 1)
        host, port, sock, user = server.split(':', 3)
        DOMAINS[domain] = {'ispdb': config((host, int(port), sock, user))}


def main():
    d = sys.argv[1]
    add_ispdb_domains(sys.argv[2:])
    make_certs(d)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(d, 'server.pem'), os.path.join(d, 'server.key'))
    https = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    https.daemon_threads = True
    https.socket = context.wrap_socket(https.socket, server_side=True)
    https.log_path = os.path.join(d, 'requests.log')
    open(https.log_path, 'w').close()
    proxy = ThreadingTCP(('127.0.0.1', 0), Proxy)
    proxy.https_port = https.server_address[1]
    for server in (https, proxy):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f'PROXY {proxy.server_address[1]}\nHTTPS {https.server_address[1]}', flush=True)
    sys.stdin.read()


if __name__ == '__main__':
    main()
