#!/usr/bin/env python3
"""Mailpeek benchmark: `mailpeek-cli list` against two Python clients.

All clients read the same Dovecot mailbox (user `big`, --messages generated
messages, default 10,000), over plaintext POP3 and over implicit TLS, directly
(loopback) and through a proxy that delays every chunk by half of each round
trip time in --rtts (default 2, 20 and 100 ms). The proxy is a pipe with
latency: each chunk is stamped when it is read and written out when its stamp
+ delay has passed, while the proxy keeps reading (up to 4 MiB held per
direction, then it pushes back like a real link's buffers), so the delay does
not cap throughput.

The clients:
- mailpeek-cli list (CAPA, login, STAT, LIST+UIDL, TOP n 0 for each, QUIT);
- all-in-flight: mailpeek-cli's dialogue exchange for exchange, except that
  every `TOP n 0` is written at once (as fast as the socket takes them,
  reading all the while), no window at all: the lower bound of what
  mailpeek-cli's pipelining can do, timed in this process from its connect()
  to QUIT's reply. mailpeek-cli is timed twice: its whole run from exec to
  exit, and (LD_PRELOAD of tests/bench/libmp-connect-clock.so, --connect-clock)
  its dialogue from its first connect() to its exit, rows printed. The
  ratio against all-in-flight that the target applies to compares the two
  dialogues; the whole-run ratio is printed beside it (it adds mailpeek-cli's
  program start, which the in-process reference does not pay);
- poplib: the textbook loop, login, STAT, `top(n, 0)` for every message,
  QUIT: one round trip per message. Over a delayed link only the first
  messages (as many as fit in --poplib-budget seconds) are timed and the loop
  is extrapolated linearly (marked *); --full-poplib times all of them.

Peak RSS of mailpeek-cli is measured by GNU time (/usr/bin/time), or else by
wait4()'s rusage (which overstates it by this script's own memory). The cap
run (--cap-messages, default 1,000,000; 0 skips it) lists a built-in fake
server with that many messages (40-character UIDLs, tiny headers) and reports
`/usr/bin/time -v`'s "Maximum resident set size".

Targets (from the issues): over TLS, direct ≥ 4× faster than poplib, ≥ 200×
at 20 ms RTT; at every RTT at least as fast as all-in-flight (ratio ≥ 1.0); peak RSS
≤ 16 MB for the mailbox, ≤ 100 MB at the cap. Missed targets are printed as
MISSED; with --strict they make the exit status 2. A CLI run that fails,
lists the wrong number of messages or exceeds --timeout (e.g. a pipelining
deadlock) exits 1.

Then, unless --no-header-cache, the header cache's own benchmark
(bench-header-cache: save/load of 10,000 and 100,000 cached rows, memory) runs
and its lines are added to the report; its missed targets count as well.

Without the MP_TEST_* environment of tests/harness/with-dovecot.py the script
re-runs itself under `with-dovecot.py --large N`.
"""

