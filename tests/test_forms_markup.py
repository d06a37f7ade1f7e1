"""Form markup: no attribute rendered as the text "None", errors linked to fields."""
from __future__ import annotations

import re


def test_optional_fields_are_not_marked_required(client):
    html = client.get("/account/register").get_data(as_text=True)
    assert '="None"' not in html
    phone = re.search(r'<input[^>]*id="phone"[^>]*>', html).group(0)
    email = re.search(r'<input[^>]*id="email"[^>]*>', html).group(0)
    assert "required" not in phone and "required" in email


def test_errors_are_linked_to_their_field(client):
    html = client.post("/account/register", data={"email": "a@example.se"}).get_data(as_text=True)
    name = re.search(r'<input[^>]*id="display_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name and "display_name-error" in name
    assert 'id="display_name-error"' in html
    email = re.search(r'<input[^>]*id="email"[^>]*>', html).group(0)
    assert "aria-invalid" not in email
