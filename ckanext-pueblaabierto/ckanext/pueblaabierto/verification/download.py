"""Download a link resource for validation, without letting a URL reach inside the network.

A resource URL is chosen by whoever edits the dataset; fetched naively from the server it
would read internal services (SSRF). Every address the host name resolves to must be a
public one (not private, loopback, link-local, multicast or reserved) unless
``pueblaabierto.validation.allow_private_urls`` says otherwise (tests, intranets);
redirects are followed by hand so each hop is checked; size and time are bounded.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import ckan.plugins.toolkit as tk
import requests

from ..translate import _

MAX_REDIRECTS = 3
MB = 1024 * 1024


class Refused(Exception):
    """The URL may not or cannot be used; ``message`` (Spanish) says why and what to do."""

    def __init__(self, code: str, message: str, suggestion: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.code, self.message, self.suggestion, self.retry = code, message, suggestion, retry


def _allowed_address(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return bool(ip.is_global) and not (ip.is_multicast or ip.is_reserved)


def check_url(url: str) -> None:
    """Raise Refused unless ``url`` is http(s) to a host whose every address is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(
            "url-no-permitida",
            _("La URL «{url}» no es una dirección http o https.").format(url=url),
            _("Cargue el archivo o escriba la dirección completa, que empiece con https://."),
        )
    if tk.asbool(tk.config.get("pueblaabierto.validation.allow_private_urls")):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(
            "url-inaccesible",
            _("No se encontró el servidor «{host}» de la URL del recurso.").format(host=parts.hostname),
            _("Revise la dirección o cargue el archivo directamente."),
            retry=True,
        ) from error
    if not all(_allowed_address(str(info[4][0])) for info in infos):
        raise Refused(
            "url-no-permitida",
            _("La URL «{url}» apunta a una dirección interna de la red; el portal no descarga de ahí.").format(url=url),
            _("Publique el archivo en un sitio público o cárguelo directamente en el recurso."),
        )


def fetch(url: str, target: Path) -> int:
    """Download ``url`` into ``target``; return its size in bytes."""
    max_bytes = int(tk.config.get("pueblaabierto.validation.download_max_mb") or 512) * MB
    timeout = int(tk.config.get("pueblaabierto.validation.download_timeout") or 60)
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current)
        try:
            response = requests.get(current, stream=True, timeout=min(timeout, 30), allow_redirects=False,
                                    headers={"User-Agent": "PueblaAbierto-validacion/1.0"})
        except requests.RequestException as error:
            raise Refused(
                "url-inaccesible",
                _("No se pudo descargar «{url}» ({error}).").format(url=url, error=type(error).__name__),
                _("Revise que la dirección responda y pulse «Reintentar», o cargue el archivo directamente."),
                retry=True,
            ) from error
        with response:
            if response.is_redirect and response.headers.get("location"):
                current = urljoin(current, response.headers["location"])
                continue
            if response.status_code != 200:
                raise Refused(
                    "url-inaccesible",
                    _("La URL «{url}» respondió con el código {code}.").format(url=url, code=response.status_code),
                    _("Revise la dirección y pulse «Reintentar», o cargue el archivo directamente."),
                    retry=True,
                )
            size = 0
            with target.open("wb") as handle:
                for chunk in response.iter_content(1 << 16):
                    size += len(chunk)
                    if size > max_bytes:
                        raise Refused(
                            "archivo-demasiado-grande",
                            _("El archivo de «{url}» pasa de {mb:,} MB, el máximo que el portal descarga.").format(
                                url=url, mb=max_bytes // MB),
                            _("Divida los datos en varios archivos o cárguelos directamente."),
                        )
                    if time.monotonic() > deadline:
                        raise Refused(
                            "url-inaccesible",
                            _("La descarga de «{url}» tardó más de {seconds} segundos.").format(
                                url=url, seconds=timeout),
                            _("Pulse «Reintentar» más tarde o cargue el archivo directamente."),
                            retry=True,
                        )
                    handle.write(chunk)
            return size
    raise Refused(
        "url-inaccesible",
        _("La URL «{url}» redirige demasiadas veces.").format(url=url),
        _("Use la dirección final del archivo o cárguelo directamente."),
    )
