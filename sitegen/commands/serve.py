"""``sitegen serve``: live preview with reload, optionally under ``/ipfs/<cid>/``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import webbrowser
from pathlib import Path

from sitegen.errors import UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="preview the journal with live reload")
    p.add_argument("-s", "--source", default=".", metavar="SRC")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    p.add_argument("--open", action="store_true", help="open a browser")
    p.add_argument("--gateway", action="store_true", help="serve under /ipfs/<root-cid>/")
    p.add_argument("--car", default=None, metavar="FILE", help="serve a CAR file instead")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sitegen.serve import BuildReport, CarSource, LiveSite, PreviewServer, ServeState

    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    live: LiveSite | None = None
    car = None
    if args.car:
        from sitegen.ipfs.carfs import CarFS

        car_path = Path(args.car)
        if not car_path.is_file():
            raise UsageError(f"--car: no such file: {args.car}")
        car = CarFS(car_path)
        state = ServeState(CarSource(car), root=car.root, gateway=True)
        print(f"serving {args.car} (root {car.root}); every block is hash-checked as it is read")
    else:
        source = Path(args.source)
        if not (source / "sitegen.yaml").is_file():
            raise UsageError(f"no sitegen.yaml in {source.resolve()}")
        state = ServeState(gateway=args.gateway)

        def report(result: BuildReport) -> None:
            if result.ok:
                for diag in result.diagnostics:
                    print(diag.format(), file=sys.stderr)
                what = f"rebuilt ({', '.join(result.changed)})" if result.changed else "built"
                print(
                    f"{what}: {result.papers} papers, {result.pages} pages "
                    f"in {result.seconds:.2f}s, root {result.root}",
                    flush=True,
                )
            else:
                for line in result.error_lines():
                    print(line, file=sys.stderr)
                print(
                    "build failed; still serving the last good build", file=sys.stderr, flush=True
                )

        # builds fork; serve's threads must not exist yet (see sitegen.serve.builder)
        live = LiveSite(source, state, on_build=report, own_process=True)
    server = None
    previous = _stop_on_sigterm()
    try:
        if live is not None:
            live.start()
            live.build_once()
        try:
            server = PreviewServer(state, host=args.host, port=args.port)
        except OSError as exc:
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
        server.start()
        print(f"serving at {server.site_url}  (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(server.site_url)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
        if live is not None:
            live.stop()
        if car is not None:
            car.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_on_sigterm() -> signal.Handlers | None:
    """Treat SIGTERM (``kill``, service managers) like Ctrl-C, so temp builds are removed."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)  # type: ignore[return-value]
