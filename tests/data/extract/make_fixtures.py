#!/usr/bin/env python3
"""make_fixtures.py - writes the extractor test fixtures in this folder.

Python 3 standard library only. Every PDF is written object by object (with
a correct cross-reference table), so what each file holds is plain from the
code below:

  one-page.pdf      1 page of Helvetica text (with WinAnsi accents)
  four-pages.pdf    4 pages of ~30 lines; "heliotrope ledger reconciliation" in
                    the middle of page 3, "vermilion harbour checklist" at the
                    top of page 4, "duty social worker" (beside a < and a >)
                    in the middle of page 2
  blank-page.pdf    3 pages, page 2 empty; page 3 alone has "cobalt marmoset census"
  with-info.pdf     an Info dictionary: Title (UTF-16, with an en dash), Author,
                    CreationDate 2019-03-14 (+13:00), ModDate 2020-01-02
  no-text.pdf       2 pages with empty content streams (a "scan" without text)
  corrupt.pdf       four-pages.pdf cut off after its first object
  not-really.pdf    plain text with a .pdf name
  encrypted.pdf     with-info.pdf through `qpdf --encrypt userpw ownerpw 256`
                    (only when qpdf is installed; tests skip without it). Its
                    AES-256 salts are random, so it is made only when missing
                    (or with --remake-encrypted)
  talk.vtt          WebVTT: BOM, CRLF, header block, NOTE/STYLE/REGION blocks,
                    cue identifiers, voice tags, entities, inline timestamps
  captions.srt      SRT: BOM, cue numbers, <i>/<b>/<font>, a number-only cue line
  greeting.hello    hello plugin: title line, text, two "---page---" breaks

Run it again after changing it; the outputs are committed (each < 50 KB)
and the script is deterministic (no dates, no randomness; encrypted.pdf is
kept), so a re-run leaves `git status` clean. Besides the fixtures it writes, on request, the
large files the tests build in a temporary folder:

  make_fixtures.py                       # (re)write the fixtures here
  make_fixtures.py --out DIR             # ... into DIR
  make_fixtures.py --many-pages N FILE   # an N-page PDF, a short line per page
  make_fixtures.py --empty-pages N FILE  # an N-page PDF with no text at all
  make_fixtures.py --noisy N FILE        # N page objects at bad offsets: pdfinfo
                                         # prints ~55 bytes of errors for each
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------- PDF writing


def pdf_string(text):
    """A PDF literal string in WinAnsi (Latin-1 covers what we use)."""
    data = text.encode("cp1252")
    out = bytearray(b"(")
    for byte in data:
        if byte in (0x28, 0x29, 0x5C):  # ( ) \
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte > 0x7E:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


def pdf_text_string(text):
    """A PDF text string for the Info dictionary: UTF-16BE with a BOM, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def page_content(lines):
    """A content stream drawing `lines` top-down in 12 pt Helvetica. The
    first line is set larger (a heading to the eye; pdftotext keeps text only)."""
    if not lines:
        return b""
    ops = [b"BT", b"/F1 18 Tf", b"72 720 Td", b"22 TL", pdf_string(lines[0]) + b" Tj"]
    if len(lines) > 1:
        ops += [b"/F1 12 Tf", b"16 TL", b"T*"]
        for line in lines[1:]:
            ops.append(pdf_string(line) + b" '")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def build_pdf(pages, info=None):
    """A complete PDF: `pages` is a list of line lists ([] for an empty page);
    `info` maps Info keys (Title, Author, CreationDate, ModDate) to values."""
    objects = []  # object number - 1 -> body bytes

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages_object = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        content = page_content(lines)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_object, font, stream)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_object
    objects[pages_object - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                                 + b"] /Count %d >>" % len(kids))
    info_object = None
    if info:
        entries = []
        for key, value in info.items():
            if key in ("CreationDate", "ModDate"):
                entries.append(b"/" + key.encode() + b" " + pdf_string(value))
            else:
                entries.append(b"/" + key.encode() + b" " + pdf_text_string(value))
        info_object = add(b"<< " + b" ".join(entries) + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_object:
        trailer += b" /Info %d 0 R" % info_object
    # A fixed file identifier keeps the output (and qpdf's) deterministic.
    trailer += b" /ID [<4C616E7465726E46697874757265303031> <4C616E7465726E46697874757265303031>] >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def build_noisy_pdf(count):
    """A page tree of `count` kids whose xref entries all point at byte 5:
    every kid is an error for poppler (hundreds of KB on stderr)."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(count))
    out = bytearray(b"%PDF-1.4\n")
    offsets = [len(out)]
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets.append(len(out))
    out += b"2 0 obj\n<< /Type /Pages /Kids [" + kids + b"] /Count %d >>\nendobj\n" % count
    offsets += [5] * count
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 3)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 3, xref)
    return bytes(out)


# ---------------------------------------------------------------- the fixtures

ONE_PAGE = [[
    "Lantern one page fixture",
    "Victim-centred interviewing checklist for patrol officers.",
    "The word quillwort appears only in this fixture.",
    "Protecci\u00f3n de v\u00edctimas: se\u00f1ales de alerta.",
]]

def filler(page, count):
    """Lines that only pad a page (so a snippet fits inside one page)."""
    return ["%s page routine line %d: intake notes, referral forms and shelter rosters." % (page, k)
            for k in range(1, count + 1)]


FOUR_PAGES = [
    ["Four page fixture", "Page one introduces the shelter referral process."]
    + filler("First", 30),
    ["Second page heading"] + filler("Second", 14)
    + ["If the child is aged < 16 and has siblings > 2, call the duty social worker."]
    + filler("Second", 14)[::-1],
    ["Third page heading"] + filler("Third", 15)
    + ["The heliotrope ledger reconciliation happens on page three.",
       "Nothing else in the fixtures mentions it."]
    + filler("Third", 15)[::-1],
    ["Fourth page heading", "The vermilion harbour checklist opens page four."]
    + filler("Fourth", 28)
    + ["Page four closes with contacts for the regional task force."],
]

BLANK_PAGE = [
    ["Blank page fixture", "Page one has text; page two is empty on purpose."],
    [],
    ["Third page heading", "The cobalt marmoset census is only on page three."],
]

WITH_INFO_PAGES = [[
    "Indicators in hospitality",
    "Front desk staff notice guests who cannot keep their own identity documents.",
    "This fixture carries an Info dictionary with a title, an author and dates.",
]]
WITH_INFO = {
    "Title": "Labour Trafficking Indicators \u2013 Hospitality Sector",
    "Author": "Fixture Author",
    "CreationDate": "D:20190314093000+13'00'",
    "ModDate": "D:20200102030405Z",
}

VTT = (
    "\ufeffWEBVTT - Lantern transcript fixture\r\n"
    "Kind: captions\r\n"
    "Language: en\r\n"
    "\r\n"
    "NOTE This note block must not reach the index:\r\n"
    "nightjar placeholder words stay out.\r\n"
    "\r\n"
    "STYLE\r\n"
    "::cue { color: yellow }\r\n"
    "\r\n"
    "REGION\r\n"
    "id:fred width:40%\r\n"
    "\r\n"
    "intro-cue\r\n"
    "00:00:01.000 --> 00:00:04.000 align:start position:10%\r\n"
    "<v Dr. Aroha Ngata>Welcome to the indicators briefing.\r\n"
    "\r\n"
    "2\r\n"
    "00:00:04.500 --> 00:00:08.000\r\n"
    "<v.loud Sam>Watch for workers who &lt;never&gt; hold their own passports &amp; payslips.\r\n"
    "<i>Debt bondage</i> is the <c.yellow>pattern</c> to note.\r\n"
    "\r\n"
    "00:00:08.500 --> 00:00:12.000\r\n"
    "Karaoke <00:00:09.000>style <00:00:10.000>timestamps vanish.\r\n"
    "\r\n"
    "NOTE another note about the kestrel placeholder\r\n"
    "\r\n"
    "closing\r\n"
    "00:00:12.500 --> 00:00:15.000\r\n"
    "The zephyrine outreach van visits on Tuesdays.\r\n"
)

SRT = (
    "\ufeff1\n"
    "00:00:01,000 --> 00:00:03,500\n"
    "<i>Hotline calls</i> rise after <b>outreach</b> events.\n"
    "\n"
    "2\n"
    "00:00:04,000 --> 00:00:06,000\n"
    "<font color=\"#ffff00\">Translators</font> join every interview.\n"
    "1800\n"
    "\n"
    "3\n"
    "00:00:06,500 --> 00:00:09,000\n"
    "The quincunx protocol ends the session.\n"
)

HELLO = (
    "Hello fixture title\n"
    "The first page of the hello fixture mentions albatross.\n"
    "---page---\n"
    "The second page mentions bandicoot.\n"
    "---page---\n"
    "The third page mentions cassowary.\n"
)

NOT_REALLY = (
    "This is a plain text file that only pretends to be a PDF by its name.\n"
    "Any PDF reader should refuse it.\n"
)


def write(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as out:
        out.write(data)
    return path


def make_encrypted(directory, source, force):
    target = os.path.join(directory, "encrypted.pdf")
    if os.path.exists(target) and not force:
        return  # AES-256 salts are random: remaking it would change the bytes
    qpdf = shutil.which("qpdf")
    if not qpdf:
        print("make_fixtures: qpdf not installed: encrypted.pdf not (re)made", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as scratch:
        plain = write(scratch, "plain.pdf", source)
        subprocess.run([qpdf, "--static-id", "--static-aes-iv", "--encrypt", "userpw", "ownerpw", "256", "--",
                        plain, target], check=True)


def make_fixtures(directory, force_encrypted=False):
    os.makedirs(directory, exist_ok=True)
    write(directory, "one-page.pdf", build_pdf(ONE_PAGE))
    four = build_pdf(FOUR_PAGES)
    write(directory, "four-pages.pdf", four)
    write(directory, "blank-page.pdf", build_pdf(BLANK_PAGE))
    with_info = build_pdf(WITH_INFO_PAGES, WITH_INFO)
    write(directory, "with-info.pdf", with_info)
    write(directory, "no-text.pdf", build_pdf([[], []]))
    # Cut off after the first object: no pages, no xref, no trailer.
    cut = four.index(b"endobj\n") + len(b"endobj\n")
    write(directory, "corrupt.pdf", four[:cut] + b"2 0 obj\n<< /Type /Pa")
    write(directory, "not-really.pdf", NOT_REALLY.encode())
    make_encrypted(directory, with_info, force_encrypted)
    write(directory, "talk.vtt", VTT.encode("utf-8"))
    write(directory, "captions.srt", SRT.encode("utf-8"))
    write(directory, "greeting.hello", HELLO.encode("utf-8"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--many-pages", nargs=2, metavar=("N", "FILE"))
    parser.add_argument("--empty-pages", nargs=2, metavar=("N", "FILE"))
    parser.add_argument("--noisy", nargs=2, metavar=("N", "FILE"))
    parser.add_argument("--remake-encrypted", action="store_true",
                        help="rewrite encrypted.pdf even when it exists")
    options = parser.parse_args()
    if options.many_pages:
        count, path = int(options.many_pages[0]), options.many_pages[1]
        pages = [["Long fixture page %d" % (n + 1)] for n in range(count)]
        with open(path, "wb") as out:
            out.write(build_pdf(pages))
        return 0
    if options.empty_pages:
        count, path = int(options.empty_pages[0]), options.empty_pages[1]
        with open(path, "wb") as out:
            out.write(build_pdf([[] for _ in range(count)]))
        return 0
    if options.noisy:
        with open(options.noisy[1], "wb") as out:
            out.write(build_noisy_pdf(int(options.noisy[0])))
        return 0
    make_fixtures(options.out, options.remake_encrypted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
