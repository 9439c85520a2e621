"""HTTPS portals behind CONNECT, with the broken certificate chains of the real ones."""

from __future__ import annotations

import http.client
import socket
import ssl

import pytest
from cryptography import x509

from simnet.client import fetch
from simnet.server import SimNet
from simnet.truth import ground_truth


@pytest.fixture(scope="module")
def net():
    with SimNet(https=True) as server:
        yield server


def tunnel(net: SimNet, host: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", net.port), timeout=10)
    sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def insecure() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    return ctx


@pytest.mark.parametrize(("host", "reason"), [
    ("congan.daklak.gov.vn", "self-signed certificate"),
    ("congan.camau.gov.vn", "unable to get local issuer certificate"),
])
def test_validating_clients_reject_the_chain_for_the_documented_reason(net, host, reason):
    with pytest.raises(ssl.SSLCertVerificationError, match=reason):
        ssl.create_default_context().wrap_socket(tunnel(net, host), server_hostname=host)


def test_an_insecure_client_gets_the_portal_and_the_leaf_certificate(net):
    host = "congan.camau.gov.vn"
    tls = insecure().wrap_socket(tunnel(net, host), server_hostname=host)
    leaf = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
    assert leaf.subject != leaf.issuer and "GlobalSign" in leaf.issuer.rfc4514_string()
    article = next(a for a in ground_truth(1, https=True) if a.site == host)
    assert article.canonical_url.startswith("https://congan.camau.gov.vn/")
    conn = http.client.HTTPConnection(host)
    conn.sock = tls
    for url in (article.canonical_url, "https://congan.camau.gov.vn/"):
        conn.request("GET", url.removeprefix("https://congan.camau.gov.vn"), headers={"Host": host})
        resp = conn.getresponse()
        assert resp.status == 200 and "Cà Mau".encode() in resp.read()
    entries = net.access_entries()
    assert any(e["method"] == "CONNECT" and e["url"] == f"{host}:443" and e["status"] == 200 for e in entries)
    assert any(e["url"] == article.canonical_url and e["status"] == 200 for e in entries)


def test_plain_http_to_an_https_portal_redirects_and_connect_elsewhere_is_refused(net):
    conn = http.client.HTTPConnection("127.0.0.1", net.port, timeout=10)
    conn.request("GET", "http://congan.daklak.gov.vn/", headers={"Host": "congan.daklak.gov.vn"})
    resp = conn.getresponse()
    assert (resp.status, resp.getheader("Location")) == (301, "https://congan.daklak.gov.vn/")
    for host, outside in (("congan.hanoi.gov.vn", False), ("www.facebook.com", True)):
        sock = socket.create_connection(("127.0.0.1", net.port), timeout=10)
        sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 502")
        sock.close()
        entry = [e for e in net.access_entries() if e["host"] == host][-1]
        assert (entry["method"], entry["out_of_network"]) == ("CONNECT", outside)


def test_without_https_the_portals_are_neither_linked_nor_served():
    assert [a for a in ground_truth(1) if a.canonical_url.startswith("https://")]  # on by default
    assert not [a for a in ground_truth(1, https=False) if a.canonical_url.startswith("https://")]
    with SimNet(https=False) as plain:
        home = fetch(plain.url, "http://congan.danang.gov.vn/", headers={"Accept-Encoding": "identity"}).body
        assert b"https://" not in home and b"congan.daklak.gov.vn" not in home
        sock = socket.create_connection(("127.0.0.1", plain.port), timeout=10)
        sock.sendall(b"CONNECT congan.daklak.gov.vn:443 HTTP/1.1\r\nHost: congan.daklak.gov.vn:443\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 502")
        sock.close()
