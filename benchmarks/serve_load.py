"""``samhandling serve`` under load, on loopback: slowloris sockets plus many clients at once.

    python benchmarks/serve_load.py [--slowloris 1000] [--clients 200] [--rounds 3]

Starts ``samhandling serve`` (default limits) on a free loopback port in its own process,
opens SLOWLORIS connections that each trickle a header line a second, and meanwhile sends
CLIENTS simultaneous queries, ROUNDS times. Prints how the clients were answered (200 or 503)
and how fast, and how many slowloris connections the server had dropped. Asserts nothing: the
pass/fail checks are tests/serve/test_serve_faults.py. Bounded in count and time; stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

_SERVE = "import sys; from samhandling_kg.cli import main; sys.exit(main(sys.argv[1:]))"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slowloris", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    server = subprocess.Popen([sys.executable, "-c", _SERVE, "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r":(\d+)/sparql", line)
        if not match:
            print("server did not start:", line, server.stderr.read() if server.stderr else "")
            return 1
        port = int(match.group(1))
        print(line.strip())
        run(port, args)
        server.terminate()
        _, err = server.communicate(timeout=30)
        print(f"server exit status {server.returncode}; stderr: {len(err.splitlines())} lines")
    finally:
        if server.poll() is None:
            server.kill()
    return 0


def run(port: int, args: argparse.Namespace) -> None:
    stop = threading.Event()
    sockets: list[socket.socket] = []
    dropped = [0]

    def trickle() -> None:
        while not stop.wait(1.0):
            for sock in list(sockets):
                try:
                    sock.sendall(b"X-a: b\r\n")
                except OSError:
                    sockets.remove(sock)
                    dropped[0] += 1

    opened = time.monotonic()
    for _ in range(args.slowloris):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)
        except OSError:
            dropped[0] += 1
    print(f"{args.slowloris} slowloris connections opened in {time.monotonic() - opened:.1f} s")
    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    def client(_: int) -> tuple[int, float]:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", f"/sparql?query={query}")
            response = connection.getresponse()
            response.read()
            return response.status, time.monotonic() - started
        except OSError:
            return 0, time.monotonic() - started
        finally:
            connection.close()

    for number in range(1, args.rounds + 1):
        with ThreadPoolExecutor(args.clients) as pool:
            answers = list(pool.map(client, range(args.clients)))
        times = sorted(seconds for _, seconds in answers)
        counts = {status: sum(1 for s, _ in answers if s == status) for status in {s for s, _ in answers}}
        print(f"round {number}: {args.clients} clients at once: "
              + ", ".join(f"{counts[s]}× {s or 'no answer'}" for s in sorted(counts))
              + f"; median {statistics.median(times) * 1000:.0f} ms, "
              f"slowest {times[-1] * 1000:.0f} ms; slowloris dropped so far: {dropped[0]}")
    time.sleep(12)  # past the request timeout: every slowloris connection should be gone
    print(f"after 12 s: {dropped[0]} of {args.slowloris} slowloris connections dropped by the server")
    stop.set()
    for sock in sockets:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