import argparse
import asyncio
import base64
import os
import poplib
import selectors
import shutil
import socketserver
import threading
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("MP_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))

TIME = "/usr/bin/time"
TARGET_DIRECT = 4.0
TARGET_DELAYED = 200.0
TARGET_RSS_MB = 16.0
TARGET_CAP_RSS_MB = 100.0
TARGET_VS_ALL_IN_FLIGHT = 1.0


# ---------------------------------------------------------------- proxy ----

# Bytes a direction may hold in flight: like a real link's buffers, a bounded
# pipe pushes back on a sender that never reads (so a client that writes all
# its commands before reading would stall here as it would on a network).
PROXY_BUFFER = 4 * 1024 * 1024


async def _pump(reader, writer, delay):
    """Copies reader → writer, each chunk delayed by `delay` seconds from the
    moment it was read. Reading never waits for writing, only for room."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    room = asyncio.Event()
    room.set()
    held = 0

    async def read_side():
        nonlocal held
        while True:
            await room.wait()
            try:
                data = await reader.read(256 * 1024)
            except OSError:
                data = b""
            held += len(data)
            if held >= PROXY_BUFFER:
                room.clear()
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                return

    async def write_side():
        nonlocal held
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
            except OSError:
                return
            finally:
                held -= len(data)
                if held < PROXY_BUFFER:
                    room.set()

    await asyncio.gather(read_side(), write_side())


async def _serve_proxy(upstream_port, delay):
    async def handle(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        for w in (client_writer, up_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await asyncio.gather(_pump(client_reader, up_writer, delay),
                                 _pump(up_reader, client_writer, delay))
        finally:
            for w in (client_writer, up_writer):
                w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()



# --------------------------------------------------------------- poplib ----

def connect(host, port, use_tls, ca_file):
    if use_tls:
        ctx = ssl.create_default_context(cafile=ca_file)
        return poplib.POP3_SSL(host, port, context=ctx, timeout=60)
    return poplib.POP3(host, port, timeout=60)


def poplib_run(env, port, limit, use_tls):
    """Textbook poplib loop. Returns (count, timed, setup_s, loop_s, quit_s)."""
    t0 = time.perf_counter()
    m = connect(env["MP_TEST_HOST"], port, use_tls, env["MP_TEST_CA_FILE"])
    m.user(env["MP_TEST_BIG_USER"])
    m.pass_(env["MP_TEST_PASSWORD"])
    count, _ = m.stat()
    t1 = time.perf_counter()
    n = count if limit is None else min(count, limit)
    for i in range(1, n + 1):
        m.top(i, 0)
    t2 = time.perf_counter()
    m.quit()
    t3 = time.perf_counter()
    return count, n, t1 - t0, t2 - t1, t3 - t2


def poplib_time(env, port, limit, use_tls):
    count, n, setup, loop, quit_s = poplib_run(env, port, limit, use_tls)
    if n == 0:
        raise RuntimeError("poplib: mailbox is empty")
    total = setup + loop * count / n + quit_s
    return {"count": count, "timed": n, "seconds": total,
            "extrapolated": n < count, "measured": setup + loop + quit_s}


# -------------------------------------------------------- all in flight ----

class _Replies:
    """Counts complete POP3 replies in a byte stream; `multi` says which of
    the expected replies carry a body after +OK."""

    def __init__(self, multi):
        self.multi = multi
        self.buf = b""
        self.done = 0
        self.errors = 0

    def feed(self, data):
        buf = self.buf + data
        pos = 0
        while self.done < len(self.multi):
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                break
            ok = buf.startswith(b"+OK", pos)
            if ok and self.multi[self.done]:
                # The body ends with a line "." alone (a body line "." is
                # sent as ".."), right after the status line if it is empty.
                end = buf.find(b"\r\n.\r\n", eol)
                if end < 0:
                    break
                pos = end + 5
            else:
                pos = eol + 2
                self.errors += not ok
            self.done += 1
        self.buf = buf[pos:]


def pipelined(sock, out, multi):
    """Writes @out (as fast as the socket takes it) while reading the replies
    (@multi: which carry a body); returns the number of -ERR replies."""
    replies = _Replies(multi)
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    view = memoryview(out)
    sent = 0
    while replies.done < len(multi):
        progress = False
        if sent < len(out):
            try:
                n = sock.send(view[sent:sent + 64 * 1024])
                sent += n
                progress = n > 0
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
        try:
            data = sock.recv(256 * 1024)
            if not data:
                raise RuntimeError("all-in-flight: the server closed the connection")
            replies.feed(data)
            continue
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        if progress:
            continue
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if sent < len(out) else 0)
        sel.modify(sock, events)
        if not sel.select(60):
            raise RuntimeError("all-in-flight: no progress for 60 s")
    sel.close()
    sock.setblocking(True)
    if replies.buf:
        raise RuntimeError("all-in-flight: bytes after the last reply")
    return replies.errors


def all_in_flight_run(env, port, use_tls):
    """The dialogue of mailpeek-cli list, exchange for exchange (CAPA, AUTH
    PLAIN or USER/PASS, CAPA, STAT, LIST+UIDL pipelined, the TOPs, QUIT),
    except that every `TOP n 0` is written at once, with no window: what
    mailpeek-cli's pipelining is measured against. Returns (seconds, count)."""
    t0 = time.perf_counter()
    m = connect(env["MP_TEST_HOST"], port, use_tls, env["MP_TEST_CA_FILE"])
    user, password = env["MP_TEST_BIG_USER"], env["MP_TEST_PASSWORD"]
    caps = m.capa()
    if "PLAIN" in caps.get("SASL", []):
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        m._shortcmd("AUTH PLAIN " + token)
    else:
        m.user(user)
        m.pass_(password)
    m.capa()
    count, _ = m.stat()
    # poplib has read nothing beyond STAT's reply: none was sent.
    if pipelined(m.sock, b"LIST\r\nUIDL\r\n", [True, True]):
        raise RuntimeError("all-in-flight: LIST or UIDL refused")
    tops = b"".join(b"TOP %d 0\r\n" % i for i in range(1, count + 1))
    if pipelined(m.sock, tops, [True] * count):
        raise RuntimeError("all-in-flight: TOP refused")
    m.quit()
    return time.perf_counter() - t0, count


# ---------------------------------------------------------- mailpeek-cli ----

def cli_env():
    home = tempfile.mkdtemp(prefix="mp-bench-home-")
    child_env = dict(os.environ)
    child_env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "GSETTINGS_BACKEND": "memory",
    })
    return home, child_env


