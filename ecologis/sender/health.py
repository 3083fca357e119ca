"""The connection test of the sender (a health request over mutual TLS), shared by the
``ecologis-sender test-connection`` command and the GUI's sender panel."""

from __future__ import annotations

import time

from ecologis.i18n import t


def test_connection(cfg, transport) -> dict:
    """Health request over mutual TLS; returns a report dict (ok, message, tls …)."""
    from ecologis.sender.tls import TransportError

    t0 = time.perf_counter()
    try:
        resp = transport.request("GET", cfg.path_for("health"))
    except TransportError as e:
        return {"ok": False, "kind": e.kind, "message": e.message()}
    ms = round((time.perf_counter() - t0) * 1000, 1)
    tls = transport.last_tls
    if 200 <= resp.status < 300:
        return {"ok": True, "status": resp.status, "tls_version": tls.get("version"), "cipher": tls.get("cipher"),
                "elapsed_ms": ms,
                "message": t("sender.test.ok", url=transport.url(cfg.path_for("health")),
                             version=tls.get("version"), ms=ms)}
    return {"ok": False, "status": resp.status, "kind": "http",
            "message": t("sender.error.rejected", status=resp.status, message=resp.server_message(),
                         url=transport.url(cfg.path_for("health")))}


test_connection.__test__ = False  # a function of the application, not a pytest test
