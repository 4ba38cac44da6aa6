"""Hostile uploads: bank statements and receipts refused, with the problem named.

A statement is refused whole (nothing half-imported); a receipt is stored only when its
bytes are a whole PDF, PNG or JPEG within the size limit, whatever its name says.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from treasury.exceptions import InvalidInputError
from treasury.models import Attachment, BankLine
from treasury.services.expenses import (
    BANK_CSV_MAX_BYTES,
    CSV_MAX_LINES,
    import_bank_csv,
    store_receipt,
)

pytestmark = pytest.mark.django_db
HEADER = "date,description,amount\n"
GOOD = "2026-03-02,Deposit,125.00\n"


@pytest.fixture
def treasurer():
    user = get_user_model().objects.create_user(username="taylor")
    user.groups.add(Group.objects.get_or_create(name="treasurer")[0])
    return user


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "march.csv is not a text file (it holds NUL bytes)"),
        (b"\xff\xd8\xff\xe0 JPEG", "march.csv is not UTF-8 text (byte 0 is not)"),
        ((HEADER + GOOD).encode("utf-16"), "march.csv is not UTF-8 text (byte 0 is not)"),
        ((HEADER + GOOD).encode() + b"\x00", "march.csv is not a text file (it holds NUL bytes)"),
        ("day,memo,value\n" + GOOD, "march.csv needs the columns date, description and amount"),
        ("", "march.csv needs the columns date, description and amount"),
        (HEADER + GOOD + "2026-03-03,Fee,-1.5,extra\n", "Line 3 of march.csv: more fields"),
        (HEADER + GOOD + "03/03/2026,Fee,-1.50\n", "Line 3 of march.csv: Invalid isoformat"),
        (HEADER + GOOD + "2026-03-03,Fee,NaN\n", "Line 3 of march.csv: 'NaN' is not an amount"),
        (HEADER + GOOD + "2026-03-03,Fee,Infinity\n", "Line 3 of march.csv: 'Infinity' is not"),
        (HEADER + GOOD + "2026-03-03,Fee,1e30\n", "Line 3 of march.csv: '1e30' is not"),
        (HEADER + GOOD + "2026-03-03,Fee,١٢٣\n", "Line 3 of march.csv: '١٢٣' is not"),
        (HEADER + GOOD + "2026-03-03,Fee," + "9" * 20 + "\n", "Line 3 of march.csv: '999"),
        (HEADER + GOOD + "2026-03-03,Fee,1.005\n", "Line 3 of march.csv: 1.005"),
        (HEADER + GOOD + "2026-03-03,Fee,\n", "Line 3 of march.csv: '' is not an amount"),
        (HEADER + GOOD + '2026-03-03,"' + "x" * 200_000 + '",1\n', "Line 3 of march.csv: field"),
        (HEADER + GOOD + '2026-03-03,"unclosed,1\n', "of march.csv: "),
    ],
)  # fmt: skip
def test_a_malformed_statement_is_refused_whole(treasurer, content, problem):
    with pytest.raises(InvalidInputError) as refused:
        import_bank_csv(name="march.csv", content=content, user=treasurer)

    assert problem in refused.value.message
    assert not BankLine.objects.exists()


def test_a_statement_past_the_size_limit_is_refused_before_it_is_read(treasurer):
    content = HEADER + GOOD * (BANK_CSV_MAX_BYTES // len(GOOD) + 1)

    with pytest.raises(InvalidInputError) as refused:
        import_bank_csv(name="year.csv", content=content, user=treasurer)

    assert refused.value.message == (
        f"year.csv is larger than {BANK_CSV_MAX_BYTES} bytes; a bank statement may be at most that"
    )
    assert not BankLine.objects.exists()


def test_the_size_limit_is_a_setting(treasurer, settings):
    settings.TREASURY_BANK_CSV_MAX_BYTES = 40

    with pytest.raises(InvalidInputError, match="larger than 40 bytes"):
        import_bank_csv(name="march.csv", content=HEADER + GOOD, user=treasurer)


def test_a_statement_of_too_many_lines_is_refused(treasurer):
    content = HEADER + "".join(f"2026-03-02,Deposit {n},1.00\n" for n in range(CSV_MAX_LINES))

    with pytest.raises(InvalidInputError, match=f"more than {CSV_MAX_LINES} lines"):
        import_bank_csv(name="year.csv", content=content, user=treasurer)
    assert not BankLine.objects.exists()


def test_a_good_statement_as_uploaded_bytes_with_a_bom_imports(treasurer):
    content = ("\ufeff" + HEADER + GOOD + "2026-03-03,Bank fee,-1.50\n").encode()

    added = import_bank_csv(name="march.csv", content=content, user=treasurer)

    assert [(str(line.posted_on), line.amount) for line in added] == [
        ("2026-03-02", 12500), ("2026-03-03", -150),
    ]  # fmt: skip


def test_the_bank_screen_names_the_problem_of_a_binary_upload(treasurer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(treasurer)
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary")

    response = client.post("/treasurer/bank/", {"statement": upload}, follow=True)

    assert response.status_code == 200
    assert "photo.csv is not UTF-8 text (byte 0 is not)" in response.content.decode()
    assert not BankLine.objects.exists()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40 + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("receipt.pdf", b"MZ\x90\x00 a program", "receipt.pdf is not a PDF, PNG or JPEG file"),
        ("receipt.png", b"<html><script>alert(1)</script>", "is not a PDF, PNG or JPEG file"),
        ("receipt.pdf", b"", "receipt.pdf is not a PDF, PNG or JPEG file"),
        ("receipt.pdf", PDF[:20], "receipt.pdf starts like a PDF file but does not end like one"),
        ("scan.png", PNG[:30], "scan.png starts like a PNG file but does not end like one"),
        ("photo.jpg", JPEG[:-2], "photo.jpg starts like a JPEG file but does not end like one"),
        ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "a receipt may be at most 5242880 bytes"),
    ],
)  # fmt: skip
def test_a_hostile_receipt_is_refused_and_nothing_stored(treasurer, name, content, problem):
    with pytest.raises(InvalidInputError) as refused:
        store_receipt(name=name, content=content, user=treasurer)

    assert problem in refused.value.message
    assert refused.value.extra == {"field": "receipt"}
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("content", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_a_whole_receipt_is_stored_with_the_type_its_bytes_say(treasurer, content, kind):
    receipt = store_receipt(name="receipt.bin", content=content, user=treasurer)

    assert (receipt.content_type, receipt.size, bytes(receipt.content)) == (
        kind, len(content), content,
    )  # fmt: skip


def test_the_receipt_size_limit_is_a_setting(treasurer, settings):
    settings.TREASURY_RECEIPT_MAX_BYTES = 40

    with pytest.raises(InvalidInputError, match="a receipt may be at most 40 bytes"):
        store_receipt(name="receipt.pdf", content=PDF, user=treasurer)