def cli_run(args, env, port, use_tls, timeout):
    """One `mailpeek-cli list`. Returns (seconds, peak_rss_kb, listed_lines,
    dialogue_seconds): the whole run from exec to exit, and (with
    --connect-clock) from its first connect() to its exit, as all-in-flight is
    timed (None without the clock)."""
    user = env["MP_TEST_BIG_USER"]
    host = env["MP_TEST_HOST"]
    cmd = [args.cli, "--pipeline", args.pipeline]
    if use_tls:
        cmd += ["--ca-file", env["MP_TEST_CA_FILE"], "list",
                f"pop3s://{user}@{host}:{port}"]
    else:
        cmd += ["--starttls=never", "--allow-plaintext-password", "list",
                f"pop3://{user}@{host}:{port}"]

    home, child_env = cli_env()
    child_env["MAILPEEK_PASSWORD"] = env["MP_TEST_PASSWORD"]
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    rss_file = os.path.join(home, "maxrss")
    clock_file = os.path.join(home, "clock")
    if args.connect_clock and os.path.exists(args.connect_clock):
        child_env["LD_PRELOAD"] = args.connect_clock
        child_env["MP_BENCH_CLOCK_FILE"] = clock_file
    argv = cmd
    if os.access(TIME, os.X_OK):
        # wait4() of a child forked from this Python process counts Python's
        # own pages (the child's memory before exec), so let GNU time, a small
        # C program, report the CLI's peak RSS.
        argv = [TIME, "-f", "%M", "-o", rss_file] + cmd
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, env=child_env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = t0 + timeout
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGABRT)  # core/backtrace if enabled
                time.sleep(1)
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise RuntimeError(
                    f"mailpeek-cli did not finish within {timeout} s "
                    f"(pipelining deadlock or stall?): {' '.join(cmd)}")
            time.sleep(0.002)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        maxrss_kb = rusage.ru_maxrss
        if argv is not cmd:
            with open(rss_file, encoding="ascii") as f:
                # "Command exited with non-zero status N" may come first
                maxrss_kb = int(f.read().split()[-1])
        dialogue = None
        if "MP_BENCH_CLOCK_FILE" in child_env:
            with open(clock_file, encoding="ascii") as f:
                connect_ns, exit_ns = (int(x) for x in f.read().split())
            dialogue = (exit_ns - connect_ns) / 1e9
    finally:
        out.close()
        err.close()
        shutil.rmtree(home, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"mailpeek-cli exited {proc.returncode}: {' '.join(cmd)}\n"
                           f"{stderr[-2000:]}")
    lines = [l for l in stdout.splitlines() if l.strip()]
    return seconds, maxrss_kb, len(lines), dialogue


