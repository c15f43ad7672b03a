#!/usr/bin/env python3
"""Writes the PNG metadata fixtures (tests/data/README.md): metadata only PNG's own chunks carry.

fixtures/canon_40d exif chunk.png  a 4x4 PNG whose eXIf chunk is Canon_40D.jpg's EXIF (TIFF) block
fixtures/xmp itxt only.png         a 4x4 PNG with no EXIF and an iTXt XMP packet: capture time
                                   with its offset, GPS, camera
Standard library only; run from anywhere: python3 tests/data/make_metadata_fixtures.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(extra_chunks):
    rows = b"".join(b"\x00" + bytes([200, 100, 50]) * 4 for _ in range(4))
    ihdr = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(extra_chunks) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def exif_of_jpeg(path):
    data = open(path, "rb").read()
    at = data.index(b"Exif\x00\x00")
    length = struct.unpack(">H", data[at - 2:at])[0]  # the APP1 segment's, from its length field
    return data[at + 6:at - 2 + length]


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
       b'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
       b'exif:DateTimeOriginal="2017-06-03T18:04:12.35+02:00" exif:GPSLatitude="41,23.4N" '
       b'exif:GPSLongitude="2,10.2E" tiff:Make="Google" tiff:Model="Pixel 2"/></rdf:RDF>'
       b'</x:xmpmeta>')

with open(os.path.join(FIX, "canon_40d exif chunk.png"), "wb") as f:
    f.write(png([chunk(b"eXIf", exif_of_jpeg(os.path.join(FIX, "Canon_40D.jpg")))]))
with open(os.path.join(FIX, "xmp itxt only.png"), "wb") as f:
    # keyword, NUL, compression flag 0, method 0, no language tag, no translated keyword
    f.write(png([chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP)]))
