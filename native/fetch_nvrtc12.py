#!/usr/bin/env python3
"""Fetches NVRTC 12.1 (libnvrtc.so.12 and libnvrtc-builtins.so.12.1) from Maven Central, from the jar
org.bytedeco:cuda:12.1-8.9-1.5.9:linux-x86_64-redist, WITHOUT downloading the whole 2.05 GB jar: HTTP range
requests read the zip's central directory and then only the two entries (about 25 MB). Verifies the SHA-256
of both libraries. Build-time tool of native/build-cuda12.sh only; nothing fetched here ships in the bundle.

Usage: fetch_nvrtc12.py DEST_DIR
"""
import hashlib
import io
import os
import sys
import urllib.request
import zipfile

URL = ("https://repo1.maven.org/maven2/org/bytedeco/cuda/12.1-8.9-1.5.9/"
       "cuda-12.1-8.9-1.5.9-linux-x86_64-redist.jar")
PREFIX = "org/bytedeco/cuda/linux-x86_64/"
FILES = {
    "libnvrtc.so.12": "b51b459d111ed251c0fffabaa683aa778f66c967e32596fe2fcbad50fa734fd9",
    "libnvrtc-builtins.so.12.1": "6c5639ce397a9f5b82cd277432d146370674358334a4ce0d33fa9a5ca090ac8a",
}


class RangeFile(io.RawIOBase):
    """A read-only, seekable view of a remote file through HTTP range requests."""

    def __init__(self, url):
        self.url, self.pos = url, 0
        head = urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=60)
        self.size = int(head.headers["Content-Length"])

    def seekable(self):
        return True

    def readable(self):
        return True

    def seek(self, off, whence=0):
        self.pos = off if whence == 0 else self.pos + off if whence == 1 else self.size + off
        return self.pos

    def tell(self):
        return self.pos

    def readinto(self, b):
        n = min(len(b), self.size - self.pos)
        if n <= 0:
            return 0
        req = urllib.request.Request(self.url, headers={"Range": "bytes=%d-%d" % (self.pos, self.pos + n - 1)})
        data = urllib.request.urlopen(req, timeout=600).read()
        b[:len(data)] = data
        self.pos += len(data)
        return len(data)


def main():
    dest = sys.argv[1]
    os.makedirs(dest, exist_ok=True)
    jar = zipfile.ZipFile(io.BufferedReader(RangeFile(URL), buffer_size=1 << 20))
    for name, sha in FILES.items():
        data = jar.read(PREFIX + name)
        got = hashlib.sha256(data).hexdigest()
        if got != sha:
            sys.exit("fetch_nvrtc12.py: %s has SHA-256 %s, expected %s" % (name, got, sha))
        tmp = os.path.join(dest, name + ".part")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(dest, name))
        print("fetch_nvrtc12.py: %s (%d bytes, SHA-256 verified)" % (name, len(data)))


if __name__ == "__main__":
    main()