def cli_once(args, env, port, use_tls, expected):
    seconds, maxrss_kb, listed, dialogue = cli_run(args, env, port, use_tls, args.timeout)
    # The listing may carry a header or footer line; it must not be short.
    if listed < expected:
        raise RuntimeError(f"mailpeek-cli listed {listed} lines, "
                           f"the mailbox has {expected} messages")
    return seconds, maxrss_kb, dialogue


def paired_time(args, env, port, use_tls, expected):
    """mailpeek-cli and all-in-flight in turns (so a change of load on a
    shared machine hits both alike); medians, and the median of the ratios
    of each pair: on the dialogue (connect to exit, as all-in-flight is timed)
    when the connect clock is there, and on the whole run (exec to exit)."""
    cli, dia, aif, rss, ratios, whole = [], [], [], [], [], []
    for _ in range(args.repeat):
        seconds, maxrss_kb, dialogue = cli_once(args, env, port, use_tls, expected)
        reference = all_in_flight_run(env, port, use_tls)[0]
        cli.append(seconds)
        dia.append(dialogue if dialogue is not None else seconds)
        rss.append(maxrss_kb)
        aif.append(reference)
        ratios.append(reference / dia[-1])
        whole.append(reference / seconds)
    return ({"seconds": statistics.median(cli), "runs": cli, "rss_mb": max(rss) / 1024.0,
             "dialogue": statistics.median(dia), "dialogue_runs": dia,
             "whole_ratio": statistics.median(whole)},
            {"seconds": statistics.median(aif), "runs": aif},
            statistics.median(ratios))


# ------------------------------------------------------------ cap server ----

CAP_TOP = b"+OK\r\nFrom: Bench <bench@example.org>\r\nSubject: m\r\n\r\n.\r\n"


def cap_uidl(n):
    """40 characters, distinct for every n (like a SHA-1 hex digest)."""
    return b"%040x" % ((n * 0x9E3779B97F4A7C15F39CC0605CEDC834) % (1 << 160))


class _CapHandler(socketserver.BaseRequestHandler):
    """Just enough POP3 for `mailpeek-cli list`: CAPA (PIPELINING), USER/PASS,
    STAT, LIST, UIDL, TOP n 0, QUIT. Pipelined commands are answered a read
    at a time, so the client's window is what limits the speed."""

    def handle(self):
        srv = self.server
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"+OK bench\r\n")
        buf = b""
        while True:
            data = sock.recv(256 * 1024)
            if not data:
                return
            buf += data
            lines = buf.split(b"\r\n")
            buf = lines.pop()
            out = []
            for line in lines:
                verb = line[:4].upper()
                if verb == b"TOP ":
                    out.append(CAP_TOP)
                elif verb == b"CAPA":
                    out.append(b"+OK\r\nPIPELINING\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n")
                elif verb in (b"USER", b"PASS", b"NOOP"):
                    out.append(b"+OK\r\n")
                elif verb == b"STAT":
                    out.append(b"+OK %d %d\r\n" % (srv.count, srv.count * 1000))
                elif verb == b"LIST":
                    out.append(srv.list_body)
                elif verb == b"UIDL":
                    out.append(srv.uidl_body)
                elif verb == b"QUIT":
                    sock.sendall(b"".join(out) + b"+OK bye\r\n")
                    return
                else:
                    out.append(b"-ERR unknown\r\n")
            sock.sendall(b"".join(out))


