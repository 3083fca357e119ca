"""``ecologis-sender``: headless sender service, receiver and tools.

    ecologis-sender run [--once]            watch the inbox and send continuously (or drain and exit)
    ecologis-sender enqueue FILE...         queue a measurement file's records
    ecologis-sender register FILE.json      queue an АСВ / equipment registration record
    ecologis-sender status [--json]         counts per state, oldest pending, 24-hour window
    ecologis-sender retry-now [--dead]      make every waiting record due now
    ecologis-sender test-connection         mutual-TLS handshake + health request
    ecologis-sender receiver ...            reference receiver (HTTPS, client certificates required)
    ecologis-sender receiver-dump --db FILE --json
    ecologis-sender receiver-faults FILE MODE  switch fault injection of a running receiver
    ecologis-sender make-test-pki DIR --password P

Settings come from ``<user config>/sender.json``; options override them.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from ecologis.i18n import LANGUAGES, apply_language_option, localize_argparse, t


def _common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(t("sender.cli.group.connection"))
    g.add_argument("--config", metavar="FILE", help=t("sender.cli.help.config"))
    g.add_argument("--endpoint", metavar="URL", help=t("sender.cli.help.endpoint"))
    g.add_argument("--ca", metavar="FILE", help=t("sender.cli.help.ca"))
    g.add_argument("--client-cert", metavar="FILE.p12", help=t("sender.cli.help.client_cert"))
    g.add_argument("--client-key", metavar="FILE.key", help=t("sender.cli.help.client_key"))
    g.add_argument("--client-cert-password-env", metavar="VAR", help=t("sender.cli.help.password_env"))
    g.add_argument("--outbox", metavar="FILE", help=t("sender.cli.help.outbox"))
    g.add_argument("--inbox", metavar="DIR", help=t("sender.cli.help.inbox"))
    g.add_argument("--batch-size", type=int, metavar="N", help=t("sender.cli.help.batch_size"))
    g.add_argument("--timeout", type=float, metavar="S", help=t("sender.cli.help.timeout"))
    g.add_argument("--insecure", action="store_true", help=t("sender.cli.help.insecure"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecologis-sender", description=t("sender.cli.description"))
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=t("sender.cli.help.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("run", help=t("sender.cli.help.run"))
    _common(p)
    p.add_argument("--once", action="store_true", help=t("sender.cli.help.once"))
    p.add_argument("--give-up-after", type=float, default=60.0, metavar="S", help=t("sender.cli.help.give_up"))
    p.add_argument("--settle", type=float, default=1.0, metavar="S", help=t("sender.cli.help.settle"))
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("enqueue", help=t("sender.cli.help.enqueue"))
    _common(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_enqueue)

    p = sub.add_parser("register", help=t("sender.cli.help.register"))
    _common(p)
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("status", help=t("sender.cli.help.status"))
    _common(p)
    p.add_argument("--json", action="store_true", help=t("sender.cli.help.json"))
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("retry-now", help=t("sender.cli.help.retry_now"))
    _common(p)
    p.add_argument("--dead", action="store_true", help=t("sender.cli.help.retry_dead"))
    p.set_defaults(func=cmd_retry_now)

    p = sub.add_parser("test-connection", help=t("sender.cli.help.test_connection"))
    _common(p)
    p.add_argument("--json", action="store_true", help=t("sender.cli.help.json"))
    p.set_defaults(func=cmd_test_connection)

    p = sub.add_parser("receiver", help=t("sender.cli.help.receiver"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--db", required=True, metavar="FILE")
    p.add_argument("--ca", required=True, metavar="CA.pem")
    p.add_argument("--cert", required=True, metavar="SERVER.pem")
    p.add_argument("--key", required=True, metavar="SERVER.key")
    p.add_argument("--key-password-env", metavar="VAR")
    p.add_argument("--faults", metavar="FILE", help=t("sender.cli.help.faults"))
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_receiver)

    p = sub.add_parser("receiver-dump", help=t("sender.cli.help.receiver_dump"))
    p.add_argument("--db", required=True, metavar="FILE")
    p.add_argument("--json", action="store_true", help=t("sender.cli.help.json"))
    p.set_defaults(func=cmd_receiver_dump)

    p = sub.add_parser("receiver-faults", help=t("sender.cli.help.receiver_faults"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("mode", choices=["off", "refuse", "500", "429", "delay"])
    p.add_argument("--count", type=int, default=None)
    p.add_argument("--retry-after", type=float, default=1.0)
    p.add_argument("--delay", type=float, default=1.0)
    p.set_defaults(func=cmd_receiver_faults)

    p = sub.add_parser("make-test-pki", help=t("sender.cli.help.make_test_pki"))
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--password", required=True, metavar="P")
    p.add_argument("--bits", type=int, default=2048)
    p.set_defaults(func=cmd_make_test_pki)
    return parser


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---- shared setup ----------------------------------------------------------------------
def _config(args):
    from ecologis.sender.config import apply_overrides, load_config

    return apply_overrides(load_config(getattr(args, "config", None)), args)


# the database the current command works on, named in messages about I/O errors
_db_in_use: dict = {"path": None}


def _outbox(cfg):
    from ecologis.sender.outbox import Outbox

    _db_in_use["path"] = str(cfg.outbox_path())
    return Outbox(cfg.outbox_path())


def _password(cfg) -> str | None:
    from ecologis.sender.config import password_from_sources

    pw = password_from_sources(cfg)
    if pw is not None or not cfg.client_cert:
        return pw
    needs = cfg.client_cert.lower().endswith((".p12", ".pfx"))
    if not needs:
        keyfile = Path(cfg.client_key or cfg.client_cert)
        try:
            needs = b"ENCRYPTED" in keyfile.read_bytes()
        except OSError:
            needs = False
    if not needs:
        return None
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(t("sender.cli.password_prompt", file=cfg.client_cert))
    return None


def _transport(cfg):
    from ecologis.sender.tls import make_transport

    # no password prompt when make_transport refuses a missing endpoint anyway
    password = _password(cfg) if cfg.endpoint and cfg.client_cert else None
    transport = make_transport(cfg, password=password)
    if not cfg.verify_server:
        _err(t("sender.warning.verify_off"))
    identity = transport.identity
    if identity is not None:
        problem = identity.validity_problem()
        if problem:
            _err(t(f"sender.cert.local_{problem}", file=cfg.client_cert,
                   valid_from=identity.not_before.isoformat(), valid_to=identity.not_after.isoformat()))
    return transport


def _for_each_file(files, handle) -> int:
    """Call ``handle(file)`` for every file; a file that fails is reported and skipped.

    Returns 2 if any file failed, else 0.
    """
    from ecologis.i18n import KeyedError

    rc = 0
    for f in files:
        try:
            handle(f)
        except KeyedError as e:
            _err(e.message())
            rc = 2
        except (OSError, json.JSONDecodeError) as e:
            if isinstance(e, OSError) and e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                raise           # the disk, not the file: main() says so
            _err(t("sender.file.unreadable", file=f, detail=str(e)))
            rc = 2
    return rc


# ---- commands --------------------------------------------------------------------------
def _single_instance_lock(outbox_path: Path):
    """See :func:`ecologis.sender.outbox.acquire_instance_lock` (shared with the GUI panel)."""
    from ecologis.sender.outbox import acquire_instance_lock

    return acquire_instance_lock(outbox_path)


def cmd_run(args) -> int:
    from ecologis.sender.inbox import scan_inbox
    from ecologis.sender.sender import Clock, Sender, deadline_message, deadline_status

    cfg = _config(args)
    lock = _single_instance_lock(cfg.outbox_path())
    if lock is False:
        _err(t("sender.run.already_running", outbox=str(cfg.outbox_path())))
        return 4
    with _outbox(cfg) as outbox:
        transport = _transport(cfg)
        sender = Sender(cfg, outbox, transport, Clock())
        inbox = cfg.inbox_path()

        def report_files():
            for r in scan_inbox(inbox, outbox, settle_s=args.settle):
                if r.outcome == "enqueued":
                    print(t("sender.inbox.enqueued", file=r.name, n=r.records), flush=True)
                else:
                    _err(r.reason)

        def on_attempt(att):
            if att.error:
                _err(att.error)

        try:
            if args.once:
                report_files()
                res = sender.drain(give_up_after=args.give_up_after, on_attempt=on_attempt)
                print(t("sender.run.drained", acked=res.acked, dead=res.dead, remaining=res.remaining), flush=True)
                return 0 if res.remaining == 0 else 3
            stop = threading.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            print(t("sender.run.started", inbox=str(inbox), endpoint=cfg.endpoint), flush=True)
            last_state = None
            while not stop.is_set():
                try:
                    sender.maybe_prune()
                    report_files()
                    while not stop.is_set():
                        att = sender.send_due()
                        if att is None:
                            break
                        on_attempt(att)
                    st = deadline_status(outbox, cfg, time.time())
                    if st["deadline_state"] in ("warning", "missed", "paused") and st["deadline_state"] != last_state:
                        _err(deadline_message(st))
                    last_state = st["deadline_state"]
                except Exception as e:  # the service keeps running; the outbox keeps the records
                    import sqlite3

                    if isinstance(e, (sqlite3.Error, OSError)):
                        _err(t("sender.run.error", error=_storage_message(e)))
                    else:
                        _err(t("sender.run.error", error=f"{type(e).__name__}: {e}"))
                stop.wait(cfg.poll_interval_s)
            return 0
        finally:
            transport.close()


def cmd_enqueue(args) -> int:
    from ecologis.sender.inbox import enqueue_file

    with _outbox(_config(args)) as outbox:
        def handle(f):
            r = enqueue_file(Path(f), outbox, time.time())
            if r.outcome == "duplicate":
                _err(r.reason)
            else:
                print(t("sender.inbox.enqueued", file=r.name, n=r.records))

        return _for_each_file(args.files, handle)


def cmd_register(args) -> int:
    from ecologis.i18n import KeyedError
    from ecologis.sender import schemas

    with _outbox(_config(args)) as outbox:
        def handle(f):
            from ecologis.sender.model import MAX_JSON_DEPTH, json_depth_problem

            text = Path(f).read_text(encoding="utf-8")
            deep = json_depth_problem(text)
            if deep is not None:
                raise KeyedError("sender.register.too_deep", file=f, limit=MAX_JSON_DEPTH, line=deep[0])
            doc = json.loads(text)
            kind = {"ecologis.asv/1": "asv", "ecologis.equipment/1": "equipment"}.get(
                doc.get("schema") if isinstance(doc, dict) else None)
            if kind is None:
                raise KeyedError("sender.register.unknown_schema", file=f)
            errs = schemas.errors(kind, doc)
            if errs:
                raise KeyedError("sender.register.invalid", file=f, detail="; ".join(errs))
            new = outbox.enqueue(kind, doc, time.time(), source=Path(f).name)
            print(t("sender.register.queued" if new else "sender.register.already", file=f))

        return _for_each_file(args.files, handle)


def cmd_status(args) -> int:
    from ecologis.sender.sender import deadline_message, deadline_status, inbox_message

    cfg = _config(args)
    with _outbox(cfg) as outbox:
        st = deadline_status(outbox, cfg, time.time())
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
        return 0
    c = st["counts"]
    print(t("sender.status.counts", pending=c["pending"], sent=c["sent"], acknowledged=c["acknowledged"],
            dead=c["dead_letter"]))
    print(deadline_message(st))
    if st["last_error"]:
        print(t("sender.status.last_error", error=st["last_error"]["error"]))
    if inbox_message(st):
        print(inbox_message(st))
    print(t("sender.status.retention", **st["retention"]))
    return 0


def cmd_retry_now(args) -> int:
    with _outbox(_config(args)) as outbox:
        n = outbox.retry_now(include_dead=args.dead)
    print(t("sender.status.retry_now", n=n))
    return 0


def cmd_test_connection(args) -> int:
    from ecologis.sender.health import test_connection

    cfg = _config(args)
    transport = _transport(cfg)
    try:
        rep = test_connection(cfg, transport)
    finally:
        transport.close()
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=2))
    else:
        (print if rep["ok"] else _err)(rep["message"])
    return 0 if rep["ok"] else 1


def cmd_receiver(args) -> int:
    from ecologis.sender.receiver import Faults, ReceiverServer, ReceiverStore, server_context

    pw = os.environ.get(args.key_password_env) if args.key_password_env else None
    _db_in_use["path"] = str(args.db)
    store = ReceiverStore(args.db)
    server = ReceiverServer((args.host, args.port), server_context(args.ca, args.cert, args.key, pw), store,
                            Faults(args.faults), verbose=args.verbose)

    def _stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(t("sender.receiver.listening", url=f"https://{args.host}:{server.port}", db=args.db), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        server.close_all_connections()
        store.close()
    return 0


def cmd_receiver_dump(args) -> int:
    from ecologis.sender.receiver import dump

    if not Path(args.db).exists():
        _err(t("sender.file.unreadable", file=args.db, detail=t("sender.file.not_found")))
        return 2
    _db_in_use["path"] = str(args.db)
    recs = dump(args.db)
    if args.json:
        print(json.dumps(recs, ensure_ascii=False, indent=1))
    else:
        for r in recs:
            print(r["idempotency_key"], r["kind"], r["received_at"])
    return 0


def cmd_receiver_faults(args) -> int:
    from ecologis.io.atomic import atomic_write_text

    doc = {"mode": None if args.mode == "off" else args.mode, "count": args.count,
           "retry_after": args.retry_after, "delay_s": args.delay}
    atomic_write_text(args.file, json.dumps(doc))
    print(t("sender.receiver.faults_set", mode=args.mode, file=args.file))
    return 0


def cmd_make_test_pki(args) -> int:
    from ecologis.sender.pki import make_test_pki

    pki = make_test_pki(args.dir, args.password, bits=args.bits)
    print(t("sender.pki.created", dir=str(pki.dir)))
    return 0


def _storage_message(e: BaseException) -> str:
    """A translated message for a database or file-system error (disk full, damaged file, I/O)."""
    import sqlite3

    db = _db_in_use["path"]
    if isinstance(e, sqlite3.Error):
        text = str(e)
        if "full" in text.lower():
            return t("sender.outbox.disk_full", file=db or "")
        if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError):
            return t("sender.outbox.damaged", file=db or "")
        return t("sender.outbox.io_error", file=db or "", detail=text)
    if getattr(e, "errno", None) in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return t("sender.outbox.disk_full", file=getattr(e, "filename", None) or db or "")
    return t("sender.error.os", file=getattr(e, "filename", None) or db or "",
             detail=getattr(e, "strerror", None) or str(e))


def _quiet_stdout() -> None:
    """After a closed pipe (`| head`): send the rest of the output nowhere, so that the
    final flush at exit does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """The single entry point of every sub-command: expected failures become a translated
    message and exit code 2 (never a traceback); a closed output pipe ends quietly."""
    import sqlite3

    argv = list(sys.argv[1:] if argv is None else argv)
    apply_language_option(argv)
    localize_argparse()
    args = build_parser().parse_args(argv)
    from ecologis.i18n import KeyedError, TranslatedError

    _db_in_use["path"] = None
    try:
        rc = int(args.func(args) or 0)
        sys.stdout.flush()
        return rc
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except (KeyedError, TranslatedError) as e:
        _err(e.message())
        return 2
    except (sqlite3.Error, OSError) as e:
        _err(_storage_message(e))
        return 2
    except RecursionError:
        _err(t("sender.error.too_deep"))
        return 2


if __name__ == "__main__":
    sys.exit(main())
