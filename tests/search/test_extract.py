"""Resume text from real files made here; files without text are marked, never fatal."""

from app.search.extract import extract
from tests.search.documents import damaged_pdf, docx_file, fpdf_pdf, image_only_pdf, reportlab_pdf

TEXT = "Margarethe Kowalczyk\nSenior data engineer: streaming pipelines with Kafka and Python"


def test_pdf_from_reportlab():
    result = extract(reportlab_pdf(TEXT))
    assert result.status == "ok"
    assert "streaming pipelines with Kafka" in result.text


def test_pdf_from_fpdf():
    result = extract(fpdf_pdf(TEXT))
    assert result.status == "ok"
    assert "Kowalczyk" in result.text and "Kafka" in result.text


def test_docx_paragraphs_and_tables():
    result = extract(docx_file(TEXT))
    assert result.status == "ok"
    assert "Senior data engineer" in result.text
    assert "Referees on request" in result.text


def test_a_scan_without_text_is_unreadable():
    result = extract(image_only_pdf())
    assert result.status == "unreadable"
    assert result.text == ""
    assert "text layer" in result.detail


def test_a_damaged_file_is_unreadable():
    result = extract(damaged_pdf())
    assert result.status == "unreadable"
    assert extract(b"PK\x03\x04broken").status == "unreadable"


def test_text_is_capped_and_cleaned():
    from app.search.extract import TEXT_LIMIT, clean

    assert clean("a\x00b\x02c   d\n\n\ne") == "a b c d\ne"
    assert len(clean("word " * 100_000)) == TEXT_LIMIT
