#!/usr/bin/env python3
"""Start-up time of an HTTP server: process start to the first 200 from GET /_emulator/health.

    startup.py [--runs N] [--timeout S] LABEL 'COMMAND ...' [LABEL 'COMMAND ...' ...]

Each COMMAND is split with shlex, must print a stdout line containing http://127.0.0.1:PORT
(port 0 is fine), and must serve GET /_emulator/health. Runs of the targets are interleaved
(a, b, a, b, ...) after one discarded warm-up run each, so drift on a busy machine hits all
of them alike. Prints, per target:

    STARTUP label=L runs=N median_ms=X p90_ms=X min_ms=X max_ms=X

and a floor line, the cost of spawning and reaping /bin/true from this script, which is part
of every sample:

    STARTUP_FLOOR median_ms=X

Timing: t0 = perf_counter_ns() just before Popen; the script blocks on the stdout pipe (it
wakes when the line is written), then sends the health request on a raw socket, retrying every
50 us on refusal or a non-200; t1 = when a 200 status line arrives. Resolution is tens of
microseconds. Exits 1 if any run does not reach a 200 within --timeout.
"""

import argparse
import math
import os
import re
import select
import shlex
import socket
import statistics
import subprocess
import sys
import time

PORT_RE = re.compile(rb"http://127\.0\.0\.1:(\d+)")
REQUEST = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
RETRY_S = 0.00005


class StartupError(Exception):
    pass


def read_port(proc, deadline):
    """Blocks on the child's stdout until a line with http://127.0.0.1:PORT; returns PORT."""
    fd = proc.stdout.fileno()
    buf = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StartupError(f"no http://127.0.0.1:PORT line on stdout; got {buf[:200]!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            raise StartupError(
                f"stdout closed (exit {proc.poll()}) before a http://127.0.0.1:PORT line; "
                f"got {buf[:200]!r}")
        buf += chunk
        match = PORT_RE.search(buf)
        if match:
            return int(match.group(1))


def health_status(port, timeout):
    """One GET /_emulator/health; returns the status code, or None if the connection failed."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except (ConnectionRefusedError, ConnectionResetError):
        return None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(REQUEST)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return None
    finally:
        sock.close()
    parts = data.split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()


def one_run(argv, timeout):
    """Milliseconds from just before spawning argv to the first 200 from its health endpoint."""
    deadline = time.monotonic() + timeout
    t0 = time.perf_counter_ns()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        port = read_port(proc, deadline)
        last = None
        while True:
            status = health_status(port, max(deadline - time.monotonic(), 0.001))
            if status == 200:
                t1 = time.perf_counter_ns()
                return (t1 - t0) / 1e6
            last = status
            if proc.poll() is not None:
                raise StartupError(f"exited with {proc.returncode} before a 200 from health")
            if time.monotonic() > deadline:
                raise StartupError(f"no 200 from /_emulator/health within {timeout}s "
                                   f"(last status: {last})")
            time.sleep(RETRY_S)
    finally:
        stop(proc)


def floor_ms(runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        subprocess.run(["/bin/true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    return statistics.median(samples)


def p90(samples):
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]  # nearest rank


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per run")
    parser.add_argument("targets", nargs="+", metavar="LABEL COMMAND")
    args = parser.parse_args()
    if len(args.targets) % 2:
        parser.error("targets come in pairs: LABEL 'COMMAND ...'")
    targets = [(args.targets[i], shlex.split(args.targets[i + 1]))
               for i in range(0, len(args.targets), 2)]

    samples = {label: [] for label, _ in targets}
    try:
        for label, argv in targets:  # warm-up: page cache, dynamic loader
            one_run(argv, args.timeout)
        for _ in range(args.runs):
            for label, argv in targets:
                samples[label].append(one_run(argv, args.timeout))
    except StartupError as err:
        print(f"startup.py: {label}: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"startup.py: {label}: cannot start {argv!r}: {err}", file=sys.stderr)
        return 1

    for label, values in samples.items():
        print(f"STARTUP label={label} runs={len(values)} median_ms={statistics.median(values):.3f} "
              f"p90_ms={p90(values):.3f} min_ms={min(values):.3f} max_ms={max(values):.3f}")
    print(f"STARTUP_FLOOR median_ms={floor_ms(max(args.runs, 5)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