def serve_cap(count):
    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.TCPServer(("127.0.0.1", 0), _CapHandler) as srv:
        srv.count = count
        srv.list_body = (b"+OK\r\n" + b"".join(b"%d 1000\r\n" % i for i in range(1, count + 1))
                         + b".\r\n")
        srv.uidl_body = (b"+OK\r\n" + b"".join(b"%d %s\r\n" % (i, cap_uidl(i))
                                               for i in range(1, count + 1)) + b".\r\n")
        print(f"PORT {srv.server_address[1]}", flush=True)
        srv.serve_forever()


def start_helper(argv):
    """Runs this script with @argv in its own process (so its timing is not
    disturbed by the measuring loop, GIL, and vice versa). Returns
    (process, port)."""
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__)] + argv,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError(f"{argv[0]} did not start")
    return proc, int(line.split()[1])


def cap_run(args):
    """`/usr/bin/time -v mailpeek-cli list` of --cap-messages messages.
    Returns (seconds, peak_rss_kb, listed_lines)."""
    if not os.access(TIME, os.X_OK):
        raise RuntimeError(f"{TIME} (GNU time) is needed for the cap run")
    server, port = start_helper(["--serve-cap", str(args.cap_messages)])
    home, child_env = cli_env()
    child_env["MAILPEEK_PASSWORD"] = "bench"
    rss_file = os.path.join(home, "time-v")
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-v", "-o", rss_file, args.cli, "--pipeline", args.pipeline,
             "--starttls=never", "--allow-plaintext-password", "list",
             f"pop3://bench@127.0.0.1:{port}"],
            env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        listed = 0
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
            listed += chunk.count(b"\n")
        stderr = proc.stderr.read().decode("utf-8", "replace")
        rc = proc.wait(timeout=args.timeout)
        seconds = time.perf_counter() - t0
        with open(rss_file, encoding="utf-8") as f:
            report = f.read()
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)
    if rc != 0:
        raise RuntimeError(f"mailpeek-cli list (cap run) exited {rc}:\n{stderr[-2000:]}")
    kb = [int(l.split(":")[1]) for l in report.splitlines()
          if "Maximum resident set size" in l]
    if not kb:
        raise RuntimeError("no 'Maximum resident set size' in time -v output")
    return seconds, kb[0], listed


# ----------------------------------------------------------------- main ----

def verdict(ok):
    return "ok" if ok else "MISSED"


def measure(args, env, use_tls, rtt_ms):
    """Mailpeek, all-in-flight and poplib at one RTT (0 = direct)."""
    port = int(env["MP_TEST_POP3S_PORT"] if use_tls else env["MP_TEST_POP3_PORT"])
    proxy = None
    if rtt_ms > 0:
        proxy, port = start_helper(["--serve-proxy", str(port), str(rtt_ms / 2.0)])
    try:
        limit = None
        if rtt_ms > 0 and not args.full_poplib:
            limit = max(20, int(args.poplib_budget * 1000.0 / rtt_ms))
        pop = poplib_time(env, port, limit, use_tls)
        cli, aif, ratio = paired_time(args, env, port, use_tls, pop["count"])
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait()
    return {"rtt": rtt_ms, "tls": use_tls, "count": pop["count"],
            "cli": cli, "aif": aif, "ratio": ratio, "pop": pop}


