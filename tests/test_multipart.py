"""The API's multipart reader: one file and text fields out of a body held in memory; anything
malformed is refused with a reason."""

from __future__ import annotations

import pytest

from dashboard.remote import multipart as build
from dashboard.web.multipart import Form, FormError, parse


def test_a_form_built_by_the_command_line_reads_back_whole():
    data = b"date,touchpoint,score\r\n2026-01-02,Repair,5\r\n--not-a-boundary\r\n"
    body, content_type = build(("sept\u00e9mber.csv", data), {"cycle": "Repair job", "strict": "true"})
    assert parse(body, content_type) == Form("sept\u00e9mber.csv", data, {"cycle": "Repair job", "strict": "true"})


def test_a_form_made_by_hand_as_curl_sends_it_reads_the_same():
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="cycle"\r\n\r\nRenewal\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nx,y\n1,2\n\r\n--XyZ--\r\n"
    )
    assert parse(body, "multipart/form-data; boundary=XyZ") == Form("a.csv", b"x,y\n1,2\n", {"cycle": "Renewal"})


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "multipart/form-data", "the content type names no multipart boundary"),
        (b"no parts", "multipart/form-data; boundary=XyZ", "the body holds no part of the form"),
        (
            b'--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished',
            "multipart/form-data; boundary=XyZ",
            "the form ends before its closing boundary",
        ),
        (
            b"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
            "multipart/form-data; boundary=XyZ",
            "a part of the form has no Content-Disposition: form-data with a name",
        ),
        (b"--XyZjunk", "multipart/form-data; boundary=XyZ", "a form boundary is not followed by a line break"),
    ],
)
def test_a_malformed_form_is_refused_with_its_reason(body: bytes, content_type: str, reason: str):
    with pytest.raises(FormError) as refused:
        parse(body, content_type)
    assert str(refused.value) == reason


def test_a_form_with_too_many_fields_is_refused():
    body, content_type = build(("a.csv", b"x"), {f"f{i}": "v" for i in range(21)})
    with pytest.raises(FormError, match="^a form has at most 20 fields of 64 KB each$"):
        parse(body, content_type)
