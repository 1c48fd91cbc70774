#!/usr/bin/env python3
"""Writes sample.doc: a minimal Word 97 (.doc) document for the doc plugin's
tests, built by hand so no office suite is needed.

Run from anywhere: python3 tests/data/plugins/doc/make_sample.py

The file is an OLE compound file with two streams:
  WordDocument  the FIB (file information block, nFib 193 = Word 97) and
                the text, 8-bit Windows-1252, paragraphs ended by CR;
  1Table        the piece table (CLX) saying where the text is, and an
                empty style sheet (antiword reads one whether or not the
                FIB says there is one: without it, it reads past a 1-byte
                buffer and crashes now and then).
Everything else a Word file may hold (fonts, sections, the DOP) is absent:
its FIB entries are zero, which readers take as "none".
Both streams are padded to 4096 bytes, so they live in ordinary sectors and
the file needs no mini stream.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SECTOR = 512
STREAM_SIZE = 4096
TEXT_OFFSET = 0x400
STYLESHEET_OFFSET = 0x100

PARAGRAPHS = [
    'Lantern legacy Word sample',
    'Second paragraph with caf\u00e9 and na\u00efve.',
    'Third paragraph: the end.',
]


def word_document(text):
    fib = bytearray(TEXT_OFFSET)
    struct.pack_into('<HHHHH', fib, 0x00, 0xA5EC, 193, 0x6027, 0x0409, 0)
    # flags: fWhichTblStm (1Table) | fExtChar
    struct.pack_into('<H', fib, 0x0A, 0x0200 | 0x1000)
    struct.pack_into('<H', fib, 0x0C, 0x00BF)                      # nFibBack
    struct.pack_into('<II', fib, 0x18, TEXT_OFFSET, TEXT_OFFSET + len(text))  # fcMin, fcMac
    struct.pack_into('<H', fib, 0x20, 14)                          # csw
    struct.pack_into('<H', fib, 0x3E, 22)                          # cslw
    struct.pack_into('<I', fib, 0x40, TEXT_OFFSET + len(text))     # cbMac
    struct.pack_into('<I', fib, 0x4C, len(text))                   # ccpText
    struct.pack_into('<H', fib, 0x98, 93)                          # cbRgFcLcb
    # 1Table: the piece table, then an empty style sheet (readers assume
    # there is one).
    clx = clx_for(len(text))
    stylesheet = struct.pack('<H', 18) + struct.pack('<9H', 0, 10, 1, 0, 0, 0, 0, 0, 0)
    table = clx.ljust(STYLESHEET_OFFSET, b'\0') + stylesheet
    struct.pack_into('<II', fib, 0x1A2, 0, len(clx))               # fcClx, lcbClx
    struct.pack_into('<II', fib, 0xA2, STYLESHEET_OFFSET, len(stylesheet))  # fcStshf, lcbStshf
    data = bytes(fib) + text
    return data.ljust(STREAM_SIZE, b'\0'), table.ljust(STREAM_SIZE, b'\0')


def clx_for(length):
    # One piece: CPs 0..length, its text "compressed" (8-bit) at TEXT_OFFSET.
    plc = struct.pack('<II', 0, length) + struct.pack('<HIH', 0, (TEXT_OFFSET * 2) | 0x40000000, 0)
    return b'\x02' + struct.pack('<I', len(plc)) + plc


def compound_file(streams):
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for _, data in streams:
        assert len(data) % SECTOR == 0
        first = len(fat)
        count = len(data) // SECTOR
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (SECTOR // 4 - len(fat))

    def entry(name, kind, start, size, child=0xFFFFFFFF, right=0xFFFFFFFF):
        encoded = (name + '\0').encode('utf-16-le')
        return (encoded.ljust(64, b'\0') + struct.pack('<HBB', len(encoded), kind, 1) +
                struct.pack('<III', 0xFFFFFFFF, right, child) + b'\0' * 36 + struct.pack('<IQ', start, size))
    directory = entry('Root Entry', 5, 0xFFFFFFFE, 0, child=1)
    for i, (name, data) in enumerate(streams):
        last = i == len(streams) - 1
        directory += entry(name, 2, starts[i], len(data), right=0xFFFFFFFF if last else i + 2)
    directory = directory.ljust(SECTOR, b'\0')
    header = (b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 16 + struct.pack('<HHHHH', 0x3E, 3, 0xFFFE, 9, 6) +
              b'\0' * 6 + struct.pack('<IIIIIIIII', 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0) +
              struct.pack('<I', 0) + b'\xFF' * (109 * 4 - 4))
    assert len(header) == SECTOR
    return header + struct.pack('<%dI' % len(fat), *fat) + directory + b''.join(data for _, data in streams)


def main():
    text = ''.join(p + '\r' for p in PARAGRAPHS).encode('cp1252')
    document, table = word_document(text)
    with open(os.path.join(HERE, 'sample.doc'), 'wb') as out:
        out.write(compound_file([('WordDocument', document), ('1Table', table)]))


if __name__ == '__main__':
    main()
