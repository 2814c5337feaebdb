import pytest

from dashboard.safe_text import csv_cell, escape_markdown, safe_link


@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "http://news.example.com/x", "HTTPS://Example.org"])
def test_http_links_are_kept(url):
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "//evil.example/x",
        "/relative",
        "ftp://example.org/f",
        "https:///nohost",
        "https://exa mple.org",
        "",
        None,
        "vbscript:x",
    ],
)
def test_anything_else_is_not_a_link(url):
    assert safe_link(url) is None


def test_markdown_is_escaped_so_it_renders_as_the_literal_text():
    escaped = escape_markdown("[click](javascript:alert(1)) **b** <script>")
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in escaped
    assert "\\<script\\>" in escaped and "\\*\\*b\\*\\*" in escaped


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"])
def test_spreadsheet_formulas_are_neutralised(value):
    assert csv_cell(value) == "'" + value


def test_plain_values_pass_through():
    assert csv_cell("North Korea") == "North Korea"
    assert csv_cell(-3.5) == -3.5
