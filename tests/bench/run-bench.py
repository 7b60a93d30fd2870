#!/usr/bin/env python3
"""Mailpeek benchmark: `mailpeek-cli list` against a Python poplib loop.

Both clients read the same Dovecot mailbox (user `big`, --messages generated
messages, default 10,000) twice: directly over loopback, and through a proxy
that delays every chunk by --delay-ms in each direction (default 10 ms, so a
20 ms round trip). The proxy is a pipe with latency: each chunk is stamped
when it is read and written out when its stamp + delay has passed, while the
proxy keeps reading (up to 4 MiB held per direction, then it pushes back like
a real link's buffers), so the delay does not cap throughput.

The poplib loop is the textbook one: login, STAT, then `top(n, 0)` for every
message, then QUIT — one round trip per message. At 20 ms RTT that is ~200 s
for 10,000 messages, so by default only the first --poplib-sample messages
are timed over the delayed link and the loop time is extrapolated linearly
(the output says so); --full-poplib times all of them. The direct poplib run
always covers every message.

Peak RSS of mailpeek-cli is measured by GNU time (/usr/bin/time -f %M), or
else by wait4()'s rusage (which overstates it by this script's own memory).

Targets (from the issue): direct ≥ 4× faster than poplib, ≥ 200× at 20 ms RTT,
peak RSS ≤ 16 MB. Missed targets are printed as MISSED; with --strict they
make the exit status 2. A CLI run that fails, lists the wrong number of
messages or exceeds --timeout (e.g. a pipelining deadlock) exits 1.

Then, unless --no-header-cache, the header cache's own benchmark
(bench-header-cache: save/load of 10,000 and 100,000 cached rows, memory) runs
and its lines are added to the report; its missed targets count as well.

Without the MP_TEST_* environment of tests/harness/with-dovecot.py the script
re-runs itself under `with-dovecot.py --large N`.
"""

import argparse
import asyncio
import os
import poplib
import shutil
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


def start_proxy(upstream_port, delay_ms):
    """Runs the proxy in its own process so its timing is not disturbed by
    the poplib loop (GIL) and vice versa. Returns (process, port)."""
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve-proxy",
         str(upstream_port), str(delay_ms)],
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise RuntimeError("proxy did not start")
    return proc, int(line.split()[1])


# --------------------------------------------------------------- poplib ----

def poplib_run(env, port, limit, use_tls):
    """Textbook poplib loop. Returns (count, timed, setup_s, loop_s, quit_s)."""
    host = env["MP_TEST_HOST"]
    t0 = time.perf_counter()
    if use_tls:
        ctx = ssl.create_default_context(cafile=env["MP_TEST_CA_FILE"])
        m = poplib.POP3_SSL(host, port, context=ctx, timeout=60)
    else:
        m = poplib.POP3(host, port, timeout=60)
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


# ---------------------------------------------------------- mailpeek-cli ----

def cli_run(args, env, port, use_tls, timeout):
    """One `mailpeek-cli list`. Returns (seconds, peak_rss_kb, listed_lines)."""
    user = env["MP_TEST_BIG_USER"]
    host = env["MP_TEST_HOST"]
    cmd = [args.cli, "--pipeline", args.pipeline]
    if use_tls:
        cmd += ["--ca-file", env["MP_TEST_CA_FILE"], "list",
                f"pop3s://{user}@{host}:{port}"]
    else:
        cmd += ["--starttls=never", "--allow-plaintext-password", "list",
                f"pop3://{user}@{host}:{port}"]

    home = tempfile.mkdtemp(prefix="mp-bench-home-")
    child_env = dict(os.environ)
    child_env.update({
        "MAILPEEK_PASSWORD": env["MP_TEST_PASSWORD"],
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "GSETTINGS_BACKEND": "memory",
    })
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    rss_file = os.path.join(home, "maxrss")
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
    finally:
        out.close()
        err.close()
        shutil.rmtree(home, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"mailpeek-cli exited {proc.returncode}: {' '.join(cmd)}\n"
                           f"{stderr[-2000:]}")
    lines = [l for l in stdout.splitlines() if l.strip()]
    return seconds, maxrss_kb, len(lines)


def cli_time(args, env, port, use_tls, expected):
    times, rss = [], []
    for _ in range(args.repeat):
        seconds, maxrss_kb, listed = cli_run(args, env, port, use_tls, args.timeout)
        # The listing may carry a header or footer line; it must not be short.
        if listed < expected:
            raise RuntimeError(f"mailpeek-cli listed {listed} lines, "
                               f"the mailbox has {expected} messages")
        times.append(seconds)
        rss.append(maxrss_kb)
    return {"seconds": statistics.median(times), "runs": times,
            "rss_mb": max(rss) / 1024.0}


# ----------------------------------------------------------------- main ----

