"""Reading a file nobody described: its encoding, delimiter and header row.

When a profile leaves the encoding empty, a byte-order mark decides, else the
whole file is tried as UTF-8 (incrementally, flat memory) and falls back to
Windows-1252. When it leaves the delimiter empty, ``csv.Sniffer`` guesses it
on the first lines, and the header row (which need not be the first: title
and date-range lines may come before it) is the first row holding every
column the profile expects, whatever delimiter that takes.
"""

import codecs
import csv
import io

CANDIDATE_DELIMITERS = ",;\t|"
SNIFF_CHARS = 65536
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def detect_encoding(fileobj):
    """'utf-8-sig', 'utf-16', 'utf-8' or 'cp1252' for a binary, seekable file."""
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        fileobj.seek(0)
    return "utf-8"


def normalize(name):
    return name.strip().lstrip("\ufeff").strip().lower()


def find_header(records, wanted, limit):
    """(row number, header names) of the first of ``records`` (at most
    ``limit``) holding every name of ``wanted``; (0, first row seen) when none."""
    first = None
    for number, record in enumerate(records, start=1):
        names = [normalize(cell) for cell in record]
        if first is None and any(names):
            first = names
        if wanted <= set(names):
            return number, names
        if number >= limit:
            break
    return 0, first or []


def _sniffed(sample):
    """csv.Sniffer's delimiter for ``sample``, or the first usual one."""
    try:
        return csv.Sniffer().sniff(sample, CANDIDATE_DELIMITERS).delimiter
    except csv.Error:
        return CANDIDATE_DELIMITERS[0]


def detect_delimiter(text_head, wanted, limit):
    """The delimiter with which a row of ``text_head`` holds every wanted name;
    csv.Sniffer's guess first, then the usual ones. None when none does."""
    candidates = [_sniffed(text_head[:8192])]
    candidates += [d for d in CANDIDATE_DELIMITERS if d not in candidates]
    for delimiter in candidates:
        reader = csv.reader(io.StringIO(text_head), delimiter=delimiter)
        try:
            number, _names = find_header(reader, wanted, limit)
        except csv.Error:
            continue
        if number:
            return delimiter
    return None
