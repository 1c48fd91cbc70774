#!/usr/bin/env python3
"""Writes the DOCX / ODT test inputs of tests/unit/test_plugin_office.c.

Run from anywhere: python3 tests/data/plugins/office/make_fixtures.py
Everything is built with the standard library (zipfile) so the inputs are
small, reproducible (fixed timestamps) and hand-checked. The large inputs
(the 1 GB zip bomb) are made by the test itself in a temporary directory.
"""
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2024, 1, 2, 3, 4, 6)

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006'

CONTENT_TYPES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>'''

RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>'''

CORE = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Annual   Report &amp; Review</dc:title>
<dc:creator>Mere Tūhoe</dc:creator>
<cp:lastModifiedBy>Someone Else</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2023-04-05T10:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2024-02-29T23:59:59Z</dcterms:modified>
</cp:coreProperties>'''

# "berschrift3" stands for a localized style id: its name says "heading 3".
STYLES = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift3"><w:name w:val="heading 3"/></w:style>
<w:style w:type="paragraph" w:styleId="Outline"><w:name w:val="My Outline"/><w:pPr><w:outlineLvl w:val="3"/></w:pPr></w:style>
<w:style w:type="character" w:styleId="Heading1Char"><w:name w:val="Heading 1 Char"/></w:style>
</w:styles>'''


def para(text, style=None):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ''
    return f'<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>'


DOCUMENT = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:mc="{MC}">
<w:body>
{para('Annual Report', 'Title')}
{para('Introduction', 'Heading1')}
<w:p><w:r><w:t xml:space="preserve">Kia ora koutou, </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Tāmaki Makaurau</w:t></w:r><w:r><w:t xml:space="preserve"> &amp; Ōtautahi &lt;2023&gt;.</w:t></w:r></w:p>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Name</w:t><w:tab/><w:t>Value</w:t><w:br/><w:t>Second line</w:t></w:r></w:p>
{para('Findings', 'Heading2')}
<w:p><w:r><w:t>Kept text</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>DELETED-TEXT</w:delText></w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "FIELD-CODE" </w:instrText></w:r><w:r><w:t xml:space="preserve"> and more.</w:t></w:r></w:p>
{para('Localized heading', 'berschrift3')}
{para('Outline heading', 'Outline')}
{para('日本語のテキスト と Ελληνικά')}
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell one</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>Before box</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Text box content</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>FALLBACK-DUPLICATE</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>after box</w:t></w:r></w:p>
<w:p/>
{para('The end.')}
<w:sectPr/>
</w:body>
</w:document>'''


def write_zip(name, parts, compression=zipfile.ZIP_DEFLATED):
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, 'w') as archive:
        for part_name, data in parts:
            info = zipfile.ZipInfo(part_name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if part_name == 'mimetype' else compression
            archive.writestr(info, data.encode('utf-8') if isinstance(data, str) else data)
    return path


def docx(name, document, core=CORE, styles=STYLES):
    parts = [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS), ('word/document.xml', document)]
    if styles:
        parts.append(('word/styles.xml', styles))
    if core:
        parts.append(('docProps/core.xml', core))
    return write_zip(name, parts)


XXE_DOCUMENT = f'''<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE w:document [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY % pe SYSTEM "file:///etc/passwd">
  %pe;
]>
<w:document xmlns:w="{W}"><w:body>
<w:p><w:r><w:t>Before &xxe; after</w:t></w:r></w:p>
</w:body></w:document>'''

XXE_CORE = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cp:coreProperties [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Title &xxe; end</dc:title></cp:coreProperties>'''

LAUGHS = '\n'.join(
    ['<!ENTITY lol "lol">'] +
    [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)])
BILLION_LAUGHS = f'''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [
{LAUGHS}
]>
<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'''

MALFORMED = f'''<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Unclosed text</w:r></w:p></w:body></w:document>'''

# 300 nested content controls: deeper than libxml2's 256 levels.
DEEP = (f'<?xml version="1.0" encoding="UTF-8"?>\n<w:document xmlns:w="{W}"><w:body>' +
        '<w:sdt><w:sdtContent>' * 150 + para('deep') + '</w:sdtContent></w:sdt>' * 150 +
        '</w:body></w:document>')


def mark_encrypted(path, part):
    """Sets the "encrypted" flag of `part` in its local and central headers,
    as a zip tool protecting the entry with a password would."""
    with open(path, 'rb') as source:
        data = bytearray(source.read())
    name = part.encode()
    at = 0
    while True:
        local = data.find(b'PK\x03\x04', at)
        if local < 0:
            break
        length = struct.unpack_from('<H', data, local + 26)[0]
        if data[local + 30:local + 30 + length] == name:
            data[local + 6] |= 1
        at = local + 4
    at = 0
    while True:
        central = data.find(b'PK\x01\x02', at)
        if central < 0:
            break
        length = struct.unpack_from('<H', data, central + 28)[0]
        if data[central + 46:central + 46 + length] == name:
            data[central + 8] |= 1
        at = central + 4
    with open(path, 'wb') as out:
        out.write(data)


# ---------------------------------------------------------------- ODT

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')

MANIFEST = '''<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>'''

ENCRYPTED_MANIFEST = '''<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="2048">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="AAAA">
   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="AAAA"/>
   <manifest:start-key-generation manifest:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>
   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="AAAA"/>
  </manifest:encryption-data>
 </manifest:file-entry>
</manifest:manifest>'''

META = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ODT_NS} office:version="1.3"><office:meta>
<dc:title>Rapport   annuel</dc:title>
<meta:initial-creator>Zoë Ångström</meta:initial-creator>
<dc:creator>Last Editor</dc:creator>
<meta:creation-date>2022-11-30T08:15:00.123456789</meta:creation-date>
<dc:date>2023-01-15T12:00:00</dc:date>
</office:meta></office:document-meta>'''

CONTENT = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODT_NS} office:version="1.3">
<office:automatic-styles><style:style style:name="P1" style:family="paragraph"/></office:automatic-styles>
<office:body><office:text>
<text:sequence-decls/>
<text:h text:outline-level="1">Rapport annuel</text:h>
<text:p text:style-name="P1">Première   ligne
   continuée &amp; fin.</text:p>
<text:h text:outline-level="2">Détails</text:h>
<text:p>A<text:s text:c="3"/>B<text:tab/>C<text:line-break/>D <text:span>span</text:span> E</text:p>
<text:list><text:list-item><text:p>Élément un</text:p></text:list-item><text:list-item><text:p>Élément deux</text:p></text:list-item></text:list>
<text:p>Note here<text:note text:note-class="footnote"><text:note-citation>9</text:note-citation><text:note-body><text:p>Footnote body</text:p></text:note-body></text:note> after note.</text:p>
<text:p><office:annotation><dc:creator>Reviewer</dc:creator><text:p>ANNOTATION-TEXT</text:p></office:annotation>Commented text</text:p>
<text:h text:outline-level="9">Deep heading</text:h>
<text:p/>
<text:p>Ελληνικά 中文</text:p>
</office:text></office:body></office:document-content>'''


def odt(name, content=CONTENT, meta=META, manifest=MANIFEST, mimetype='application/vnd.oasis.opendocument.text'):
    parts = [('mimetype', mimetype), ('META-INF/manifest.xml', manifest), ('content.xml', content)]
    if meta:
        parts.append(('meta.xml', meta))
    return write_zip(name, parts)


# ---------------------------------------------------------------- OLE

def ole_encrypted_package():
    """A minimal compound file holding EncryptionInfo and EncryptedPackage
    streams: what Word writes for a password-protected .docx."""
    sector = 512
    streams = [('EncryptionInfo', b'\x04\x00\x04\x00' + b'\x00' * 4092),
               ('EncryptedPackage', struct.pack('<Q', 4000) + bytes(range(256)) * 15 + b'\x00' * 248)]
    # Sector 0: FAT, sector 1: directory, then each stream (4096 bytes = 8 sectors).
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    starts = []
    for _, data in streams:
        first = len(fat)
        count = len(data) // sector
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name, kind, start, size, child=0xFFFFFFFF, left=0xFFFFFFFF, right=0xFFFFFFFF):
        encoded = (name + '\0').encode('utf-16-le')
        return (encoded.ljust(64, b'\0') + struct.pack('<HBB', len(encoded), kind, 1) +
                struct.pack('<III', left, right, child) + b'\0' * 16 + b'\0' * 4 + b'\0' * 16 +
                struct.pack('<IQ', start, size))
    directory = (entry('Root Entry', 5, 0xFFFFFFFE, 0, child=1) +
                 entry(streams[0][0], 2, starts[0], len(streams[0][1]), right=2) +
                 entry(streams[1][0], 2, starts[1], len(streams[1][1])) +
                 b'\0' * 128)
    header = (b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\0' * 16 + struct.pack('<HHHHH', 0x3E, 3, 0xFFFE, 9, 6) +
              b'\0' * 6 + struct.pack('<IIIIIIIII', 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0) +
              struct.pack('<I', 0) + b'\xFF' * (109 * 4 - 4))
    assert len(header) == 512 and len(directory) == 512
    body = struct.pack('<%dI' % len(fat), *fat) + directory + b''.join(data for _, data in streams)
    return header + body


def main():
    report = docx('report.docx', DOCUMENT)
    docx('no-styles.docx', DOCUMENT.replace('berschrift3', 'Heading3'), core=None, styles=None)
    docx('xxe.docx', XXE_DOCUMENT, core=XXE_CORE)
    docx('billion-laughs.docx', BILLION_LAUGHS)
    docx('malformed.docx', MALFORMED)
    docx('deep.docx', DEEP)
    mark_encrypted(docx('zip-encrypted.docx', DOCUMENT), 'word/document.xml')
    write_zip('not-office.docx', [('readme.txt', 'just a zip file\n')])
    with open(report, 'rb') as source:
        data = source.read()
    with open(os.path.join(HERE, 'truncated.docx'), 'wb') as out:
        out.write(data[:len(data) // 2])
    with open(os.path.join(HERE, 'not-a-zip.docx'), 'w') as out:
        out.write('This is plain text pretending to be a Word document.\n')
    with open(os.path.join(HERE, 'password.docx'), 'wb') as out:
        out.write(ole_encrypted_package())
    odt('report.odt')
    odt('encrypted.odt', content=bytes((i * 37 + 11) % 256 for i in range(2048)), meta=None,
        manifest=ENCRYPTED_MANIFEST)
    odt('spreadsheet.odt', mimetype='application/vnd.oasis.opendocument.spreadsheet')


if __name__ == '__main__':
    main()