def verdict(ok):
    return "ok" if ok else "MISSED"


def bench(args):
    env = os.environ
    use_tls = not args.plain
    port = int(env["MP_TEST_POP3S_PORT"] if use_tls else env["MP_TEST_POP3_PORT"])
    scheme = "pop3s (implicit TLS)" if use_tls else "pop3 (plaintext)"

    print(f"Mailpeek benchmark: {scheme}, mailpeek-cli --pipeline {args.pipeline}, "
          f"{args.repeat} CLI run(s) each (median)", flush=True)

    direct_pop = poplib_time(env, port, None, use_tls)
    count = direct_pop["count"]
    if count != args.messages:
        print(f"note: mailbox has {count} messages (asked for {args.messages})")
    direct_cli = cli_time(args, env, port, use_tls, count)

    proxy, proxy_port = start_proxy(port, args.delay_ms)
    try:
        delayed_cli = cli_time(args, env, proxy_port, use_tls, count)
        limit = None if args.full_poplib else args.poplib_sample
        delayed_pop = poplib_time(env, proxy_port, limit, use_tls)
    finally:
        proxy.terminate()
        proxy.wait()

    rtt = 2 * args.delay_ms
    r_direct = direct_pop["seconds"] / direct_cli["seconds"]
    r_delayed = delayed_pop["seconds"] / delayed_cli["seconds"]
    rss = max(direct_cli["rss_mb"], delayed_cli["rss_mb"])

    print()
    print(f"{count} messages                 mailpeek-cli list    poplib top(n,0) loop   ratio")
    print(f"direct (loopback)           {direct_cli['seconds']:10.3f} s      "
          f"{direct_pop['seconds']:10.3f} s      {r_direct:8.1f}x  "
          f"(target >= {TARGET_DIRECT:.0f}x: {verdict(r_direct >= TARGET_DIRECT)})")
    note = ""
    if delayed_pop["extrapolated"]:
        note = "*"
    print(f"{rtt} ms RTT proxy            {delayed_cli['seconds']:10.3f} s      "
          f"{delayed_pop['seconds']:10.3f} s{note:1}     {r_delayed:8.1f}x  "
          f"(target >= {TARGET_DELAYED:.0f}x: {verdict(r_delayed >= TARGET_DELAYED)})")
    print(f"peak RSS of mailpeek-cli    {rss:10.1f} MB     "
          f"(target <= {TARGET_RSS_MB:.0f} MB: {verdict(rss <= TARGET_RSS_MB)})")
    if delayed_pop["extrapolated"]:
        print(f"* poplib over the {rtt} ms link timed on the first {delayed_pop['timed']} "
              f"of {count} messages ({delayed_pop['measured']:.2f} s measured) and "
              f"extrapolated linearly; use --full-poplib for a full run.")
    print("CLI runs (s): direct " + ", ".join(f"{t:.3f}" for t in direct_cli["runs"]) +
          f"; {rtt} ms RTT " + ", ".join(f"{t:.3f}" for t in delayed_cli["runs"]))
    sys.stdout.flush()

    missed = not (r_direct >= TARGET_DIRECT and r_delayed >= TARGET_DELAYED
                  and rss <= TARGET_RSS_MB)
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


def default_header_cache():
    build = os.environ.get("MP_BUILD_ROOT", os.path.join(SOURCE_ROOT, "_build"))
    return os.path.join(build, "tests", "bench", "bench-header-cache")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=10000,
                   help="size of the generated mailbox (with-dovecot.py --large)")
    p.add_argument("--cli", default=default_cli(), help="path of mailpeek-cli")
    p.add_argument("--pipeline", default="auto", help="mailpeek-cli --pipeline value")
    p.add_argument("--delay-ms", type=float, default=10.0,
                   help="proxy delay per direction (RTT is twice this)")
    p.add_argument("--poplib-sample", type=int, default=500,
                   help="poplib over the delayed link: time this many messages "
                        "and extrapolate")
    p.add_argument("--full-poplib", action="store_true",
                   help="time poplib on every message over the delayed link too")
    p.add_argument("--repeat", type=int, default=3, help="mailpeek-cli runs per setting")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds before a mailpeek-cli run counts as hung")
    p.add_argument("--plain", action="store_true",
                   help="use the plaintext port instead of implicit TLS")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    p.add_argument("--header-cache", default=default_header_cache(),
                   help="path of bench-header-cache")
    p.add_argument("--no-header-cache", action="store_true",
                   help="leave out the header cache's benchmark")
    p.add_argument("--serve-proxy", nargs=2, metavar=("UPSTREAM_PORT", "DELAY_MS"),
                   help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.serve_proxy:
        try:
            asyncio.run(_serve_proxy(int(args.serve_proxy[0]),
                                     float(args.serve_proxy[1]) / 1000.0))
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