def bench(args):
    env = os.environ
    rtts = [0.0] + [float(r) for r in args.rtts.split(",") if r.strip()]
    modes = {"plain": [False], "tls": [True], "both": [False, True]}[args.modes]

    print(f"Mailpeek benchmark: mailpeek-cli --pipeline {args.pipeline}; "
          f"medians of {args.repeat} runs of mailpeek-cli and all-in-flight in turns "
          "(vs all-in-flight: median of the pairs' ratios)", flush=True)
    print()
    print(f"{'link':<8} {'RTT':>6}  {'mailpeek-cli':>12}  {'(dialogue)':>10}  "
          f"{'all-in-flight':>13}  {'poplib loop':>12}   {'vs all-in-flight':>16}  "
          f"{'(whole run)':>11}  {'vs poplib':>9}")
    results = []
    missed = False
    for use_tls in modes:
        for rtt in rtts:
            r = measure(args, env, use_tls, rtt)
            results.append(r)
            if r["count"] != args.messages:
                print(f"note: mailbox has {r['count']} messages (asked for {args.messages})")
            cli_s = r["cli"]["seconds"]
            vs_aif = r["ratio"]   # median of the paired runs' ratios
            vs_pop = r["pop"]["seconds"] / cli_s
            ok = vs_aif >= TARGET_VS_ALL_IN_FLIGHT
            # The poplib targets were set over TLS (plaintext poplib is faster).
            if use_tls and rtt == 0:
                ok = ok and vs_pop >= TARGET_DIRECT
            elif use_tls and rtt == 20:
                ok = ok and vs_pop >= TARGET_DELAYED
            missed |= not ok
            star = "*" if r["pop"]["extrapolated"] else " "
            print(f"{'tls' if use_tls else 'plain':<8} "
                  f"{('%g ms' % rtt) if rtt else 'direct':>6}  "
                  f"{cli_s:10.3f} s  {r['cli']['dialogue']:8.3f} s  "
                  f"{r['aif']['seconds']:11.3f} s  "
                  f"{r['pop']['seconds']:10.3f} s{star}  {vs_aif:15.2f}x  "
                  f"{r['cli']['whole_ratio']:10.2f}x  {vs_pop:8.1f}x"
                  f"  {verdict(ok)}", flush=True)
    rss = max(r["cli"]["rss_mb"] for r in results)
    print()
    print(f"peak RSS of mailpeek-cli list ({results[0]['count']} messages): {rss:.1f} MB "
          f"(target <= {TARGET_RSS_MB:.0f} MB: {verdict(rss <= TARGET_RSS_MB)})")
    missed |= rss > TARGET_RSS_MB
    print("targets: >= 1.0x all-in-flight everywhere; over TLS >= "
          f"{TARGET_DIRECT:.0f}x poplib direct, >= {TARGET_DELAYED:.0f}x at 20 ms")
    print("* poplib over a delayed link: the first messages timed (--poplib-budget "
          f"{args.poplib_budget:g} s), the loop extrapolated linearly")
    for r in results:
        print(f"runs {'tls' if r['tls'] else 'plain'} {r['rtt']:g} ms: mailpeek-cli "
              + ", ".join(f"{t:.3f}" for t in r["cli"]["runs"]) + "; its dialogue "
              + ", ".join(f"{t:.3f}" for t in r["cli"]["dialogue_runs"]) + "; all-in-flight "
              + ", ".join(f"{t:.3f}" for t in r["aif"]["runs"]))
    sys.stdout.flush()

    if args.cap_messages > 0:
        seconds, kb, listed = cap_run(args)
        cap_mb = kb / 1024.0
        print()
        print(f"cap run: mailpeek-cli list of {args.cap_messages} messages (40-character "
              f"UIDLs, built-in server): {listed} lines in {seconds:.1f} s, "
              f"maximum resident set size {cap_mb:.1f} MB (time -v) "
              f"(target <= {TARGET_CAP_RSS_MB:.0f} MB: {verdict(cap_mb <= TARGET_CAP_RSS_MB)})")
        if listed < args.cap_messages:
            raise RuntimeError(f"cap run listed {listed} lines, expected {args.cap_messages}")
        missed |= cap_mb > TARGET_CAP_RSS_MB
    if not header_cache_report(args):
        missed = True
    return 2 if (missed and args.strict) else 0


def header_cache_report(args):
    """Runs bench-header-cache and prints its lines; False when it missed a target."""
    if args.no_header_cache:
        return True
    if not os.access(args.header_cache, os.X_OK):
        print(f"\nbench-header-cache not found at {args.header_cache}: skipped")
        return True
    print(flush=True)
    rc = subprocess.call([args.header_cache, "--strict"])
    if rc not in (0, 2):
        raise RuntimeError(f"bench-header-cache failed (exit {rc})")
    return rc == 0


