"""The dense dump of the view-at-scale benchmarks: one heap region of 61,230 records of
other people (e-mail, phone, name), the size of a real dump that printed 10 MB.

Usage: python3 bench/support/make_dense.py OUT.dmp
"""
import struct
import sys

heap = b''.join(('{"id":%d,"mail":"customer%d@example.com","phone":"+44 20 7946 %04d","name":"Customer %d"}\0'
                 % (i, i, i % 10000, i)).encode() for i in range(61230))
# Header, a one-entry stream directory, a MemoryListStream of one region, the bytes.
ml_rva = 32 + 12
data_rva = ml_rva + 4 + 16
ml = struct.pack('<I', 1) + struct.pack('<QII', 0x50000000, len(heap), data_rva)
hdr = struct.pack('<4sIIIIIQ', b'MDMP', 0xa793, 1, 32, 0, 0, 0)
with open(sys.argv[1], 'wb') as f:
    f.write(hdr + struct.pack('<III', 5, len(ml), ml_rva) + ml + heap)