def default_cli():
    build = os.environ.get("MP_BUILD_ROOT", os.path.join(SOURCE_ROOT, "_build"))
    return os.path.join(build, "src", "cli", "mailpeek-cli")


def default_connect_clock():
    build = os.environ.get("MP_BUILD_ROOT", os.path.join(SOURCE_ROOT, "_build"))
    return os.path.join(build, "tests", "bench", "libmp-connect-clock.so")


def default_header_cache():
    build = os.environ.get("MP_BUILD_ROOT", os.path.join(SOURCE_ROOT, "_build"))
    return os.path.join(build, "tests", "bench", "bench-header-cache")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=10000,
                   help="size of the generated mailbox (with-dovecot.py --large)")
    p.add_argument("--cli", default=default_cli(), help="path of mailpeek-cli")
    p.add_argument("--pipeline", default="auto", help="mailpeek-cli --pipeline value")
    p.add_argument("--rtts", default="2,20,100",
                   help="round trip times in ms through the delaying proxy, comma-"
                        "separated (a direct run always comes first)")
    p.add_argument("--modes", choices=("plain", "tls", "both"), default="both",
                   help="plaintext POP3, implicit TLS or both")
    p.add_argument("--poplib-budget", type=float, default=10.0,
                   help="poplib over a delayed link: time as many messages as fit in "
                        "this many seconds and extrapolate")
    p.add_argument("--full-poplib", action="store_true",
                   help="time poplib on every message over the delayed links too")
    p.add_argument("--repeat", type=int, default=5,
                   help="mailpeek-cli and all-in-flight runs per setting (median)")
    p.add_argument("--cap-messages", type=int, default=1000000,
                   help="messages of the cap run's built-in server (0 = no cap run)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds before a mailpeek-cli run counts as hung")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    p.add_argument("--connect-clock", default=default_connect_clock(),
                   help="LD_PRELOAD library that times mailpeek-cli from its connect() "
                        "(tests/bench/libmp-connect-clock.so; '' to time whole runs only)")
    p.add_argument("--header-cache", default=default_header_cache(),
                   help="path of bench-header-cache")
    p.add_argument("--no-header-cache", action="store_true",
                   help="leave out the header cache's benchmark")
    p.add_argument("--serve-proxy", nargs=2, metavar=("UPSTREAM_PORT", "DELAY_MS"),
                   help=argparse.SUPPRESS)
    p.add_argument("--serve-cap", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.serve_proxy:
        try:
            asyncio.run(_serve_proxy(int(args.serve_proxy[0]),
                                     float(args.serve_proxy[1]) / 1000.0))
        except KeyboardInterrupt:
            pass
        return 0
    if args.serve_cap:
        try:
            serve_cap(args.serve_cap)
        except KeyboardInterrupt:
            pass
        return 0

    if not os.access(args.cli, os.X_OK):
        print(f"mailpeek-cli not found at {args.cli} (build it, or pass --cli)",
              file=sys.stderr)
        return 1

    if "MP_TEST_BIG_USER" not in os.environ:
        harness = os.path.join(SOURCE_ROOT, "tests", "harness", "with-dovecot.py")
        env = dict(os.environ)
        env.setdefault("MP_SOURCE_ROOT", SOURCE_ROOT)
        env.setdefault("MP_BUILD_ROOT", os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(args.cli)))))
        argv = [sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
        if "--cli" not in sys.argv[1:]:
            argv += ["--cli", args.cli]
        return subprocess.call([sys.executable, harness, "--large", str(args.messages),
                                "--"] + argv, env=env)

    try:
        return bench(args)
    except (RuntimeError, OSError, poplib.error_proto, ssl.SSLError) as e:
        print(f"benchmark failed: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
